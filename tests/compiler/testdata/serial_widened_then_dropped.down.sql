-- 0.0.1
DROP TABLE events;

-- 0.0.2
ALTER TABLE events ALTER COLUMN id TYPE integer USING id::integer;

-- 0.0.3
CREATE SEQUENCE events_id_seq AS integer;

CREATE TABLE events (
    id bigint DEFAULT nextval('events_id_seq'::regclass) NOT NULL,
    name text,
    CONSTRAINT events_pkey PRIMARY KEY (id)
);

ALTER SEQUENCE events_id_seq OWNED BY events.id;

