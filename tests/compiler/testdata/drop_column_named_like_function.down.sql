-- 0.0.1
DROP TABLE documents;

-- 0.0.2
ALTER TABLE documents ADD COLUMN length integer;

ALTER TABLE documents ADD CONSTRAINT documents_check CHECK (length(title) < 100);

