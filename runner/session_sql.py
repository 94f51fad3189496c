"""The SQL of pgshift's own session, beside the migrations': the history row's statements
with the guard that writes it only in the migration's own transaction, and the session
every migration starts from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

_SERVER_DURATION = (
    "round(extract(epoch FROM clock_timestamp() - transaction_timestamp()) * 1000)")
_REPLACE = (" ON CONFLICT (version) DO UPDATE SET description = excluded.description,"
            " checksum = excluded.checksum, dirty = excluded.dirty,"
            " execution_ms = excluded.execution_ms, applied_at = now(),"
            " applied_by = current_user, failed_statement = NULL")


# What a relation is, for a history table that turns out not to be a table.
RELATION_KINDS = {"v": "a view", "m": "a materialized view", "f": "a foreign table",
                   "S": "a sequence", "i": "an index", "c": "a composite type"}
NOT_OURS_SQLSTATE = "22P02"  # the history row's only text cast is the guard's
TRANSACTION_ENDED = (
    "A statement of it ended the transaction pgshift had opened for it (a COMMIT or"
    " ROLLBACK in a sql block), so it is not recorded; what ran before that statement, and"
    " what ran after it outside any transaction, may remain: check the schema by hand, then"
    " `pgshift force` the version it is at.")
# A migration's transaction sets pgshift.migration to its version (SET LOCAL): when a
# statement in it ended that transaction (COMMIT or ROLLBACK in a sql block), the setting
# is gone and the history row fails with this message instead of recording a migration
# whose changes were never committed with it. The CASE is not constant, so it is only
# evaluated, and only fails, when the row is written.
_STILL_OURS = (
    "CAST(CASE WHEN current_setting('pgshift.migration', true) = %s THEN 'false' ELSE"
    " 'pgshift: a statement of this migration ended the transaction pgshift opened for it"
    " (COMMIT or ROLLBACK); it is not recorded, and what ran before that statement may"
    " remain: check the schema by hand' END AS boolean)")


@dataclass(frozen=True, slots=True)
class HistoryStatements:
    """The history row's INSERTs, composed once per migrator instead of once per migration:
    the same text each time also lets psycopg prepare them."""

    insert_timed: bytes  # inside the migration's transaction, duration from the server
    upsert_timed: bytes  # the same, only while that transaction is still pgshift's
    upsert: bytes  # outside any transaction, duration from the client

    @classmethod
    def for_table(cls, table: sql.Identifier,
                  connection: psycopg.Connection[Any]) -> HistoryStatements:
        def insert(values: str, on_conflict: str = "") -> bytes:
            return sql.SQL(
                "INSERT INTO {} (version, description, checksum, dirty, execution_ms)"
                " VALUES ({})" + on_conflict).format(table, sql.SQL(values)).as_bytes(connection)

        return cls(insert(f"%s, %s, %s, false, {_SERVER_DURATION}"),
                   insert(f"%s, %s, %s, {_STILL_OURS}, {_SERVER_DURATION}", _REPLACE),
                   insert("%s, %s, %s, %s, %s", _REPLACE))


# Back to the session as pgshift connected it (what the URL and the role's and database's
# defaults set); RESET ALL leaves the role and the session authorization alone.
RESETS = [b"RESET SESSION AUTHORIZATION", b"RESET ROLE", b"RESET ALL"]


def session_settings(server_version: int) -> list[bytes]:
    """What pgshift sets in its session, at connection and again after each reset: string
    literals read as the SQL standard says whatever the server's default (as pg_dump pins
    it), and, on PostgreSQL 14+, a vanished client noticed even while a statement waits."""
    settings = [b"SET standard_conforming_strings = on"]
    if server_version >= 140000:
        settings.append(b"SET client_connection_check_interval = '2s'")
    return settings


def default_connect_timeout(url: str) -> dict[str, Any]:
    """10 s to connect, unless the URL says otherwise (connect_timeout=…)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        given = conninfo_to_dict(url).get("connect_timeout")
    except psycopg.Error:
        given = None  # psycopg.connect says what is wrong with the URL
    return {} if given else {"connect_timeout": 10}


def literal(text: str) -> str:
    """Text inside a standard string literal (standard_conforming_strings is pinned on)."""
    return text.replace("'", "''")
