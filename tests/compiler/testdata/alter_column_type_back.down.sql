-- 0.0.1
DROP TABLE documents;

DROP TYPE status;

-- 0.0.2
ALTER TABLE documents ALTER COLUMN status TYPE status;

ALTER TABLE documents ALTER COLUMN word_count TYPE integer;

