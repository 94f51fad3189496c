-- 0.0.1
DROP TABLE profiles;

-- 0.0.2
ALTER TABLE profiles DROP COLUMN account;

DROP TABLE legacy_accounts;

-- 0.0.3
