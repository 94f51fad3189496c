-- 0.0.1
DROP TABLE posts;

COMMENT ON INDEX users_email_lower IS NULL;

COMMENT ON COLUMN users.handle IS NULL;

DROP INDEX users_email_handle;

DROP INDEX users_email_lower;

DROP TABLE users;

-- 0.0.2
ALTER TABLE users ADD COLUMN score integer;

ALTER TABLE users ADD CONSTRAINT users_score_check CHECK (score > 0);

ALTER TABLE users ADD COLUMN email text;

CREATE INDEX users_email_lower ON users ((lower(email))) WHERE email is not null;

COMMENT ON INDEX users_email_lower IS 'login lookups';

ALTER TABLE users ADD COLUMN handle text COLLATE "C" DEFAULT 'anon' NOT NULL;

ALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE (handle);

ALTER TABLE users ADD CONSTRAINT users_handle_check CHECK (handle <> '');

CREATE INDEX users_email_handle ON users (email) INCLUDE (handle);

COMMENT ON COLUMN users.handle IS 'public name';

ALTER TABLE posts ADD CONSTRAINT posts_author_fkey FOREIGN KEY (author) REFERENCES users (handle);

