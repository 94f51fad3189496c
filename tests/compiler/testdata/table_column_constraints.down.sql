-- 0.0.1
DROP TABLE documents;

DROP TABLE users;

