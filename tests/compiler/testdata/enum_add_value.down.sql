-- 0.0.1
DROP TABLE documents;

DROP TYPE document_status;

-- 0.0.2
-- irreversible

-- 0.0.3
ALTER TYPE document_status RENAME VALUE 'waiting' TO 'pending';

ALTER TABLE documents DROP CONSTRAINT documents_status_check;

ALTER TABLE documents ALTER COLUMN status SET DEFAULT 'draft';

-- 0.0.4
CREATE TYPE document_status AS ENUM ('draft', 'waiting', 'published', 'retracted', 'review');

ALTER TABLE documents ADD COLUMN status document_status DEFAULT 'review' NOT NULL;

ALTER TABLE documents ADD CONSTRAINT documents_status_check CHECK (status <> 'retracted');

