-- 0.0.1
CREATE TABLE events (
    id bigint,
    kind text
);

-- 0.0.2
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id);

