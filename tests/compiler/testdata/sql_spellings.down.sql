-- 0.0.1
DROP TABLE documents;

-- 0.0.2
ALTER TABLE documents ALTER COLUMN "Language" TYPE character varying(8) USING "Language"::character varying(8);

ALTER TABLE documents ALTER COLUMN word_count TYPE integer USING word_count::integer;

ALTER TABLE documents RENAME COLUMN addendum TO add;

ALTER TABLE documents RENAME COLUMN content TO body;

ALTER TABLE documents DROP COLUMN "Language";

ALTER TABLE documents DROP COLUMN summary;

