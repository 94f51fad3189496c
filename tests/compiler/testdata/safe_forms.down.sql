-- 0.0.1
DROP TABLE documents;

DROP TABLE users;

-- 0.0.2
COMMENT ON INDEX documents_slug_key IS NULL;

ALTER TABLE documents DROP CONSTRAINT documents_slug_key;

CREATE UNIQUE INDEX documents_slug ON documents (slug);

ALTER TABLE documents DROP CONSTRAINT documents_title_check;

ALTER TABLE documents DROP CONSTRAINT documents_author_fk;

DROP INDEX CONCURRENTLY documents_id;

DROP INDEX CONCURRENTLY documents_slug;

-- 0.0.3
ALTER TABLE documents DROP CONSTRAINT documents_title_check;

ALTER TABLE documents ADD CONSTRAINT documents_title_check CHECK (title is not null) NOT VALID;

ALTER TABLE documents DROP CONSTRAINT documents_author_fk;

ALTER TABLE documents ADD CONSTRAINT documents_author_fk FOREIGN KEY (author_id) REFERENCES users (id) NOT VALID;

-- 0.0.4
ALTER TABLE documents DROP CONSTRAINT documents_id;

ALTER TABLE documents ALTER COLUMN id DROP NOT NULL;

CREATE UNIQUE INDEX documents_id ON documents (id);

ALTER TABLE documents ALTER COLUMN title DROP NOT NULL;

