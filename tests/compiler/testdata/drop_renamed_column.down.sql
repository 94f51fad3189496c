-- 0.0.1
DROP TABLE documents;

-- 0.0.2
ALTER TABLE documents RENAME COLUMN heading TO title;

-- 0.0.3
ALTER TABLE documents ADD COLUMN heading text CONSTRAINT documents_title_not_null NOT NULL;

