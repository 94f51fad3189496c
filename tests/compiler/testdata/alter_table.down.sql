-- 0.0.1
DROP TABLE documents;

DROP TABLE users;

DROP TYPE document_status;

-- 0.0.2
ALTER TABLE documents ADD CONSTRAINT documents_price_check CHECK (price >= 0);

ALTER TABLE documents DROP CONSTRAINT documents_author_title_key;

ALTER TABLE documents DROP CONSTRAINT documents_author_id_fkey;

ALTER TABLE documents DROP CONSTRAINT documents_word_count_check;

ALTER TABLE documents DROP CONSTRAINT documents_author_id_title_key;

ALTER TABLE documents DROP CONSTRAINT documents_slug_key;

ALTER TABLE documents ALTER COLUMN content DROP DEFAULT;

ALTER TABLE documents ALTER COLUMN slug DROP NOT NULL;

ALTER TABLE documents ALTER COLUMN summary SET DEFAULT 'none';

ALTER TABLE documents ALTER COLUMN status DROP DEFAULT;

ALTER TABLE documents ALTER COLUMN word_count TYPE integer USING word_count::integer;

ALTER TABLE documents ALTER COLUMN title TYPE text USING title::text;

ALTER TABLE documents RENAME COLUMN content TO body;

ALTER TABLE documents ADD COLUMN legacy_id integer;

ALTER TABLE documents ADD CONSTRAINT documents_legacy_id_key UNIQUE (legacy_id);

ALTER TABLE documents ADD COLUMN url text DEFAULT '' NOT NULL;

ALTER TABLE documents DROP COLUMN rank;

ALTER TABLE documents DROP COLUMN code;

ALTER TABLE documents DROP COLUMN reviewer_id;

ALTER TABLE documents DROP COLUMN type;

ALTER TABLE documents DROP COLUMN language;

-- 0.0.3
ALTER TABLE documents ADD CONSTRAINT documents_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE;

ALTER TABLE documents DROP CONSTRAINT documents_pk_again;

ALTER TABLE documents DROP CONSTRAINT documents_reviewer_fk;

ALTER TABLE documents DROP CONSTRAINT documents_words_positive;

ALTER TABLE documents ALTER COLUMN language DROP DEFAULT;

ALTER TABLE documents ALTER COLUMN language SET DEFAULT 'en';

ALTER TABLE documents ALTER COLUMN slug SET NOT NULL;

ALTER TABLE documents ADD CONSTRAINT documents_slug_key UNIQUE (slug);

