-- 0.0.1
SET LOCAL lock_timeout = '5000ms';

SET LOCAL statement_timeout = '60000ms';

DROP TABLE documents;

-- 0.0.2
SET LOCAL lock_timeout = '500ms';

ALTER TABLE documents DROP COLUMN language;

-- 0.0.3
SET LOCAL lock_timeout = '86400000ms';

SET LOCAL statement_timeout = '7200000ms';

ALTER TABLE documents ADD COLUMN language text DEFAULT 'en' NOT NULL;

