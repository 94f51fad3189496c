-- 0.0.1
CREATE TABLE documents (
    id bigint NOT NULL,
    title text,
    length integer,
    CONSTRAINT documents_pkey PRIMARY KEY (id),
    CONSTRAINT documents_title_check CHECK (length(title) < 100)
);

-- 0.0.2
ALTER TABLE documents DROP COLUMN length;

