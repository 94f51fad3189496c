-- 0.0.1
CREATE TYPE status AS ENUM ('draft', 'published');

CREATE TABLE documents (
    id bigint NOT NULL,
    status status DEFAULT 'draft' NOT NULL,
    CONSTRAINT documents_pkey PRIMARY KEY (id)
);

-- 0.0.2
ALTER TYPE status RENAME VALUE 'draft' TO 'unpublished';

-- 0.0.3
ALTER TABLE documents DROP COLUMN status;

