"""The 0.0.1 migration on a real PostgreSQL + pgvector: exactly the schema asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from pgshift.compiler.history import compile_history
from pgshift.runner.catalog import snapshot

ROOT = Path(__file__).resolve().parents[2]
UTC_NOW = "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC'::text)"
TZ = "timestamp with time zone"


def _apply_initial(url: str) -> dict[str, list[tuple[Any, ...]]]:
    history = compile_history(ROOT / "migrations", ROOT)
    assert not history.errors
    first = history.migrations[0]
    assert first.version == "0.0.1"
    with psycopg.connect(url) as connection:
        for statement in first.up:
            connection.execute(statement.encode())
        connection.commit()
        return snapshot(connection)


def _columns(catalog: dict[str, list[tuple[Any, ...]]], table: str) -> dict[str, tuple[Any, ...]]:
    return {row[2]: (row[3], row[4], row[5]) for row in catalog["columns"] if row[1] == table}


def test_initial_schema_matches_the_specification(database_url: str) -> None:
    catalog = _apply_initial(database_url)
    assert catalog["extensions"] == [("vector", "public")]
    assert _columns(catalog, "datasources") == {
        "uuid": ("uuid", True, None),
        "name": ("text", True, None),
        "source_type": ("text", True, None),
        "settings": ("jsonb", True, None),
        "state": ("jsonb", True, None),
        "status": ("text", True, None),
        "created_at": (TZ, True, UTC_NOW),
        "updated_at": (TZ, True, UTC_NOW),
    }
    assert _columns(catalog, "documents") == {
        "uuid": ("uuid", True, None),
        "title": ("text", True, None),
        "body": ("text", True, None),
        "status": ("text", True, None),
        "url": ("text", True, "''::text"),
        "created_at": (TZ, True, None),
        "updated_at": (TZ, True, None),
        "fetched_at": (TZ, True, UTC_NOW),
        "datasource_uuid": ("uuid", False, None),
    }
    assert _columns(catalog, "content_parts") == {
        "id": ("integer", True, "nextval('content_parts_id_seq'::regclass)"),
        "document_uuid": ("uuid", True, None),
        "content": ("text", True, None),
    }
    provider = {
        "id": ("uuid", True, "gen_random_uuid()"),
        "name": ("character varying(255)", True, None),
        "provider": ("character varying(50)", True, None),
        "status": ("character varying(20)", True, None),
        "configuration": ("jsonb", True, None),
        "created_at": (TZ, False, UTC_NOW),
        "updated_at": (TZ, False, UTC_NOW),
    }
    assert _columns(catalog, "embedding_providers") == provider
    assert _columns(catalog, "llm_providers") == provider
    assert _columns(catalog, "embeddings") == {
        "id": ("integer", True, "nextval('embeddings_id_seq'::regclass)"),
        "content_part_id": ("integer", True, None),
        "embedding": ("vector", True, None),
        "embedding_provider_id": ("uuid", True, None),
        "generated_at": (TZ, True, UTC_NOW),
        "embedding_prompt_token": ("integer", True, None),
    }
    assert _columns(catalog, "metadata") == {
        "id": ("integer", True, "nextval('metadata_id_seq'::regclass)"),
        "document_uuid": ("uuid", True, None),
        "key": ("text", True, None),
        "value": ("text", True, None),
    }
    assert _columns(catalog, "ai_ops_usage") == {
        "ops_provider_id": ("uuid", False, None),
        "document_id": ("uuid", False, None),
        "input_tokens": ("integer", False, None),
        "output_tokens": ("integer", False, None),
        "dimensions": ("integer", False, None),
        "operation_type": ("character varying", False, None),
        "cost_per_thousands_token": ("double precision", False, None),
        "created_at": (TZ, False, UTC_NOW),
        "total_latency": ("double precision", False, None),
    }
    assert _columns(catalog, "app_settings") == {
        "id": ("integer", True, "nextval('app_settings_id_seq'::regclass)"),
        "settings": ("jsonb", True, None),
        "last_updated_at": ("timestamp without time zone", True, UTC_NOW),
    }
    assert _columns(catalog, "interactions") == {
        "uuid": ("uuid", True, None),
        "query": ("text", True, None),
        "created_at": (TZ, True, UTC_NOW),
    }
    assert _columns(catalog, "conversations") == {
        "uuid": ("uuid", True, None),
        "role": ("text", True, None),
        "text": ("text", True, None),
        "created_at": (TZ, True, UTC_NOW),
        "interaction_uuid": ("uuid", True, None),
    }


def test_initial_schema_keys_and_indexes(database_url: str) -> None:
    catalog = _apply_initial(database_url)
    definitions = {(row[1], row[4]) for row in catalog["constraints"] if row[3] != "n"}
    primary_keys = {table for table, definition in definitions
                    if definition.startswith("PRIMARY KEY")}
    assert primary_keys == {
        "datasources", "documents", "content_parts", "embedding_providers", "llm_providers",
        "embeddings", "metadata", "app_settings", "interactions", "conversations",
    }  # ai_ops_usage has none, as specified
    cascade = "ON DELETE CASCADE"
    assert {d for d in definitions if d[1].startswith("FOREIGN KEY")} == {
        ("documents", f"FOREIGN KEY (datasource_uuid) REFERENCES datasources(uuid) {cascade}"),
        ("content_parts", f"FOREIGN KEY (document_uuid) REFERENCES documents(uuid) {cascade}"),
        ("embeddings", f"FOREIGN KEY (content_part_id) REFERENCES content_parts(id) {cascade}"),
        ("embeddings",
         f"FOREIGN KEY (embedding_provider_id) REFERENCES embedding_providers(id) {cascade}"),
        ("metadata", f"FOREIGN KEY (document_uuid) REFERENCES documents(uuid) {cascade}"),
        ("ai_ops_usage", f"FOREIGN KEY (document_id) REFERENCES documents(uuid) {cascade}"),
        ("conversations", "FOREIGN KEY (interaction_uuid) REFERENCES interactions(uuid)"),
    }
    status_check = ("CHECK (((status)::text = ANY ((ARRAY['active'::character varying,"
                    " 'inactive'::character varying])::text[])))")
    assert ("embedding_providers", status_check) in definitions
    assert ("llm_providers", status_check) in definitions
    indexes = {row[1]: row[2] for row in catalog["indexes"]}
    assert indexes["idx_embedding_providers_name"].endswith(
        "ON public.embedding_providers USING btree (name)")
    assert indexes["idx_llm_providers_name"].endswith("ON public.llm_providers USING btree (name)")
    assert indexes["idx_documents_title"].endswith("ON public.documents USING btree (title)")
    assert indexes["idx_documents_body"].endswith("ON public.documents USING btree (body)")
    assert indexes["idx_metadata_key_value"].endswith(
        "ON public.metadata USING btree (key, value)")


def test_initial_schema_down_leaves_an_empty_database(database_url: str) -> None:
    history = compile_history(ROOT / "migrations", ROOT)
    first = history.migrations[0]
    assert first.down is not None
    with psycopg.connect(database_url) as connection:
        empty = snapshot(connection)
        for statement in first.up:
            connection.execute(statement.encode())
        for statement in first.down:
            connection.execute(statement.encode())
        connection.commit()
        assert snapshot(connection) == empty
