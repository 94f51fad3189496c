-- 0.0.1
DROP VIEW rag.titles;

DROP VIEW rag.recent_documents;

DROP TABLE rag.documents;

DROP SCHEMA rag;

-- 0.0.2
DROP VIEW rag.titles;

CREATE VIEW rag.titles AS
select d.title from rag.recent_documents d;

-- 0.0.3
ALTER TABLE rag.documents DROP COLUMN language;

DROP VIEW rag.recent_documents;

CREATE VIEW rag.recent_documents AS
    select id, title
    from rag.documents
    where created_at > now() - interval '7 days';

CREATE VIEW rag.titles AS
    select d.id, upper(d.title) as shout from rag.recent_documents d;

-- 0.0.4
CREATE VIEW rag.recent_documents AS
    select id, title, body from rag.documents order by created_at desc limit 10;

