-- The project's own first migration (migrations/0.0.1_initial_schema.shift), as plain SQL:
-- the output of `pgshift sql 0.0.1`. A realistic RAG schema: the vector extension, an
-- unsized vector column, serial and uuid keys, defaults with AT TIME ZONE expressions and
-- gen_random_uuid(), varchar(n), float, jsonb, a table without a primary key, default-
-- named checks and foreign keys (ON DELETE CASCADE and none), plain btree indexes.

CREATE EXTENSION vector;

CREATE TABLE datasources (
    uuid uuid NOT NULL,
    name text NOT NULL,
    source_type text NOT NULL,
    settings jsonb NOT NULL,
    state jsonb NOT NULL,
    status text NOT NULL,
    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC') NOT NULL,
    updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC') NOT NULL,
    CONSTRAINT datasources_pkey PRIMARY KEY (uuid)
);

CREATE TABLE documents (
    uuid uuid NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    status text NOT NULL,
    url text DEFAULT '' NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    fetched_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC') NOT NULL,
    datasource_uuid uuid,
    CONSTRAINT documents_pkey PRIMARY KEY (uuid),
    CONSTRAINT documents_datasource_uuid_fkey FOREIGN KEY (datasource_uuid) REFERENCES datasources (uuid) ON DELETE CASCADE
);

CREATE TABLE content_parts (
    id serial NOT NULL,
    document_uuid uuid NOT NULL,
    content text NOT NULL,
    CONSTRAINT content_parts_pkey PRIMARY KEY (id),
    CONSTRAINT content_parts_document_uuid_fkey FOREIGN KEY (document_uuid) REFERENCES documents (uuid) ON DELETE CASCADE
);

CREATE TABLE embedding_providers (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    provider character varying(50) NOT NULL,
    status character varying(20) NOT NULL,
    configuration jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    CONSTRAINT embedding_providers_pkey PRIMARY KEY (id),
    CONSTRAINT embedding_providers_status_check CHECK (status in ('active', 'inactive'))
);

CREATE TABLE llm_providers (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    provider character varying(50) NOT NULL,
    status character varying(20) NOT NULL,
    configuration jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    CONSTRAINT llm_providers_pkey PRIMARY KEY (id),
    CONSTRAINT llm_providers_status_check CHECK (status in ('active', 'inactive'))
);

CREATE TABLE embeddings (
    id serial NOT NULL,
    content_part_id integer NOT NULL,
    embedding vector NOT NULL,
    embedding_provider_id uuid NOT NULL,
    generated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC') NOT NULL,
    embedding_prompt_token integer NOT NULL,
    CONSTRAINT embeddings_pkey PRIMARY KEY (id),
    CONSTRAINT embeddings_content_part_id_fkey FOREIGN KEY (content_part_id) REFERENCES content_parts (id) ON DELETE CASCADE,
    CONSTRAINT embeddings_embedding_provider_id_fkey FOREIGN KEY (embedding_provider_id) REFERENCES embedding_providers (id) ON DELETE CASCADE
);

CREATE TABLE metadata (
    id serial NOT NULL,
    document_uuid uuid NOT NULL,
    key text NOT NULL,
    value text NOT NULL,
    CONSTRAINT metadata_pkey PRIMARY KEY (id),
    CONSTRAINT metadata_document_uuid_fkey FOREIGN KEY (document_uuid) REFERENCES documents (uuid) ON DELETE CASCADE
);

CREATE TABLE ai_ops_usage (
    ops_provider_id uuid,
    document_id uuid,
    input_tokens integer,
    output_tokens integer,
    dimensions integer,
    operation_type character varying,
    cost_per_thousands_token double precision,
    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    total_latency double precision,
    CONSTRAINT ai_ops_usage_document_id_fkey FOREIGN KEY (document_id) REFERENCES documents (uuid) ON DELETE CASCADE
);

CREATE TABLE app_settings (
    id serial NOT NULL,
    settings jsonb NOT NULL,
    last_updated_at timestamp without time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC') NOT NULL,
    CONSTRAINT app_settings_pkey PRIMARY KEY (id)
);

CREATE TABLE interactions (
    uuid uuid NOT NULL,
    query text NOT NULL,
    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC') NOT NULL,
    CONSTRAINT interactions_pkey PRIMARY KEY (uuid)
);

CREATE TABLE conversations (
    uuid uuid NOT NULL,
    role text NOT NULL,
    text text NOT NULL,
    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC') NOT NULL,
    interaction_uuid uuid NOT NULL,
    CONSTRAINT conversations_pkey PRIMARY KEY (uuid),
    CONSTRAINT conversations_interaction_uuid_fkey FOREIGN KEY (interaction_uuid) REFERENCES interactions (uuid)
);

CREATE INDEX idx_embedding_providers_name ON embedding_providers (name);

CREATE INDEX idx_llm_providers_name ON llm_providers (name);

CREATE INDEX idx_documents_title ON documents (title);

CREATE INDEX idx_documents_body ON documents (body);

CREATE INDEX idx_metadata_key_value ON metadata (key, value);
