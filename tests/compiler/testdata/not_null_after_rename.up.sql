-- 0.0.1
CREATE TABLE threads (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT threads_pkey PRIMARY KEY (id)
);

-- 0.0.2
ALTER TABLE threads RENAME TO threads_archive;

-- 0.0.3
ALTER TABLE threads_archive ALTER COLUMN created_at DROP NOT NULL;

