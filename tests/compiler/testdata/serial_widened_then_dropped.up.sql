-- 0.0.1
CREATE TABLE events (
    id serial NOT NULL,
    name text,
    CONSTRAINT events_pkey PRIMARY KEY (id)
);

-- 0.0.2
ALTER TABLE events ALTER COLUMN id TYPE bigint;

-- 0.0.3
DROP TABLE events;

