-- 0.0.1
CREATE TABLE documents (
    id bigint NOT NULL,
    title text NOT NULL,
    CONSTRAINT documents_pkey PRIMARY KEY (id)
);

-- 0.0.2
ALTER TABLE documents RENAME COLUMN title TO heading;

-- 0.0.3
ALTER TABLE documents DROP COLUMN heading;

