-- 0.0.1
ALTER TABLE invoices ALTER COLUMN number DROP DEFAULT;

DROP SEQUENCE tickets_number_seq1;

DROP TABLE tickets;

DROP SEQUENCE tickets_id_seq;

DROP SEQUENCE scratch;

DROP SEQUENCE billing.countdown;

DROP SEQUENCE invoice_numbers;

DROP TABLE invoices;

DROP SCHEMA billing;

-- 0.0.2
ALTER TABLE bills RENAME TO invoices;

ALTER TABLE invoices RENAME COLUMN invoice_number TO number;

CREATE SEQUENCE billing.countdown INCREMENT BY -1 MINVALUE -100 MAXVALUE -1 START WITH -1 CYCLE;

CREATE SEQUENCE scratch;

-- 0.0.3
CREATE SEQUENCE invoice_numbers AS integer INCREMENT BY 10 MINVALUE 1000 START WITH 1000 CACHE 5 OWNED BY bills.invoice_number;

ALTER TABLE bills ALTER COLUMN invoice_number SET DEFAULT nextval('invoice_numbers');

