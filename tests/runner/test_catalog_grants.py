"""Privileges in catalog snapshots, read from a real server: what drift, verify and the
golden round trip compare. A function's EXECUTE for PUBLIC is PostgreSQL's own default,
held by a NULL ACL: it has no row (a leftover function is one difference, not two), reads
the same as the ACL a REVOKE and a GRANT back leave, and its absence is a row."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from pgshift.runner.catalog import snapshot


def _grants(connection: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    return snapshot(connection)["grants"]


def test_a_function_s_execute_for_public_is_read_from_a_null_acl(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("CREATE FUNCTION answer(integer) RETURNS integer LANGUAGE sql"
                           " AS 'select 42'")
        made = _grants(connection)
        assert [row for row in made if row[0] == "function"] == []
        connection.execute("REVOKE EXECUTE ON FUNCTION answer(integer) FROM PUBLIC")
        assert [row for row in _grants(connection) if row[0] == "function"] == [
            ("function", "public", "answer(integer)", "public", "no EXECUTE")]
        caller = f"pgshift_caller_{uuid.uuid4().hex[:12]}"
        connection.execute(f"CREATE ROLE {caller} NOLOGIN")
        try:
            connection.execute(f"GRANT EXECUTE ON FUNCTION answer(integer) TO {caller}")
            assert ("function", "public", "answer(integer)", caller, "EXECUTE") in (
                _grants(connection))
        finally:
            connection.execute(f"DROP OWNED BY {caller}")
            connection.execute(f"DROP ROLE {caller}")
        connection.execute("GRANT EXECUTE ON FUNCTION answer(integer) TO PUBLIC")
        assert _grants(connection) == made


def test_a_sequence_s_privileges_are_read(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("CREATE SEQUENCE invoice_numbers")
        connection.execute("GRANT USAGE, UPDATE ON SEQUENCE invoice_numbers TO PUBLIC")
        assert ("sequence", "public", "invoice_numbers", "public", "UPDATE, USAGE") in (
            _grants(connection))
