-- 0.0.1
DROP TRIGGER notes_audit ON notes;

DROP TABLE notes;

-- 0.0.2
CREATE TRIGGER notes_audit AFTER INSERT OR UPDATE OR DELETE ON notes FOR EACH ROW EXECUTE FUNCTION audit.log_change('notes');

