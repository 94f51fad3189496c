-- 0.0.1
DROP TABLE threads;

-- 0.0.2
ALTER TABLE threads_archive RENAME TO threads;

-- 0.0.3
ALTER TABLE threads_archive ADD CONSTRAINT threads_created_at_not_null NOT NULL created_at;

