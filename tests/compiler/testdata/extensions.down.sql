-- 0.0.1
DROP EXTENSION vector;

-- 0.0.2
CREATE EXTENSION vector;

-- 0.0.3
DROP EXTENSION vector;

