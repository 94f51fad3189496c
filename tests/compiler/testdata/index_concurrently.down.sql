-- 0.0.1
DROP TABLE documents;

-- 0.0.2
DROP INDEX CONCURRENTLY documents_title;

DROP INDEX CONCURRENTLY documents_fetched_at;

-- 0.0.3
CREATE INDEX CONCURRENTLY documents_fetched_at ON documents (fetched_at);

-- 0.0.4
CREATE UNIQUE INDEX documents_title ON documents (title) WHERE title <> '';

