"""`PostgresMigrator`: the Migrator protocol over psycopg 3 and a session advisory lock."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import errors, sql
from psycopg.pq import TransactionStatus

from .errors import (
    ConnectionFailed,
    ConnectionLost,
    LockError,
    LockHeld,
    LockReleaseError,
    MigrationFailed,
    ServerError,
    TableError,
)
from .migration import Migration, StatementFailed, execute_all, version_key
from .protocol import AppliedMigration, VersionState

DEFAULT_TABLE = "public.schema_migrations"
POLL_SECONDS = 0.2


def split_table_name(name: str) -> tuple[str, str]:
    schema, _, table = name.rpartition(".")
    return (schema or "public", table)


def lock_key(database: str, schema: str, table: str) -> int:
    """A signed 64-bit advisory lock key from the database and the history table's name."""
    digest = hashlib.sha256(f"pgshift\0{database}\0{schema}.{table}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresMigrator:
    """Migrates one database over one autocommit connection; transactions are explicit."""

    def __init__(self, connection: psycopg.Connection[Any], table: str = DEFAULT_TABLE) -> None:
        self.connection = connection
        self.schema, self.table_name = split_table_name(table)
        self.table = sql.Identifier(self.schema, self.table_name)
        database = connection.info.dbname
        self.lock_key = lock_key(database, self.schema, self.table_name)
        self._statements = _HistoryStatements.for_table(self.table, connection)

    @classmethod
    def connect(cls, url: str, table: str = DEFAULT_TABLE,
                application_name: str = "pgshift") -> PostgresMigrator:
        try:
            connection = psycopg.connect(url, autocommit=True, application_name=application_name,
                                         connect_timeout=10)
        except psycopg.Error as error:
            message = f"cannot connect to the database: {_first_line(error)}"
            raise ConnectionFailed(message) from None
        # Notice a vanished client even while a statement waits (PostgreSQL 14+).
        with contextlib.suppress(psycopg.Error):
            connection.execute("SET client_connection_check_interval = '2s'")
        return cls(connection, table)

    def close(self) -> None:
        self.connection.close()

    # ------------------------------------------------------------ the history table

    def _exists(self) -> bool:
        row = self.connection.execute("SELECT to_regclass(%s) IS NOT NULL",
                                      [f'"{self.schema}"."{self.table_name}"']).fetchone()
        return bool(row and row[0])

    def ensure_table(self) -> None:
        try:
            if self._exists():
                return
            with self.connection.transaction():
                # Instances that start together take turns: CREATE TABLE IF NOT EXISTS alone
                # can still fail on the table's row type when two run at the same moment.
                self.connection.execute("SELECT pg_advisory_xact_lock(%s)", [self.lock_key ^ 1])
                self._create_table()
        except (errors.UniqueViolation, errors.DuplicateTable, errors.DuplicateObject):
            if not self._exists():  # another instance created it at the same moment
                raise
        except psycopg.Error as error:
            raise TableError(f"cannot create the migration table {self.schema}."
                             f"{self.table_name}: {ServerError.of(error).describe()}") from None

    def _create_table(self) -> None:
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

    def applied(self) -> list[AppliedMigration]:
        try:
            if not self._exists():
                return []
            rows = self.connection.execute(sql.SQL(
                "SELECT version, description, checksum, dirty, applied_at, execution_ms,"
                " applied_by, failed_statement FROM {}").format(self.table)).fetchall()
        except psycopg.Error as error:
            raise TableError(f"cannot read the migration table {self.schema}."
                             f"{self.table_name}: {_first_line(error)}") from None
        return sorted((AppliedMigration(*row) for row in rows),
                      key=lambda a: version_key(a.version))

    def current_version(self) -> VersionState:
        applied = self.applied()
        return VersionState(applied[-1].version if applied else None,
                            any(a.dirty for a in applied))

    # ------------------------------------------------------------ the lock

    def holder(self) -> str:
        """Who holds our advisory lock, for the message that says another instance does."""
        classid, objid = (self.lock_key >> 32) & 0xFFFFFFFF, self.lock_key & 0xFFFFFFFF
        row = self.connection.execute(
            "SELECT l.pid, a.application_name, a.client_addr::text FROM pg_locks l"
            " LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'"
            " AND l.classid::bigint = %s AND l.objid::bigint = %s AND l.objsubid = 1"
            " AND l.granted AND l.database = (SELECT oid FROM pg_database"
            " WHERE datname = current_database())", [classid, objid]).fetchone()
        if row is None:
            return "another session"
        pid, application, address = row
        where = f" from {address}" if address else ""
        return f"backend pid {pid} ({application or 'unknown application'}{where})"

    def acquire_lock(self, wait: float | None = None) -> None:
        deadline = time.monotonic() + (wait or 0)
        try:
            while True:
                row = self.connection.execute("SELECT pg_try_advisory_lock(%s)",
                                              [self.lock_key]).fetchone()
                if row and row[0]:
                    return
                if wait is None or time.monotonic() >= deadline:
                    waited = f" (waited {wait:g} s)" if wait else ""
                    raise LockHeld(f"another instance is migrating this database: the migration"
                                   f" lock is held by {self.holder()}{waited}")
                time.sleep(POLL_SECONDS)
        except psycopg.Error as error:
            raise LockError(f"cannot take the migration lock: {_first_line(error)}") from None

    def release_lock(self) -> None:
        try:
            row = self.connection.execute("SELECT pg_advisory_unlock(%s)",
                                          [self.lock_key]).fetchone()
        except psycopg.Error as error:
            raise LockReleaseError(f"cannot release the migration lock: {_first_line(error)}"
                                   " (it is freed when this session ends)") from None
        if not (row and row[0]):
            raise LockReleaseError("the migration lock was not held by this session when it"
                                   " was to be released")

    # ------------------------------------------------------------ applying

    def _record(self, migration: Migration, dirty: bool, elapsed_ms: int | None,
                in_transaction: bool = False) -> None:
        """Write the history row, replacing one left by an earlier attempt. Inside the
        migration's own transaction its duration is taken by the server (the clock now
        against the transaction's start), which also holds when the statements were sent
        pipelined, before any of them ran."""
        self.connection.execute(
            self._statements.upsert_timed if in_transaction else self._statements.upsert,
            [migration.version, migration.description, migration.checksum, dirty,
             *([] if in_transaction else [elapsed_ms])])

    def _mark_failed(self, migration: Migration, statement: str) -> str:
        """Record the failing statement; returns a note when even that is impossible (the row
        was already written dirty before the migration started, so the state stays known)."""
        try:
            self.connection.execute(sql.SQL(
                "UPDATE {} SET dirty = true, failed_statement = %s WHERE version = %s"
            ).format(self.table), [statement, migration.version])
        except psycopg.Error as error:
            return (f"\nThe failing statement could not be recorded ({_first_line(error)}); the"
                    " history row still says dirty.")
        return ""

    def _forget(self, migration: Migration) -> None:
        self.connection.execute(sql.SQL("DELETE FROM {} WHERE version = %s").format(self.table),
                                [migration.version])

    def migrate(self, migration: Migration) -> None:
        self.migrate_many([migration])

    def migrate_many(self, migrations: Sequence[Migration],
                     starting: Callable[[Migration], None] | None = None) -> None:
        """Apply in order, stopping at the first failure: consecutive transactional
        migrations one round trip each (see `_in_turn`), a non-transactional one alone."""
        index = 0
        while index < len(migrations):
            migration = migrations[index]
            if not migration.transactional:
                if starting is not None:
                    starting(migration)
                started = time.monotonic()
                self._dirty_while(migration, "up", migration.up_sql)
                self._record(migration, False, _ms(started))
                index += 1
                continue
            run = list(itertools.takewhile(lambda m: m.transactional, migrations[index:]))
            committed = self._in_turn(run, starting)
            index += committed
            if committed < len(run):
                self._one_statement_at_a_time(run[committed])
                index += 1

    def _in_turn(self, run: list[Migration], starting: Callable[[Migration], None] | None,
                 ) -> int:
        """Apply transactional migrations in one pipeline, each in its own transaction with
        its history row; returns how many committed before one failed.

        Each migration's statements and history row go in one round trip. Its COMMIT is
        sent only once they have all succeeded, at the head of the next migration's round
        trip: so the server never waits for a round trip of its own to commit, and a
        client killed while a migration runs leaves no COMMIT behind for it (the orphaned
        session rolls it back). Which ones committed is read from each COMMIT's result,
        which holds even when the connection is lost.
        """
        commits = []
        try:
            with self.connection.pipeline() as pipeline:
                for number, migration in enumerate(run):
                    if starting is not None:
                        starting(migration)
                    if number:
                        commits.append(self.connection.execute(b"COMMIT"))
                    self.connection.execute(b"BEGIN")
                    for statement in migration.up_sql:
                        self.connection.execute(statement.encode())
                    # A pending migration has no row (a dirty one stops the run before this),
                    # so a plain INSERT will do; were one there, the statement-by-statement
                    # rerun that follows a failure replaces it.
                    self.connection.execute(self._statements.insert_timed, [
                        migration.version, migration.description, migration.checksum])
                    pipeline.sync()
                commits.append(self.connection.execute(b"COMMIT"))
        except psycopg.Error as error:
            committed = sum(1 for _ in itertools.takewhile(
                lambda cursor: cursor.statusmessage == "COMMIT", commits))
            if self.connection.closed:
                lost = run[min(committed, len(run) - 1)]
                raise ConnectionLost(lost.version, lost.description,
                                     ServerError.of(error)) from None
            if self.connection.info.transaction_status == TransactionStatus.INERROR:
                self.connection.execute("ROLLBACK")
            return committed
        return len(run)

    def _one_statement_at_a_time(self, migration: Migration) -> None:
        """Run a migration that failed in a pipeline again, statement by statement in one
        transaction, to name the statement that fails (or apply it, if the failure was
        passing: a lock timeout, a serialization failure)."""
        left = ("It ran in one transaction, which was rolled back: nothing of it remains and"
                " the database is still at the previous version.")
        try:
            with self.connection.transaction():
                migration.up(self.connection)
                self._record(migration, False, None, in_transaction=True)
        except StatementFailed as failed:
            raise _failure(migration, "up", migration.up_sql, failed, left) from None
        except psycopg.Error as error:  # every statement ran: COMMIT refused it (a deferred
            if self.connection.closed:  # constraint, a serialization failure)
                raise ConnectionLost(migration.version, migration.description,
                                     ServerError.of(error)) from None
            total = len(migration.up_sql) + 1
            raise MigrationFailed(migration.version, migration.description, "up", total - 1,
                                  total, "COMMIT", ServerError.of(error), left) from None

    def _dirty_while(self, migration: Migration, direction: str,
                     statements: tuple[str, ...]) -> None:
        """Run a non-transactional migration's statements with its row marked dirty, so a
        failure part-way leaves a dirty row naming the statement that failed."""
        self._record(migration, True, None)
        try:
            execute_all(self.connection, statements)
        except StatementFailed as failed:
            note = self._mark_failed(migration, failed.statement)
            raise _failure(migration, direction, statements, failed,
                           "It is not transactional, so the statements before this one stay"
                           f" applied and the database is marked dirty at version"
                           f" {migration.version}. Repair it by hand, then record the real"
                           " state with `pgshift force VERSION`." + note) from None

    def rollback(self, migration: Migration) -> None:
        assert migration.down_sql is not None
        if migration.transactional:
            try:
                with self.connection.transaction():
                    migration.down(self.connection)
                    self._forget(migration)
            except StatementFailed as failed:
                raise _failure(migration, "down", migration.down_sql, failed,
                               "Its Down ran in one transaction, which was rolled back: the"
                               f" database is still at version {migration.version}.") from None
            return
        self._dirty_while(migration, "down", migration.down_sql)
        self._forget(migration)

    def force(self, version: str | None, migrations: list[Migration]) -> None:
        target = version_key(version) if version is not None else ()
        with self.connection.transaction():
            for row in self.applied():
                if version is None or version_key(row.version) > target:
                    self.connection.execute(sql.SQL("DELETE FROM {} WHERE version = %s")
                                            .format(self.table), [row.version])
            recorded = {row.version for row in self.applied()}
            for migration in migrations:
                if version is not None and migration.version_key <= target and (
                        migration.version not in recorded):
                    self._record(migration, False, None)
            self.connection.execute(sql.SQL("UPDATE {} SET dirty = false, failed_statement"
                                            " = NULL").format(self.table))


_SERVER_DURATION = (
    "round(extract(epoch FROM clock_timestamp() - transaction_timestamp()) * 1000)")
_REPLACE = (" ON CONFLICT (version) DO UPDATE SET description = excluded.description,"
            " checksum = excluded.checksum, dirty = excluded.dirty,"
            " execution_ms = excluded.execution_ms, applied_at = now(),"
            " applied_by = current_user, failed_statement = NULL")


@dataclass(frozen=True, slots=True)
class _HistoryStatements:
    """The history row's INSERTs, composed once per migrator instead of once per migration:
    the same text each time also lets psycopg prepare them."""

    insert_timed: bytes  # inside the migration's transaction, duration from the server
    upsert_timed: bytes
    upsert: bytes  # outside any transaction, duration from the client

    @classmethod
    def for_table(cls, table: sql.Identifier,
                  connection: psycopg.Connection[Any]) -> _HistoryStatements:
        def insert(values: str, on_conflict: str = "") -> bytes:
            return sql.SQL(
                "INSERT INTO {} (version, description, checksum, dirty, execution_ms)"
                " VALUES ({})" + on_conflict).format(table, sql.SQL(values)).as_bytes(connection)

        return cls(insert(f"%s, %s, %s, false, {_SERVER_DURATION}"),
                   insert(f"%s, %s, %s, %s, {_SERVER_DURATION}", _REPLACE),
                   insert("%s, %s, %s, %s, %s", _REPLACE))


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _failure(migration: Migration, direction: str, statements: tuple[str, ...],
             failed: StatementFailed, left: str) -> MigrationFailed:
    return MigrationFailed(migration.version, migration.description, direction, failed.index,
                           len(statements), failed.statement, ServerError.of(failed.error), left)
