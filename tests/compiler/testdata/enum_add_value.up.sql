-- 0.0.1
CREATE TYPE document_status AS ENUM ('draft', 'published');

CREATE TABLE documents (
    id bigint NOT NULL,
    status document_status DEFAULT 'draft' NOT NULL,
    CONSTRAINT documents_pkey PRIMARY KEY (id)
);

-- 0.0.2
ALTER TYPE document_status ADD VALUE 'review';

ALTER TYPE document_status ADD VALUE 'pending' BEFORE 'published';

ALTER TYPE document_status ADD VALUE 'retracted' AFTER 'published';

-- 0.0.3
ALTER TABLE documents ALTER COLUMN status SET DEFAULT 'review';

ALTER TABLE documents ADD CONSTRAINT documents_status_check CHECK (status <> 'retracted');

ALTER TYPE document_status RENAME VALUE 'pending' TO 'waiting';

-- 0.0.4
ALTER TABLE documents DROP COLUMN status;

DROP TYPE document_status;

