-- 0.0.1
DROP INDEX documents_gin_fast;

DROP INDEX documents_partial;

DROP INDEX documents_expr;

DROP INDEX documents_fill;

DROP INDEX documents_covering;

DROP INDEX documents_qualified_opclass;

DROP INDEX documents_pattern;

DROP INDEX documents_fetched;

DROP INDEX documents_location;

DROP INDEX documents_span;

DROP INDEX documents_meta;

DROP INDEX documents_tags;

DROP INDEX documents_hash;

DROP INDEX documents_nulls;

DROP INDEX documents_btree;

DROP INDEX documents_email_lower;

DROP INDEX documents_title;

DROP TABLE documents;

