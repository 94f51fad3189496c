-- 0.0.1
DROP TABLE documents;

DROP TABLE users;

-- 0.0.2
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);

ALTER TABLE documents ADD CONSTRAINT documents_author_email_fkey FOREIGN KEY (author_email) REFERENCES users (email);

ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id);

ALTER TABLE documents ADD CONSTRAINT documents_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE CASCADE;

-- 0.0.3
ALTER TABLE users DROP COLUMN uid;

