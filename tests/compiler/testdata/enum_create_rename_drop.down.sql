-- 0.0.1
DROP TYPE "Mood";

DROP TYPE rag.kind;

DROP TYPE document_status;

DROP SCHEMA rag;

-- 0.0.2
ALTER TYPE rag.kind RENAME VALUE 'article' TO 'Article';

ALTER TYPE document_status RENAME VALUE 'unpublished' TO 'draft';

-- 0.0.3
CREATE TYPE "Mood" AS ENUM ('ok');

CREATE TYPE rag.kind AS ENUM ('article', 'it''s', 'with space');

CREATE TYPE document_status AS ENUM ('unpublished', 'published', 'archived');

