-- 0.0.1
DROP TRIGGER titles_noted ON titles;

DROP TRIGGER titles_write ON titles;

DROP FUNCTION titles_note();

DROP FUNCTION titles_write();

DROP VIEW titles;

DROP TABLE documents;

-- 0.0.2
CREATE TRIGGER titles_noted AFTER UPDATE OF title ON titles FOR EACH STATEMENT EXECUTE FUNCTION titles_note('titles');

DROP VIEW titles;

CREATE VIEW titles AS
select id, title from documents;

CREATE TRIGGER titles_write INSTEAD OF INSERT OR DELETE ON titles FOR EACH ROW EXECUTE FUNCTION titles_write();

CREATE TRIGGER titles_noted AFTER UPDATE OF title ON titles FOR EACH STATEMENT EXECUTE FUNCTION titles_note('titles');

-- 0.0.3
CREATE VIEW titles AS
select id, title, body from documents;

CREATE TRIGGER titles_write INSTEAD OF INSERT OR DELETE ON titles FOR EACH ROW EXECUTE FUNCTION titles_write();

CREATE TRIGGER titles_update INSTEAD OF UPDATE ON titles FOR EACH ROW EXECUTE FUNCTION titles_write();

DROP TRIGGER titles_update ON titles;

