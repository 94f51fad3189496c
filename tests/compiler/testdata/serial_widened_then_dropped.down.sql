-- 0.0.1
DROP TABLE events;

-- 0.0.2
ALTER TABLE events ALTER COLUMN id TYPE integer USING id::integer;

-- 0.0.3
CREATE TABLE events (
    id bigint NOT NULL,
    name text,
    CONSTRAINT events_pkey PRIMARY KEY (id)
);

