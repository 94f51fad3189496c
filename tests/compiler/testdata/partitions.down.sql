-- 0.0.1
DROP TABLE sessions_1;

DROP TABLE sessions_0;

DROP TABLE sessions;

DROP TABLE tenants_data_us;

DROP TABLE tenants_data_eu;

DROP TABLE tenants_data;

DROP INDEX events_kind;

DROP TABLE events_later;

DROP TABLE archive.events_before;

DROP TABLE events_2026;

DROP TABLE events_2025;

DROP TABLE events;

DROP SCHEMA archive;

-- 0.0.2
DROP TABLE activity_2027;

CREATE TABLE events_2025 PARTITION OF activity FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

ALTER TABLE activity RENAME TO events;

ALTER TABLE events RENAME COLUMN occurred_at TO created_at;

ALTER TABLE events DROP COLUMN source;

-- 0.0.3
CREATE TABLE sessions (
    id bigint NOT NULL,
    CONSTRAINT sessions_pkey PRIMARY KEY (id)
) PARTITION BY HASH (id);

CREATE TABLE sessions_1 PARTITION OF sessions FOR VALUES WITH (MODULUS 2, REMAINDER 1);

CREATE TABLE sessions_0 PARTITION OF sessions FOR VALUES WITH (MODULUS 2, REMAINDER 0);

