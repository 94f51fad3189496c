-- 0.0.1
DROP TABLE events;

-- 0.0.2
ALTER TABLE events DROP CONSTRAINT events_pkey;

