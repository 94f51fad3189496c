-- 0.0.1
DROP INDEX idx_documents_body;

DROP TABLE metadata;

DROP TABLE documents;

DROP TABLE users;

DROP TABLE content_parts;

-- 0.0.2
DROP FUNCTION touch_updated_at();

CREATE INDEX idx_documents_body ON documents (content);

ALTER TABLE document_metadata RENAME TO metadata;

ALTER TABLE documents ADD COLUMN url text;

ALTER TABLE documents ALTER COLUMN title TYPE text USING title::text;

ALTER TABLE documents RENAME COLUMN content TO body;

ALTER TABLE documents DROP COLUMN language;

DROP INDEX CONCURRENTLY documents_fetched_at;

DROP INDEX users_email_lower;

DROP INDEX embeddings_embedding_hnsw;

DROP TABLE embeddings;

DROP TYPE document_status;

DROP EXTENSION vector;

