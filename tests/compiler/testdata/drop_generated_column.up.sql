-- 0.0.1
CREATE TABLE documents (
    id bigint NOT NULL,
    title text,
    title_length integer GENERATED ALWAYS AS (length(title)) STORED,
    CONSTRAINT documents_pkey PRIMARY KEY (id)
);

-- 0.0.2
ALTER TABLE documents DROP COLUMN title_length;

