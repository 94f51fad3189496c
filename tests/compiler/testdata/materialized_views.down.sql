-- 0.0.1
DROP MATERIALIZED VIEW word_totals;

DROP INDEX document_stats_words;

DROP INDEX document_stats_id;

DROP MATERIALIZED VIEW document_stats;

DROP TABLE documents;

DROP EXTENSION vector;

-- 0.0.2
COMMENT ON INDEX document_stats_words IS NULL;

REFRESH MATERIALIZED VIEW word_totals WITH NO DATA;

-- 0.0.3
CREATE MATERIALIZED VIEW word_totals AS
select sum(words) as total from documents;

CREATE MATERIALIZED VIEW document_stats AS
    select d.id, d.title, d.words, length(d.title) as title_length
    from documents d;

CREATE UNIQUE INDEX document_stats_id ON document_stats (id);

CREATE INDEX document_stats_words ON document_stats (words DESC);

COMMENT ON INDEX document_stats_words IS 'for the longest documents first';

