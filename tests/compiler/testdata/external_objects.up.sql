-- 0.0.1
CREATE TABLE profiles (
    id uuid NOT NULL,
    email text,
    level auth.aal_level DEFAULT 'aal1' NOT NULL,
    area geometry,
    CONSTRAINT profiles_pkey PRIMARY KEY (id),
    CONSTRAINT profiles_id_fkey FOREIGN KEY (id) REFERENCES auth.users (id) ON DELETE CASCADE,
    CONSTRAINT profiles_email_fkey FOREIGN KEY (email) REFERENCES auth.users (email)
);

-- 0.0.2
CREATE TABLE legacy_accounts (code text PRIMARY KEY, name text);

ALTER TABLE profiles ADD COLUMN account text;

ALTER TABLE profiles ADD CONSTRAINT profiles_account_fkey FOREIGN KEY (account) REFERENCES legacy_accounts (code);

-- 0.0.3
