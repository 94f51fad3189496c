-- 0.0.1
DROP INDEX chunks_2027_on_body;

DROP INDEX chunks_2027_on_created;

DROP TABLE chunks_2027;

DROP TABLE chunks_2026;

DROP TABLE chunks_2025;

DROP INDEX chunks_body;

DROP INDEX chunks_created;

DROP TABLE chunks;

DROP TABLE documents;

DROP EXTENSION vector;

-- 0.0.2
ALTER TABLE chunks ATTACH PARTITION chunks_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

ALTER TABLE chunks DETACH PARTITION chunks_2027;

-- 0.0.3
ALTER TABLE chunks ATTACH PARTITION chunks_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

ALTER TABLE chunks_2026 DROP CONSTRAINT chunks_2026_created_at_check;

-- 0.0.4
CREATE TABLE chunks_2025 (
    id bigint CONSTRAINT chunks_id_not_null NOT NULL,
    document_id bigint CONSTRAINT chunks_document_id_not_null NOT NULL,
    created_at date CONSTRAINT chunks_created_at_not_null NOT NULL,
    body text,
    embedding vector(3),
    CONSTRAINT chunks_body_check CHECK (length(body) < 10000),
    CONSTRAINT chunks_2025_pkey PRIMARY KEY (id, created_at),
    CONSTRAINT chunks_document_id_fkey FOREIGN KEY (document_id) REFERENCES documents (id)
);

CREATE INDEX chunks_2025_created_at_idx ON chunks_2025 (created_at);

CREATE INDEX chunks_2025_lower_idx ON chunks_2025 ((lower(body)));

CREATE TABLE chunks_2027 (
    id bigint NOT NULL,
    document_id bigint NOT NULL,
    created_at date NOT NULL,
    body text,
    embedding vector(3),
    CONSTRAINT chunks_body_check CHECK (length(body) < 10000),
    CONSTRAINT chunks_2027_key PRIMARY KEY (id, created_at),
    CONSTRAINT chunks_2027_document_id_fkey FOREIGN KEY (document_id) REFERENCES documents (id),
    CONSTRAINT chunks_2027_bound CHECK (created_at >= '2027-01-01' and created_at < '2028-01-01')
);

CREATE INDEX chunks_2027_on_created ON chunks_2027 (created_at);

CREATE INDEX chunks_2027_on_body ON chunks_2027 ((lower(body)));

ALTER TABLE chunks ATTACH PARTITION chunks_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');

-- 0.0.5
ALTER TABLE chunks_rest DROP CONSTRAINT chunks_rest_not_2029;

ALTER TABLE chunks_rest ADD CONSTRAINT chunks_rest_not_2029 CHECK (created_at < '2029-01-01' or created_at >= '2030-01-01') NOT VALID;

ALTER TABLE chunks_rest DROP CONSTRAINT chunks_rest_not_2029;

DROP TABLE chunks_rest;

ALTER TABLE chunks_2028 ADD CONSTRAINT chunks_2028_bound CHECK (created_at >= '2028-01-01' and created_at < '2029-01-01');

ALTER TABLE chunks DETACH PARTITION chunks_2028;

DROP INDEX chunks_2028_on_body;

DROP INDEX chunks_2028_on_created;

DROP TABLE chunks_2028;

