-- 0.0.1
DROP POLICY documents_insert ON documents;

DROP POLICY documents_read ON documents;

DROP POLICY documents_owner ON documents;

ALTER TABLE documents DISABLE ROW LEVEL SECURITY;

DROP TABLE documents;

-- 0.0.2
DROP POLICY documents_insert ON documents;

CREATE POLICY documents_insert ON documents FOR INSERT TO authenticated;

ALTER POLICY documents_read ON documents TO PUBLIC USING (public);

ALTER POLICY documents_mine ON documents RENAME TO documents_owner;

-- 0.0.3
ALTER POLICY documents_visible ON documents RENAME TO documents_read;

ALTER TABLE documents RENAME COLUMN author TO owner_id;

ALTER POLICY documents_own ON documents TO authenticated USING (owner_id = current_user) WITH CHECK (owner_id = current_user);

ALTER POLICY documents_own ON documents RENAME TO documents_mine;

