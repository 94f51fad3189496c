-- 0.0.1
COMMENT ON INDEX docs_title IS NULL;

DROP INDEX chunks_embedding;

DROP INDEX chunks_lower;

DROP INDEX docs_title;

DROP TABLE chunks;

DROP EXTENSION vector;

-- 0.0.2
COMMENT ON INDEX chunks_embedding IS NULL;

ALTER INDEX documents_title RENAME TO docs_title;

-- 0.0.3
CREATE INDEX chunks_embedding ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 8, ef_construction = 32);

COMMENT ON INDEX chunks_embedding IS 'ann search';

CREATE UNIQUE INDEX chunks_lower ON chunks ((lower(title)));

CREATE INDEX documents_title ON chunks (title DESC NULLS LAST) INCLUDE (id) WITH (fillfactor = 80) WHERE deleted_at is null;

COMMENT ON INDEX documents_title IS 'titles, newest first';

-- 0.0.4
DROP INDEX documents_title;

