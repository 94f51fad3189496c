-- 0.0.1
DROP TABLE documents;

-- 0.0.2
ALTER TABLE documents ADD COLUMN length integer;

