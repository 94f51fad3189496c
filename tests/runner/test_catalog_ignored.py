"""The snapshot leaves out pgshift's own history table by schema and name: a user table of
the same name in another schema (a Rails app's `legacy.schema_migrations`) is compared by
drift, verify and the round trips like any other, with its columns, keys, indexes and id
sequence."""

from __future__ import annotations

from typing import Any

import psycopg

from pgshift.runner.catalog import live_snapshot, snapshot

TABLES = """
CREATE SCHEMA legacy;
CREATE TABLE public.schema_migrations (id bigserial PRIMARY KEY, version text);
CREATE TABLE legacy.schema_migrations (id bigserial PRIMARY KEY, version text);
CREATE INDEX schema_migrations_version ON legacy.schema_migrations (version);
"""


def _named(rows: list[tuple[Any, ...]], name: str) -> list[tuple[Any, ...]]:
    return [row for row in rows if name in row]


def test_only_the_history_table_itself_is_left_out(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(TABLES)
        for taken in (snapshot(connection, ignore_tables=("schema_migrations",)),
                      snapshot(connection, ignore_tables=("public.schema_migrations",)),
                      live_snapshot(connection, "public.schema_migrations")):
            assert [row[:2] for row in taken["tables"]] == [
                ("legacy", "schema_migrations"), ("legacy", "schema_migrations_id_seq")]
            assert {row[:2] for row in taken["columns"]} == {("legacy", "schema_migrations")}
            assert [row[:3] for row in taken["constraints"]] == [
                ("legacy", "schema_migrations", "schema_migrations_id_not_null"),
                ("legacy", "schema_migrations", "schema_migrations_pkey")]
            assert [row[:2] for row in taken["indexes"]] == [
                ("legacy", "schema_migrations_pkey"), ("legacy", "schema_migrations_version")]
            assert [row[:2] for row in taken["sequences"]] == [
                ("legacy", "schema_migrations_id_seq")]


def test_a_history_table_in_its_own_schema_leaves_public_s_namesake_in(
        database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(TABLES)
        taken = live_snapshot(connection, "legacy.schema_migrations")
        assert [row[:2] for row in taken["tables"]] == [
            ("public", "schema_migrations"), ("public", "schema_migrations_id_seq")]
