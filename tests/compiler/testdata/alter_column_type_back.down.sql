-- 0.0.1
DROP TABLE documents;

DROP TYPE status;

-- 0.0.2
ALTER TABLE documents ALTER COLUMN status DROP DEFAULT;

ALTER TABLE documents ALTER COLUMN status TYPE status USING status::status;

ALTER TABLE documents ALTER COLUMN status SET DEFAULT 'draft';

ALTER TABLE documents ALTER COLUMN word_count DROP DEFAULT;

ALTER TABLE documents ALTER COLUMN word_count TYPE integer USING word_count::integer;

ALTER TABLE documents ALTER COLUMN word_count SET DEFAULT 0;

