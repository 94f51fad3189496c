"""The migration history table: made when missing, read and checked, and written.

A row per applied version says what ran (its checksum), when, for how long and by whom,
and whether it is dirty: part of a non-transactional migration applied, with the failing
statement recorded. The table is all pgshift knows of a database's state, so every read
and write of it is here, over the migrator's connection, each failure a TableError that
names the table; when a row is written, with which migration's statements, is the runs'
business (`transactional_run.py`, `segmented_run.py`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from psycopg import errors, sql

from .blockers import blockers
from .errors import ServerError, TableError, first_line
from .locks import ACCESS_SHARE, Lock
from .migration import Migration, version_key
from .protocol import AppliedMigration
from .session_sql import RELATION_KINDS, HistoryStatements

HISTORY_LOCK_WAIT_MS = 5000  # reading the history behind another session's lock on it


class HistoryTable:
    """The history table `schema`.`name` over one autocommit connection."""

    def __init__(self, connection: psycopg.Connection[Any], schema: str, name: str) -> None:
        self.connection = connection
        self.schema, self.name = schema, name
        self.table = sql.Identifier(schema, name)
        self.statements = HistoryStatements.for_table(self.table, connection)
        # What a failure of the row's INSERT names as the failing statement.
        self.row_text = f"INSERT INTO {schema}.{name} … (the migration's history row)"

    def exists(self) -> bool:
        """Whether the history table exists; a view or another kind of relation by its name
        is not taken for it (writing the history through a view would lie)."""
        row = self.connection.execute("SELECT relkind::text FROM pg_class WHERE oid ="
                                      " to_regclass(%s)",
                                      [f'"{self.schema}"."{self.name}"']).fetchone()
        if row is None:
            return False
        if row[0] not in ("r", "p"):
            kind = RELATION_KINDS.get(row[0], "not a table")
            raise TableError(
                f"{self.schema}.{self.name} is {kind}, not pgshift's migration table:"
                " name another one with history_table in [tool.pgshift] (or --table)")
        return True

    def ensure(self, turn_key: int) -> None:
        """Create the table when it is missing. Instances that start together take turns
        under the transaction advisory lock `turn_key`: CREATE TABLE IF NOT EXISTS alone
        can still fail on the table's row type when two run at the same moment."""
        try:
            if self.exists():
                return
            with self.connection.transaction():
                self.connection.execute("SELECT pg_advisory_xact_lock(%s)", [turn_key])
                self._create()
        except (errors.UniqueViolation, errors.DuplicateTable, errors.DuplicateObject):
            if not self.exists():  # another instance created it at the same moment
                raise
        except psycopg.Error as error:
            raise TableError(f"cannot create the migration table {self.schema}."
                             f"{self.name}: {ServerError.of(error).describe()}") from None

    def _create(self) -> None:
        self.connection.execute(sql.SQL("""
                CREATE TABLE IF NOT EXISTS {} (
                    version text PRIMARY KEY,
                    description text NOT NULL,
                    checksum text NOT NULL,
                    dirty boolean NOT NULL DEFAULT false,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    execution_ms integer,
                    applied_by text NOT NULL DEFAULT current_user,
                    failed_statement text
                )""").format(self.table))

    def read(self) -> list[AppliedMigration]:
        """The history, read under a bounded lock wait: a session holding the table in
        ACCESS EXCLUSIVE (a LOCK TABLE, a VACUUM FULL) is named instead of waited for."""
        try:
            with self.connection.transaction():
                self.connection.execute(f"SET LOCAL lock_timeout = '{HISTORY_LOCK_WAIT_MS}ms'")
                if not self.exists():
                    return []
                rows = self.connection.execute(sql.SQL(
                    "SELECT version, description, checksum, dirty, applied_at, execution_ms,"
                    " applied_by, failed_statement FROM {}").format(self.table)).fetchall()
        except errors.LockNotAvailable:
            in_the_way = "; ".join(b.describe() for b in blockers(
                self.connection, [Lock(self.schema, self.name, ACCESS_SHARE)]))
            raise TableError(
                f"cannot read the migration table {self.schema}.{self.name}: waited"
                f" {HISTORY_LOCK_WAIT_MS / 1000:g} s for a lock on it"
                f"{': ' + in_the_way if in_the_way else ''}") from None
        except psycopg.Error as error:
            raise TableError(f"cannot read the migration table {self.schema}."
                             f"{self.name}: {first_line(error)}") from None
        history = [AppliedMigration(*row) for row in rows]
        for row in history:
            self._check(row)
        return sorted(history, key=lambda a: version_key(a.version))

    def _check(self, row: AppliedMigration) -> None:
        """A row as pgshift writes it, or a TableError naming what was changed by hand (a
        column retyped, a NOT NULL dropped) instead of a crash where it is first used."""
        expected = (("version", row.version, str), ("description", row.description, str),
                    ("checksum", row.checksum, str), ("dirty", row.dirty, bool),
                    ("applied_at", row.applied_at, dt.datetime),
                    ("applied_by", row.applied_by, str))
        for column, value, kind in expected:
            if not isinstance(value, kind):
                found = "NULL" if value is None else f"{value!r} ({type(value).__name__})"
                raise TableError(
                    f"the migration table {self.schema}.{self.name} is not as pgshift"
                    f" made it: {column} of version {row.version!r} is {found}; restore the"
                    " column's type and value (docs/cli.md, \"The history table\")")

    # ------------------------------------------------------------ one migration's row

    def record(self, migration: Migration, dirty: bool, elapsed_ms: int | None,
               in_transaction: bool = False) -> None:
        """Write the history row, replacing one left by an earlier attempt. Inside the
        migration's own transaction its duration is taken by the server (the clock now
        against the transaction's start), which also holds when the statements were sent
        pipelined, before any of them ran."""
        if in_transaction:
            assert not dirty, "a row written with its migration is clean"
            self.connection.execute(self.statements.upsert_timed, [
                migration.version, migration.description, migration.checksum,
                migration.version])
        else:
            self.connection.execute(self.statements.upsert, [
                migration.version, migration.description, migration.checksum, dirty,
                elapsed_ms])

    def mark_failed(self, migration: Migration, statement: str) -> str:
        """Record the failing statement; returns a note when even that is impossible (the row
        was already written dirty before the migration started, so the state stays known)."""
        try:
            self.connection.execute(sql.SQL(
                "UPDATE {} SET dirty = true, failed_statement = %s WHERE version = %s"
            ).format(self.table), [statement, migration.version])
        except psycopg.Error as error:
            return (f"\nThe failing statement could not be recorded ({first_line(error)}); the"
                    " history row still says dirty.")
        return ""

    def forget(self, migration: Migration) -> None:
        self.connection.execute(sql.SQL("DELETE FROM {} WHERE version = %s").format(self.table),
                                [migration.version])

    def mark_started(self, migration: Migration, direction: str) -> None:
        """The row says dirty while part of a non-transactional migration is applied."""
        with self.writing(migration):
            if direction == "up":
                self.record(migration, True, None)
            else:
                self.connection.execute(sql.SQL("UPDATE {} SET dirty = true WHERE version = %s")
                                        .format(self.table), [migration.version])

    def mark_finished(self, migration: Migration, direction: str, started: float) -> None:
        with self.writing(migration):
            if direction == "up":
                self.record(migration, False, round((time.monotonic() - started) * 1000))
            else:
                self.forget(migration)

    @contextlib.contextmanager
    def writing(self, migration: Migration | None) -> Iterator[None]:
        """A history write the server refuses (a read-only database, a role without write
        on the table) is a TableError, which says so, not a crash."""
        try:
            yield
        except psycopg.Error as error:
            if self.connection.closed:
                raise
            which = f" for {migration.version}" if migration is not None else ""
            raise TableError(f"cannot write the migration table {self.schema}."
                             f"{self.name}{which}: {ServerError.of(error).describe()}"
                             ) from None

    # ------------------------------------------------------------ repairs

    def settle(self, version: str, applied: bool,
               invalid_indexes: Sequence[tuple[str, str]] = ()) -> None:
        """Repair a dirty version pgshift found to be wholly applied (its row marked clean)
        or not at all (its row removed: it is pending again), dropping first the INVALID
        indexes a failed concurrent build left."""
        for schema, name in invalid_indexes:
            self.connection.execute(sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}")
                                    .format(sql.Identifier(schema, name)))
        if applied:
            self.connection.execute(sql.SQL(
                "UPDATE {} SET dirty = false, failed_statement = NULL WHERE version = %s"
            ).format(self.table), [version])
        else:
            self.connection.execute(sql.SQL("DELETE FROM {} WHERE version = %s")
                                    .format(self.table), [version])

    def force(self, version: str | None, migrations: list[Migration]) -> None:
        """Record `version` as current and every row clean: rows past it removed, those up
        to it that are missing written, running no migration."""
        target = version_key(version) if version is not None else ()
        with self.writing(None), self.connection.transaction():
            for row in self.read():
                if version is None or version_key(row.version) > target:
                    self.connection.execute(sql.SQL("DELETE FROM {} WHERE version = %s")
                                            .format(self.table), [row.version])
            recorded = {row.version for row in self.read()}
            for migration in migrations:
                if version is not None and migration.version_key <= target and (
                        migration.version not in recorded):
                    self.record(migration, False, None)
            self.connection.execute(sql.SQL("UPDATE {} SET dirty = false, failed_statement"
                                            " = NULL").format(self.table))
