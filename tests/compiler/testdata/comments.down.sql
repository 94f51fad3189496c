-- 0.0.1
COMMENT ON TABLE rag.chunks IS NULL;

COMMENT ON INDEX documents_language IS NULL;

COMMENT ON COLUMN rag.chunks.embedding IS NULL;

COMMENT ON COLUMN documents.language IS NULL;

COMMENT ON TABLE documents IS NULL;

DROP INDEX documents_language;

DROP TABLE rag.chunks;

DROP TABLE documents;

DROP SCHEMA rag;

-- 0.0.2
COMMENT ON COLUMN rag.chunks.id IS NULL;

COMMENT ON TABLE rag.chunks IS 'pieces';

COMMENT ON INDEX documents_language IS 'by language';

COMMENT ON COLUMN documents.language IS 'ISO 639-1 code';

COMMENT ON TABLE documents IS 'Fetched documents, one row per URL';

-- 0.0.3
COMMENT ON INDEX documents_language IS NULL;

COMMENT ON COLUMN documents.language IS NULL;

COMMENT ON TABLE documents IS 'Documents';

