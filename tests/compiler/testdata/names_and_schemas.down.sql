-- 0.0.1
DROP INDEX user_next;

DROP INDEX rag."MyIndex";

DROP TABLE "user";

DROP TABLE rag."MyTable";

DROP TYPE rag.status;

DROP SCHEMA rag;

-- 0.0.2
COMMENT ON INDEX rag."Their Index" IS NULL;

COMMENT ON COLUMN rag."Other Table"."Order" IS NULL;

ALTER INDEX rag."Their Index" RENAME TO "MyIndex";

ALTER TABLE rag."Other Table" RENAME TO "MyTable";

ALTER TABLE rag."MyTable" DROP CONSTRAINT "Unique Name";

ALTER TABLE rag."MyTable" DROP COLUMN "group";

ALTER TABLE rag."MyTable" RENAME COLUMN "Order" TO "order";

-- 0.0.3
ALTER TABLE "user" ADD COLUMN "table" bigint;

ALTER TABLE "user" ADD CONSTRAINT user_table_fkey FOREIGN KEY ("table") REFERENCES rag."Other Table" ("Id") ON DELETE CASCADE;

CREATE INDEX "Their Index" ON rag."Other Table" (name, "Order" DESC);

COMMENT ON INDEX rag."Their Index" IS 'named';

