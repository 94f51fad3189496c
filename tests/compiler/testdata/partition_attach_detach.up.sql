-- 0.0.1
CREATE EXTENSION vector;

CREATE TABLE documents (
    id bigint NOT NULL,
    CONSTRAINT documents_pkey PRIMARY KEY (id)
);

CREATE TABLE chunks (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    document_id bigint NOT NULL,
    created_at date NOT NULL,
    body text,
    embedding vector(3),
    CONSTRAINT chunks_body_check CHECK (length(body) < 10000),
    CONSTRAINT chunks_pkey PRIMARY KEY (id, created_at),
    CONSTRAINT chunks_document_id_fkey FOREIGN KEY (document_id) REFERENCES documents (id)
) PARTITION BY RANGE (created_at);

CREATE INDEX chunks_created ON chunks (created_at);

CREATE INDEX chunks_body ON chunks ((lower(body)));

CREATE TABLE chunks_2025 PARTITION OF chunks FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE TABLE chunks_2026 PARTITION OF chunks FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

CREATE TABLE chunks_2027 (
    id bigint NOT NULL,
    document_id bigint NOT NULL,
    created_at date NOT NULL,
    body text,
    embedding vector(3),
    CONSTRAINT chunks_body_check CHECK (length(body) < 10000),
    CONSTRAINT chunks_2027_key PRIMARY KEY (id, created_at),
    CONSTRAINT chunks_2027_bound CHECK (created_at >= '2027-01-01' and created_at < '2028-01-01'),
    CONSTRAINT chunks_2027_document_id_fkey FOREIGN KEY (document_id) REFERENCES documents (id)
);

CREATE INDEX chunks_2027_on_created ON chunks_2027 (created_at);

CREATE INDEX chunks_2027_on_body ON chunks_2027 ((lower(body)));

-- 0.0.2
ALTER TABLE chunks ATTACH PARTITION chunks_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');

ALTER TABLE chunks DETACH PARTITION chunks_2025;

-- 0.0.3
ALTER TABLE chunks DETACH PARTITION chunks_2026 CONCURRENTLY;

-- 0.0.4
DROP TABLE chunks_2027;

DROP TABLE chunks_2025;

-- 0.0.5
CREATE TABLE chunks_2028 (
    id bigint NOT NULL,
    document_id bigint NOT NULL,
    created_at date NOT NULL,
    body text,
    embedding vector(3),
    CONSTRAINT chunks_body_check CHECK (length(body) < 10000),
    CONSTRAINT chunks_2028_key PRIMARY KEY (id, created_at),
    CONSTRAINT chunks_2028_bound CHECK (created_at >= '2028-01-01' and created_at < '2029-01-01'),
    CONSTRAINT chunks_2028_document_id_fkey FOREIGN KEY (document_id) REFERENCES documents (id)
);

CREATE INDEX chunks_2028_on_created ON chunks_2028 (created_at);

CREATE INDEX chunks_2028_on_body ON chunks_2028 ((lower(body)));

ALTER TABLE chunks ATTACH PARTITION chunks_2028 FOR VALUES FROM ('2028-01-01') TO ('2029-01-01');

ALTER TABLE chunks_2028 DROP CONSTRAINT chunks_2028_bound;

CREATE TABLE chunks_rest PARTITION OF chunks DEFAULT;

ALTER TABLE chunks_rest ADD CONSTRAINT chunks_rest_not_2029 CHECK (created_at < '2029-01-01' or created_at >= '2030-01-01') NOT VALID;

ALTER TABLE chunks_rest VALIDATE CONSTRAINT chunks_rest_not_2029;

