-- 0.0.1
ALTER TABLE items ALTER COLUMN small TYPE ext.halfvec(2)[] USING small::ext.halfvec(2)[];

ALTER TABLE items DROP COLUMN other;

DROP INDEX items_embedding_l2;

DROP INDEX items_embedding;

DROP TABLE items;

DROP EXTENSION vector;

DROP SCHEMA ext;

-- 0.0.2
CREATE SCHEMA ext;

CREATE EXTENSION vector WITH SCHEMA ext;

ALTER TABLE items ADD COLUMN other ext.vector(3);

ALTER TABLE items ADD COLUMN small ext.halfvec(4)[];

ALTER TABLE items ADD COLUMN embedding ext.vector(3) NOT NULL;

CREATE INDEX items_embedding_l2 ON items USING ivfflat (embedding) WITH (lists = 1);

CREATE INDEX items_embedding ON items USING hnsw (embedding ext.vector_cosine_ops);

