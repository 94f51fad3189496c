-- 0.0.1
DROP TABLE documents;

-- 0.0.2
ALTER TABLE documents DROP COLUMN language;

-- 0.0.3
ALTER TABLE documents ADD COLUMN language text DEFAULT 'en' NOT NULL;

