-- 0.0.1
DROP INDEX audit_id; DROP TABLE audit;;

DROP VIEW english;

DROP TRIGGER documents_touch ON documents;

DROP FUNCTION touch_updated_at();;

DROP TABLE documents;

-- 0.0.2
-- irreversible

-- 0.0.3
-- irreversible

