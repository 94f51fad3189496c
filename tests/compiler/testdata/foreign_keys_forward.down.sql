-- 0.0.1
ALTER TABLE revisions DROP CONSTRAINT revisions_parent_code_fkey;

DROP TABLE rag.codes;

ALTER TABLE documents DROP CONSTRAINT documents_latest_fk;

DROP TABLE revisions;

ALTER TABLE documents DROP CONSTRAINT documents_author_id_fkey;

DROP TABLE authors;

DROP TABLE documents;

DROP TYPE rag.code;

DROP SCHEMA rag;

-- 0.0.2
DROP TABLE owners;

CREATE TABLE drafts (
    id bigint NOT NULL,
    owner_id bigint,
    CONSTRAINT drafts_pkey PRIMARY KEY (id)
);

DROP TABLE drafts;

