-- 0.0.1
CREATE SCHEMA rag;

CREATE TYPE document_status AS ENUM ('draft', 'published', 'archived');

CREATE TYPE rag.kind AS ENUM ('Article', 'it''s', 'with space');

CREATE TYPE "Mood" AS ENUM ('ok');

-- 0.0.2
ALTER TYPE document_status RENAME VALUE 'draft' TO 'unpublished';

ALTER TYPE rag.kind RENAME VALUE 'Article' TO 'article';

-- 0.0.3
DROP TYPE document_status;

DROP TYPE rag.kind;

DROP TYPE "Mood";

