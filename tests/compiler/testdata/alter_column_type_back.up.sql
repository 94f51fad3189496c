-- 0.0.1
CREATE TYPE status AS ENUM ('draft', 'published');

CREATE TABLE documents (
    id bigint NOT NULL,
    word_count integer DEFAULT 0,
    status status DEFAULT 'draft',
    CONSTRAINT documents_pkey PRIMARY KEY (id)
);

-- 0.0.2
ALTER TABLE documents ALTER COLUMN word_count TYPE text;

ALTER TABLE documents ALTER COLUMN status TYPE text;

