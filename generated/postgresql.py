"""Migrations compiled by pgshift 0.1.0 from migrations/*.shift. DO NOT EDIT.

Regenerate with `pgshift compile`; `pgshift check` fails while this file is stale.
"""

# pgshift: sources-hash 2af407c0deb92214ac68c47779741d1dc1b47d676a5a5cd72de17c9f71dc7a49
# source 0.0.1 migrations/0.0.1_initial_schema.shift

from pgshift.runner import Lock, Migration, StatementPlan

POSTGRESQL_MIGRATIONS: list[Migration] = [
    Migration(
        version='0.0.1',
        description='initial schema',
        checksum='84287e24788d8534d2594741a000c6c1dc32565c24136b461cdde6cff4650739',
        transactional=True,
        up_sql=(
            'CREATE EXTENSION vector',
            (
                'CREATE TABLE datasources (\n'
                '    uuid uuid NOT NULL,\n'
                '    name text NOT NULL,\n'
                '    source_type text NOT NULL,\n'
                '    settings jsonb NOT NULL,\n'
                '    state jsonb NOT NULL,\n'
                '    status text NOT NULL,\n'
                '    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE '
                "'UTC') NOT NULL,\n"
                '    updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE '
                "'UTC') NOT NULL,\n"
                '    CONSTRAINT datasources_pkey PRIMARY KEY (uuid)\n'
                ')'
            ),
            (
                'CREATE TABLE documents (\n'
                '    uuid uuid NOT NULL,\n'
                '    title text NOT NULL,\n'
                '    body text NOT NULL,\n'
                '    status text NOT NULL,\n'
                "    url text DEFAULT '' NOT NULL,\n"
                '    created_at timestamp with time zone NOT NULL,\n'
                '    updated_at timestamp with time zone NOT NULL,\n'
                '    fetched_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE '
                "'UTC') NOT NULL,\n"
                '    datasource_uuid uuid,\n'
                '    CONSTRAINT documents_pkey PRIMARY KEY (uuid),\n'
                '    CONSTRAINT documents_datasource_uuid_fkey FOREIGN KEY (datasource_uuid) '
                'REFERENCES datasources (uuid) ON DELETE CASCADE\n'
                ')'
            ),
            (
                'CREATE TABLE content_parts (\n'
                '    id serial NOT NULL,\n'
                '    document_uuid uuid NOT NULL,\n'
                '    content text NOT NULL,\n'
                '    CONSTRAINT content_parts_pkey PRIMARY KEY (id),\n'
                '    CONSTRAINT content_parts_document_uuid_fkey FOREIGN KEY (document_uuid) '
                'REFERENCES documents (uuid) ON DELETE CASCADE\n'
                ')'
            ),
            (
                'CREATE TABLE embedding_providers (\n'
                '    id uuid DEFAULT gen_random_uuid() NOT NULL,\n'
                '    name character varying(255) NOT NULL,\n'
                '    provider character varying(50) NOT NULL,\n'
                '    status character varying(20) NOT NULL,\n'
                '    configuration jsonb NOT NULL,\n'
                '    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE '
                "'UTC'),\n"
                '    updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE '
                "'UTC'),\n"
                '    CONSTRAINT embedding_providers_pkey PRIMARY KEY (id),\n'
                "    CONSTRAINT embedding_providers_status_check CHECK (status in ('active', "
                "'inactive'))\n"
                ')'
            ),
            (
                'CREATE TABLE llm_providers (\n'
                '    id uuid DEFAULT gen_random_uuid() NOT NULL,\n'
                '    name character varying(255) NOT NULL,\n'
                '    provider character varying(50) NOT NULL,\n'
                '    status character varying(20) NOT NULL,\n'
                '    configuration jsonb NOT NULL,\n'
                '    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE '
                "'UTC'),\n"
                '    updated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE '
                "'UTC'),\n"
                '    CONSTRAINT llm_providers_pkey PRIMARY KEY (id),\n'
                "    CONSTRAINT llm_providers_status_check CHECK (status in ('active', "
                "'inactive'))\n"
                ')'
            ),
            (
                'CREATE TABLE embeddings (\n'
                '    id serial NOT NULL,\n'
                '    content_part_id integer NOT NULL,\n'
                '    embedding vector NOT NULL,\n'
                '    embedding_provider_id uuid NOT NULL,\n'
                '    generated_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME '
                "ZONE 'UTC') NOT NULL,\n"
                '    embedding_prompt_token integer NOT NULL,\n'
                '    CONSTRAINT embeddings_pkey PRIMARY KEY (id),\n'
                '    CONSTRAINT embeddings_content_part_id_fkey FOREIGN KEY (content_part_id) '
                'REFERENCES content_parts (id) ON DELETE CASCADE,\n'
                '    CONSTRAINT embeddings_embedding_provider_id_fkey FOREIGN KEY '
                '(embedding_provider_id) REFERENCES embedding_providers (id) ON DELETE CASCADE\n'
                ')'
            ),
            (
                'CREATE TABLE metadata (\n'
                '    id serial NOT NULL,\n'
                '    document_uuid uuid NOT NULL,\n'
                '    key text NOT NULL,\n'
                '    value text NOT NULL,\n'
                '    CONSTRAINT metadata_pkey PRIMARY KEY (id),\n'
                '    CONSTRAINT metadata_document_uuid_fkey FOREIGN KEY (document_uuid) '
                'REFERENCES documents (uuid) ON DELETE CASCADE\n'
                ')'
            ),
            (
                'CREATE TABLE ai_ops_usage (\n'
                '    ops_provider_id uuid,\n'
                '    document_id uuid,\n'
                '    input_tokens integer,\n'
                '    output_tokens integer,\n'
                '    dimensions integer,\n'
                '    operation_type character varying,\n'
                '    cost_per_thousands_token double precision,\n'
                '    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE '
                "'UTC'),\n"
                '    total_latency double precision,\n'
                '    CONSTRAINT ai_ops_usage_document_id_fkey FOREIGN KEY (document_id) '
                'REFERENCES documents (uuid) ON DELETE CASCADE\n'
                ')'
            ),
            (
                'CREATE TABLE app_settings (\n'
                '    id serial NOT NULL,\n'
                '    settings jsonb NOT NULL,\n'
                '    last_updated_at timestamp without time zone DEFAULT (CURRENT_TIMESTAMP AT '
                "TIME ZONE 'UTC') NOT NULL,\n"
                '    CONSTRAINT app_settings_pkey PRIMARY KEY (id)\n'
                ')'
            ),
            (
                'CREATE TABLE interactions (\n'
                '    uuid uuid NOT NULL,\n'
                '    query text NOT NULL,\n'
                '    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE '
                "'UTC') NOT NULL,\n"
                '    CONSTRAINT interactions_pkey PRIMARY KEY (uuid)\n'
                ')'
            ),
            (
                'CREATE TABLE conversations (\n'
                '    uuid uuid NOT NULL,\n'
                '    role text NOT NULL,\n'
                '    text text NOT NULL,\n'
                '    created_at timestamp with time zone DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE '
                "'UTC') NOT NULL,\n"
                '    interaction_uuid uuid NOT NULL,\n'
                '    CONSTRAINT conversations_pkey PRIMARY KEY (uuid),\n'
                '    CONSTRAINT conversations_interaction_uuid_fkey FOREIGN KEY '
                '(interaction_uuid) REFERENCES interactions (uuid)\n'
                ')'
            ),
            'CREATE INDEX idx_embedding_providers_name ON embedding_providers (name)',
            'CREATE INDEX idx_llm_providers_name ON llm_providers (name)',
            'CREATE INDEX idx_documents_title ON documents (title)',
            'CREATE INDEX idx_documents_body ON documents (body)',
            'CREATE INDEX idx_metadata_key_value ON metadata (key, value)',
        ),
        down_sql=(
            'DROP INDEX idx_metadata_key_value',
            'DROP INDEX idx_documents_body',
            'DROP INDEX idx_documents_title',
            'DROP INDEX idx_llm_providers_name',
            'DROP INDEX idx_embedding_providers_name',
            'DROP TABLE conversations',
            'DROP TABLE interactions',
            'DROP TABLE app_settings',
            'DROP TABLE ai_ops_usage',
            'DROP TABLE metadata',
            'DROP TABLE embeddings',
            'DROP TABLE llm_providers',
            'DROP TABLE embedding_providers',
            'DROP TABLE content_parts',
            'DROP TABLE documents',
            'DROP TABLE datasources',
            'DROP EXTENSION vector',
        ),
        up_plans=(
            StatementPlan(),
            StatementPlan(),
            StatementPlan(locks=(Lock('public', 'datasources', 'SHARE ROW EXCLUSIVE'),)),
            StatementPlan(locks=(Lock('public', 'documents', 'SHARE ROW EXCLUSIVE'),)),
            StatementPlan(),
            StatementPlan(),
            StatementPlan(locks=(
                Lock('public', 'content_parts', 'SHARE ROW EXCLUSIVE'),
                Lock('public', 'embedding_providers', 'SHARE ROW EXCLUSIVE'),
            )),
            StatementPlan(locks=(Lock('public', 'documents', 'SHARE ROW EXCLUSIVE'),)),
            StatementPlan(locks=(Lock('public', 'documents', 'SHARE ROW EXCLUSIVE'),)),
            StatementPlan(),
            StatementPlan(),
            StatementPlan(locks=(Lock('public', 'interactions', 'SHARE ROW EXCLUSIVE'),)),
            StatementPlan(locks=(Lock('public', 'embedding_providers', 'SHARE'),)),
            StatementPlan(locks=(Lock('public', 'llm_providers', 'SHARE'),)),
            StatementPlan(locks=(Lock('public', 'documents', 'SHARE'),)),
            StatementPlan(locks=(Lock('public', 'documents', 'SHARE'),)),
            StatementPlan(locks=(Lock('public', 'metadata', 'SHARE'),)),
        ),
        down_plans=(
            StatementPlan(locks=(Lock('public', 'metadata', 'ACCESS EXCLUSIVE'),)),
            StatementPlan(locks=(Lock('public', 'documents', 'ACCESS EXCLUSIVE'),)),
            StatementPlan(locks=(Lock('public', 'documents', 'ACCESS EXCLUSIVE'),)),
            StatementPlan(locks=(Lock('public', 'llm_providers', 'ACCESS EXCLUSIVE'),)),
            StatementPlan(locks=(Lock('public', 'embedding_providers', 'ACCESS EXCLUSIVE'),)),
            StatementPlan(locks=(
                Lock('public', 'conversations', 'ACCESS EXCLUSIVE'),
                Lock('public', 'interactions', 'ACCESS EXCLUSIVE'),
            )),
            StatementPlan(locks=(Lock('public', 'interactions', 'ACCESS EXCLUSIVE'),)),
            StatementPlan(locks=(Lock('public', 'app_settings', 'ACCESS EXCLUSIVE'),)),
            StatementPlan(locks=(
                Lock('public', 'ai_ops_usage', 'ACCESS EXCLUSIVE'),
                Lock('public', 'documents', 'ACCESS EXCLUSIVE'),
            )),
            StatementPlan(locks=(
                Lock('public', 'metadata', 'ACCESS EXCLUSIVE'),
                Lock('public', 'documents', 'ACCESS EXCLUSIVE'),
            )),
            StatementPlan(locks=(
                Lock('public', 'embeddings', 'ACCESS EXCLUSIVE'),
                Lock('public', 'content_parts', 'ACCESS EXCLUSIVE'),
                Lock('public', 'embedding_providers', 'ACCESS EXCLUSIVE'),
            )),
            StatementPlan(locks=(Lock('public', 'llm_providers', 'ACCESS EXCLUSIVE'),)),
            StatementPlan(locks=(Lock('public', 'embedding_providers', 'ACCESS EXCLUSIVE'),)),
            StatementPlan(locks=(
                Lock('public', 'content_parts', 'ACCESS EXCLUSIVE'),
                Lock('public', 'documents', 'ACCESS EXCLUSIVE'),
            )),
            StatementPlan(locks=(
                Lock('public', 'documents', 'ACCESS EXCLUSIVE'),
                Lock('public', 'datasources', 'ACCESS EXCLUSIVE'),
            )),
            StatementPlan(locks=(Lock('public', 'datasources', 'ACCESS EXCLUSIVE'),)),
            StatementPlan(),
        ),
        step_sizes=(
            (1, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1),
            (1, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 1),
        ),
    ),

]
