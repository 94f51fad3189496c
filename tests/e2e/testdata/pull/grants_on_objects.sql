-- Grants on views, a materialized view, a standalone sequence and functions, for roles the
-- platform made; a function's EXECUTE taken from PUBLIC (PostgreSQL grants it by itself).
DO $$ BEGIN CREATE ROLE pgshift_pull_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE "Pull Writer" NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE SEQUENCE invoice_numbers;
CREATE TABLE invoices (id bigint PRIMARY KEY, number bigint DEFAULT nextval('invoice_numbers'),
                       legacy serial);
CREATE VIEW recent_invoices AS SELECT id, number FROM invoices WHERE id > 100;
CREATE MATERIALIZED VIEW invoice_count AS SELECT count(*) AS total FROM invoices;
CREATE FUNCTION invoice_label(number bigint, prefix text) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT prefix || number $$;
CREATE FUNCTION next_invoice() RETURNS bigint LANGUAGE sql AS $$ SELECT nextval('invoice_numbers') $$;
GRANT USAGE, SELECT ON SEQUENCE invoice_numbers TO "Pull Writer";
GRANT UPDATE ON SEQUENCE invoice_numbers TO pgshift_pull_reader WITH GRANT OPTION;
GRANT USAGE ON SEQUENCE invoices_legacy_seq TO "Pull Writer";
GRANT SELECT ON recent_invoices TO pgshift_pull_reader, PUBLIC;
GRANT SELECT ON invoice_count TO pgshift_pull_reader;
REVOKE EXECUTE ON FUNCTION invoice_label(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION invoice_label(bigint, text) TO pgshift_pull_reader;
GRANT EXECUTE ON FUNCTION next_invoice() TO "Pull Writer";
