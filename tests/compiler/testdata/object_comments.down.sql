-- 0.0.1
COMMENT ON MATERIALIZED VIEW rag.stats IS NULL;

DROP MATERIALIZED VIEW rag.stats;

COMMENT ON VIEW rag.titles IS NULL;

DROP VIEW rag.titles;

DROP TABLE rag.documents;

COMMENT ON SEQUENCE rag.tickets IS NULL;

DROP SEQUENCE rag.tickets;

COMMENT ON SCHEMA public IS 'standard public schema';

COMMENT ON SCHEMA archive IS NULL;

COMMENT ON SCHEMA rag IS NULL;

DROP SCHEMA archive;

DROP SCHEMA rag;

-- 0.0.2
REFRESH MATERIALIZED VIEW rag.stats WITH NO DATA;

COMMENT ON VIEW rag.titles IS 'Every title';

COMMENT ON SEQUENCE rag.tickets IS 'Ticket numbers';

COMMENT ON SCHEMA rag IS 'Retrieval';

-- 0.0.3
CREATE SCHEMA archive;

COMMENT ON SCHEMA archive IS 'Kept, never read';

CREATE SEQUENCE rag.tickets;

COMMENT ON SEQUENCE rag.tickets IS 'Numbers of tickets';

CREATE VIEW rag.titles AS
select title from rag.documents;

COMMENT ON VIEW rag.titles IS 'Every title, sorted nowhere';

CREATE MATERIALIZED VIEW rag.stats AS
select count(*) as documents from rag.documents;

COMMENT ON MATERIALIZED VIEW rag.stats IS 'How many documents';

