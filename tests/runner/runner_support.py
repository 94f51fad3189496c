"""Helpers shared by the runner tests: hand-built migrations and looks into a real database.

Nothing here mocks the database: every helper talks to the server the fixtures started.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from pgshift.runner.catalog import snapshot
from pgshift.runner.errors import LockHeld
from pgshift.runner.migration import Migration
from pgshift.runner.postgres import PostgresMigrator, split_table_name

DEFAULT_TABLE = "public.schema_migrations"
Snapshot = dict[str, list[tuple[Any, ...]]]


def migration(version: str, *up: str, down: tuple[str, ...] | None = (),
              transactional: bool = True, description: str | None = None,
              checksum: str | None = None) -> Migration:
    """A Migration as the generated module would list it; `down=None` is irreversible."""
    return Migration(
        version=version,
        description=description or f"step {version}",
        checksum=checksum or hashlib.sha256("\n;\n".join(up).encode()).hexdigest(),
        transactional=transactional,
        up_sql=tuple(up),
        down_sql=down,
    )


def connect(url: str, **options: Any) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True, **options)


def scalar(connection: psycopg.Connection[Any], query: str) -> Any:
    row = connection.execute(query.encode()).fetchone()
    assert row is not None
    return row[0]


def table_exists(connection: psycopg.Connection[Any], table: str = DEFAULT_TABLE) -> bool:
    schema, name = split_table_name(table)
    row = connection.execute("SELECT to_regclass(format('%%I.%%I', %s::text, %s::text))",
                             [schema, name]).fetchone()
    return row is not None and row[0] is not None


def history(connection: psycopg.Connection[Any],
            table: str = DEFAULT_TABLE) -> list[dict[str, Any]]:
    """The history table's rows as dicts, oldest version first (numerically)."""
    if not table_exists(connection, table):
        return []
    schema, name = split_table_name(table)
    cursor = connection.execute(
        sql.SQL("SELECT * FROM {}").format(sql.Identifier(schema, name)))
    columns = [c.name for c in cursor.description or []]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return sorted(rows, key=lambda r: tuple(int(p) for p in str(r["version"]).split(".")))


def versions(connection: psycopg.Connection[Any], table: str = DEFAULT_TABLE) -> list[str]:
    return [str(row["version"]) for row in history(connection, table)]


def schema_of(connection: psycopg.Connection[Any], table: str = DEFAULT_TABLE) -> Snapshot:
    """The user schema, leaving out the history table itself."""
    return snapshot(connection, ignore_tables=(table,))


def state_of(connection: psycopg.Connection[Any], table: str = DEFAULT_TABLE) -> tuple[Any, ...]:
    """Everything a failed run must not have changed: the schema and the history rows."""
    return (schema_of(connection, table), history(connection, table))


def lock_is_free(url: str, table: str = DEFAULT_TABLE) -> bool:
    """Whether a brand-new instance can take the migration lock right now."""
    migrator = PostgresMigrator.connect(url, table, application_name="lock-probe")
    try:
        try:
            migrator.acquire_lock()
        except LockHeld:
            return False
        migrator.release_lock()
        return True
    finally:
        migrator.close()


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll `condition` until it holds; a bound so that a broken runner fails, not hangs."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def waiting_on_lock(connection: psycopg.Connection[Any], pid: int) -> bool:
    """Whether backend `pid` is blocked waiting for some heavyweight lock."""
    row = connection.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted",
                             [pid]).fetchone()
    return bool(row and row[0])
