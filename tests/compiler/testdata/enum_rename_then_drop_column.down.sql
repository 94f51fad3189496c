-- 0.0.1
DROP TABLE documents;

DROP TYPE status;

-- 0.0.2
ALTER TYPE status RENAME VALUE 'unpublished' TO 'draft';

-- 0.0.3
ALTER TABLE documents ADD COLUMN status status DEFAULT 'unpublished' NOT NULL;

