"""`PostgresMigrator`: the Migrator protocol over psycopg 3 and a session advisory lock."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg import errors, sql
from psycopg.pq import TransactionStatus

from .blockers import blockers
from .errors import (
    ConnectionFailed,
    ConnectionLost,
    LockError,
    LockHeld,
    LockReleaseError,
    LocksUnavailable,
    LockWait,
    MigrationFailed,
    ServerError,
    TableError,
    with_left,
)
from .events import NOTICE, emit, wants
from .index_build import BuildLimits, build_settings
from .index_progress import IndexProgressWatcher
from .locks import ACCESS_SHARE, Lock
from .migration import Migration, StatementFailed, execute_all, version_key
from .protocol import AppliedMigration, VersionState
from .segments import (
    NOTHING_REMAINS,
    cannot_undo,
    concurrent_note,
    dirty_left,
    first_part_rolled_back,
    segments_of,
    statement_at,
    still_at,
    undo_failed,
    undone_left,
)
from .session_sql import (
    NOT_OURS_SQLSTATE,
    RELATION_KINDS,
    RESETS,
    TRANSACTION_ENDED,
    HistoryStatements,
    default_connect_timeout,
    literal,
    session_settings,
)
from .table_name import DEFAULT_TABLE as DEFAULT_TABLE  # re-exported: its home before
from .table_name import split_table_name as split_table_name
from .urls import mask_password
from .waits import RETRYABLE, Attempts, RetryPolicy, Timeouts

POLL_SECONDS = 0.2
HISTORY_LOCK_WAIT_MS = 5000  # reading the history behind another session's lock on it
_CLOCK = b"SELECT clock_timestamp()"


def lock_key(database: str, schema: str, table: str) -> int:
    """A signed 64-bit advisory lock key from the database and the history table's name."""
    digest = hashlib.sha256(f"pgshift\0{database}\0{schema}.{table}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresMigrator:
    """Migrates one database over one autocommit connection; transactions are explicit."""

    def __init__(self, connection: psycopg.Connection[Any], table: str = DEFAULT_TABLE, *,
                 timeouts: Timeouts | None = None, retry: RetryPolicy | None = None,
                 logger: logging.Logger | None = None, undo: bool = True,
                 build_limits: BuildLimits | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.connection = connection
        self.schema, self.table_name = split_table_name(table)
        self.table = sql.Identifier(self.schema, self.table_name)
        self.timeouts = timeouts or Timeouts()
        self.retry = retry or RetryPolicy()
        self.logger = logger or logging.getLogger("pgshift")
        self.undo = undo
        self.build_limits = build_limits or BuildLimits()
        self._sleep = sleep
        self._current: str | None = None  # the version being applied or reverted
        database = connection.info.dbname
        self.lock_key = lock_key(database, self.schema, self.table_name)
        self._statements = HistoryStatements.for_table(self.table, connection)
        self._history_row = (f"INSERT INTO {self.schema}.{self.table_name} … (the migration's"
                             " history row)")
        self._fresh_session = [*RESETS, *session_settings(connection.info.server_version)]

    @classmethod
    def connect(cls, url: str, table: str = DEFAULT_TABLE, application_name: str = "pgshift",
                **options: Any) -> PostgresMigrator:
        """Connect to `url`; `options` are the constructor's (timeouts, retry, logger)."""
        try:
            connection = psycopg.connect(url, autocommit=True, application_name=application_name,
                                         **default_connect_timeout(url))
        except psycopg.Error as error:
            message = f"cannot connect to the database: {_first_line(error)}"
            raise ConnectionFailed(mask_password(message, url)) from None
        for setting in session_settings(connection.info.server_version):
            connection.execute(setting)  # a new session needs no RESET: only the settings
        return cls(connection, table, **options)

    def close(self) -> None:
        self.connection.close()

    # ------------------------------------------------------------ the history table

    def _exists(self) -> bool:
        """Whether the history table exists; a view or another kind of relation by its name
        is not taken for it (writing the history through a view would lie)."""
        row = self.connection.execute("SELECT relkind::text FROM pg_class WHERE oid ="
                                      " to_regclass(%s)",
                                      [f'"{self.schema}"."{self.table_name}"']).fetchone()
        if row is None:
            return False
        if row[0] not in ("r", "p"):
            kind = RELATION_KINDS.get(row[0], "not a table")
            raise TableError(
                f"{self.schema}.{self.table_name} is {kind}, not pgshift's migration table:"
                " name another one with history_table in [tool.pgshift] (or --table)")
        return True

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
        """The history, read under a bounded lock wait: a session holding the table in
        ACCESS EXCLUSIVE (a LOCK TABLE, a VACUUM FULL) is named instead of waited for."""
        try:
            with self.connection.transaction():
                self.connection.execute(f"SET LOCAL lock_timeout = '{HISTORY_LOCK_WAIT_MS}ms'")
                if not self._exists():
                    return []
                rows = self.connection.execute(sql.SQL(
                    "SELECT version, description, checksum, dirty, applied_at, execution_ms,"
                    " applied_by, failed_statement FROM {}").format(self.table)).fetchall()
        except errors.LockNotAvailable:
            in_the_way = "; ".join(b.describe() for b in blockers(
                self.connection, [Lock(self.schema, self.table_name, ACCESS_SHARE)]))
            raise TableError(
                f"cannot read the migration table {self.schema}.{self.table_name}: waited"
                f" {HISTORY_LOCK_WAIT_MS / 1000:g} s for a lock on it"
                f"{': ' + in_the_way if in_the_way else ''}") from None
        except psycopg.Error as error:
            raise TableError(f"cannot read the migration table {self.schema}."
                             f"{self.table_name}: {_first_line(error)}") from None
        history = [AppliedMigration(*row) for row in rows]
        for row in history:
            self._check_row(row)
        return sorted(history, key=lambda a: version_key(a.version))

    def _check_row(self, row: AppliedMigration) -> None:
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
                    f"the migration table {self.schema}.{self.table_name} is not as pgshift"
                    f" made it: {column} of version {row.version!r} is {found}; restore the"
                    " column's type and value (docs/cli.md, \"The history table\")")

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
        polled = False
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
                if not polled:
                    holder = self.holder()
                    emit(self.logger, NOTICE, "lock_waiting",
                         f"the migration lock is held by {holder}: waiting up to {wait:g} s",
                         holder=holder, wait_s=wait)
                    polled = True
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
        if in_transaction:
            assert not dirty, "a row written with its migration is clean"
            self.connection.execute(self._statements.upsert_timed, [
                migration.version, migration.description, migration.checksum,
                migration.version])
        else:
            self.connection.execute(self._statements.upsert, [
                migration.version, migration.description, migration.checksum, dirty,
                elapsed_ms])

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
        migrations one round trip each (see `_in_turn`), a non-transactional one in
        segments (see `_in_segments`); a long index build's progress is reported."""
        with self._watching():
            self._migrate_many(migrations, starting)

    def migrate_atomically(self, migrations: Sequence[Migration],
                           starting: Callable[[Migration], None] | None = None) -> None:
        """All of them in one transaction, each with its own timeouts (SET LOCAL again
        before each) and history row; a lock timeout retries the whole of it."""
        for migration in migrations:
            if starting is not None:
                starting(migration)
            self._started(migration, "up")
        attempts = self._attempts()
        left = ("--atomic: they ran in one transaction, which was rolled back: nothing of them"
                " remains and the database is still at the version before them.")
        with self._watching():
            while True:
                current = migrations[0]
                try:
                    with self.connection.transaction():
                        for current in migrations:
                            for setting in self._settings(current):
                                self.connection.execute(setting)
                            execute_all(self.connection, current.up_sql, 0, None,
                                        self._timer(current, "up"),
                                        self._index_builds(current, "up", local=True))
                            try:
                                self._record(current, False, None, in_transaction=True)
                            except psycopg.Error as error:
                                raise StatementFailed(len(current.up_sql), self._history_row,
                                                      error) from error
                    return
                except StatementFailed as failed:
                    self._retry_or_raise(current, "up", failed, attempts, left)

    def _watching(self) -> IndexProgressWatcher:
        return IndexProgressWatcher(self.connection, self.logger, lambda: self._current)

    def _migrate_many(self, migrations: Sequence[Migration],
                      starting: Callable[[Migration], None] | None) -> None:
        index = 0
        while index < len(migrations):
            migration = migrations[index]
            if not migration.transactional:
                if starting is not None:
                    starting(migration)
                self._started(migration, "up")
                began = time.monotonic()
                try:
                    self._in_segments(migration, "up")
                except MigrationFailed as failure:
                    if self.undo and failure.applied is not None:
                        raise self._undo(migration, failure) from None
                    raise
                self._finished(migration, "up", time.monotonic() - began)
                index += 1
                continue
            run = list(itertools.takewhile(lambda m: m.transactional, migrations[index:]))
            self._transactional_run(run, starting)
            index += len(run)

    def _transactional_run(self, run: list[Migration],
                           starting: Callable[[Migration], None] | None) -> None:
        """Apply consecutive transactional migrations; one whose locks time out is rolled
        back and, after a pause with the tables free, sent again with those after it."""
        done = 0
        attempts: Attempts | None = None
        announced: set[str] = set()

        def announce(migration: Migration) -> None:  # once, not again on each retry
            if migration.version not in announced:
                announced.add(migration.version)
                if starting is not None:
                    starting(migration)
                self._started(migration, "up")

        while done < len(run):
            committed, failed = self._in_turn(run[done:], announce)
            if committed or attempts is None:  # another migration than the last to fail
                attempts = self._attempts()
            done += committed
            if failed is not None:
                self._retry_or_raise(run[done], "up", failed, attempts, NOTHING_REMAINS)

    def _in_turn(self, run: list[Migration], starting: Callable[[Migration], None] | None,
                 ) -> tuple[int, StatementFailed | None]:
        """Apply transactional migrations in one pipeline, each in its own transaction with
        its session settings and history row; return how many committed, and the failure
        of the one that did not. The run stops before a migration the pipeline cannot
        carry; that one, when first, runs by itself.

        Each migration's statements and history row go in one round trip. Its COMMIT is
        sent only once they have all succeeded, at the head of the next migration's round
        trip: so the server never waits for a round trip of its own to commit, and a
        client killed while a migration runs leaves no COMMIT behind for it (the orphaned
        session rolls it back). Which ones committed is read from each COMMIT's result,
        which holds even when the connection is lost; which statement failed, from the
        first of its results that never came.
        """
        if not run[0].pipelinable:
            return self._by_itself(run[0], starting)
        run = list(itertools.takewhile(lambda m: m.pipelinable, run))
        commits = []
        sent: list[list[psycopg.Cursor[Any]]] = []
        timed = wants(self.logger, logging.DEBUG)  # per-statement durations, from the server
        # Index builds' settings are read from the server before the pipeline starts.
        builds = {(m.version, index): self._build_settings(m, "up", index, local=True)
                  for m in run for index, plan in enumerate(m.plans("up"))
                  if plan.build is not None}
        took: list[float] = []  # each migration's: from its BEGIN sent to its results read
        try:
            with self.connection.pipeline() as pipeline:
                for number, migration in enumerate(run):
                    if starting is not None:
                        starting(migration)
                    if number:
                        commits.append(self.connection.execute(b"COMMIT"))
                    began = time.monotonic()
                    self.connection.execute(b"BEGIN")
                    for setting in self._settings(migration):
                        self.connection.execute(setting)
                    clocks = [self.connection.execute(_CLOCK)] if timed else []
                    # Known before the statements go: psycopg may read results, and raise a
                    # failure, while it still sends, before this loop is done.
                    cursors: list[psycopg.Cursor[Any]] = []
                    sent.append(cursors)
                    for index, statement in enumerate(migration.up_sql):
                        for setting in builds.get((migration.version, index), ()):
                            self.connection.execute(setting)
                        cursors.append(self.connection.execute(statement.encode()))
                        if timed:
                            clocks.append(self.connection.execute(_CLOCK))
                    cursors.append(self.connection.execute(self._statements.upsert_timed, [
                        migration.version, migration.description, migration.checksum,
                        migration.version]))
                    pipeline.sync()
                    took.append(time.monotonic() - began)
                    if number:  # the one before has its COMMIT's result now
                        self._finished(run[number - 1], "up", took[number - 1])
                    if timed:
                        self._statement_times(migration, "up", clocks)
                commits.append(self.connection.execute(b"COMMIT"))
            self._finished(run[-1], "up", took[-1])
        except psycopg.Error as error:
            committed = sum(1 for _ in itertools.takewhile(
                lambda cursor: cursor.statusmessage == "COMMIT", commits))
            if self.connection.closed:
                lost = run[min(committed, len(run) - 1)]
                raise ConnectionLost(lost.version, lost.description,
                                     ServerError.of(error)) from None
            if self.connection.info.transaction_status == TransactionStatus.INERROR:
                self.connection.execute("ROLLBACK")
            failing = run[committed]
            cursors = sent[committed] if committed < len(sent) else []
            index = next((i for i, cursor in enumerate(cursors) if cursor.statusmessage is None),
                         len(cursors))
            text = statement_at(failing.up_sql, index, self._history_row)
            return committed, StatementFailed(index, text, error)
        return len(run), None

    # ------------------------------------------------------------ events

    def _started(self, migration: Migration, direction: str) -> None:
        self._current = migration.version
        verb = "applying" if direction == "up" else "reverting"
        statements = len(migration.statements(direction))
        emit(self.logger, logging.INFO, "migration_started",
             f"{verb} {migration.version} ({migration.description})", version=migration.version,
             description=migration.description, direction=direction,
             transactional=migration.transactional, statements=statements)

    def _by_itself(self, migration: Migration, starting: Callable[[Migration], None] | None,
                   ) -> tuple[int, StatementFailed | None]:
        """A transactional migration the pipeline cannot carry (a `sql` block of several
        commands: a pipeline takes one command per statement), in its own transaction,
        statement by statement; returns as `_in_turn` does."""
        if starting is not None:
            starting(migration)
        began = time.monotonic()
        statements = migration.up_sql
        position = len(statements)  # past the statements: the history row, then COMMIT
        try:
            with self.connection.transaction():
                for setting in self._settings(migration):
                    self.connection.execute(setting)
                execute_all(self.connection, statements, 0, None, self._timer(migration, "up"),
                            self._index_builds(migration, "up", local=True))
                self._record(migration, False, None, in_transaction=True)
                position += 1
        except StatementFailed as failed:
            return 0, failed
        except psycopg.Error as error:
            if self.connection.closed:
                raise ConnectionLost(migration.version, migration.description,
                                     ServerError.of(error)) from None
            return 0, StatementFailed(position, statement_at(statements, position,
                                                             self._history_row), error)
        self._finished(migration, "up", time.monotonic() - began)
        return 1, None

    def _finished(self, migration: Migration, direction: str, seconds: float) -> None:
        verb = "applied" if direction == "up" else "reverted"
        emit(self.logger, logging.INFO, "migration_finished",
             f"{verb} {migration.version} ({migration.description}) in {seconds * 1000:.0f} ms",
             version=migration.version, direction=direction, duration_ms=round(seconds * 1000))

    def _statement_done(self, migration: Migration, direction: str, index: int,
                        seconds: float) -> None:
        statement = migration.statements(direction)[index]
        first = statement.strip().splitlines()[0] if statement.strip() else ""
        emit(self.logger, logging.DEBUG, "statement",
             f"{migration.version} statement {index + 1}: {first[:80]} ({seconds * 1000:.0f} ms)",
             version=migration.version, direction=direction, statement_index=index,
             duration_ms=round(seconds * 1000), sql=first[:200])

    def _statement_times(self, migration: Migration, direction: str,
                         clocks: list[psycopg.Cursor[Any]]) -> None:
        """Per-statement durations of a pipelined migration, from the server's clock read
        between its statements (sent only when someone listens for them)."""
        stamps = [row[0] for cursor in clocks if (row := cursor.fetchone()) is not None]
        for index, (before, after) in enumerate(itertools.pairwise(stamps)):
            self._statement_done(migration, direction, index, (after - before).total_seconds())

    def _timer(self, migration: Migration,
               direction: str) -> Callable[[int, float], None] | None:
        """What execute_all tells of each statement it ran, when anyone listens."""
        if not wants(self.logger, logging.DEBUG):
            return None
        return lambda index, seconds: self._statement_done(migration, direction, index, seconds)

    # ------------------------------------------------------------ non-transactional

    def _in_segments(self, migration: Migration, direction: str) -> None:
        """Run a migration that holds concurrent statements in the order written: each run
        of ordinary statements in one transaction, each concurrent statement on its own
        once its lock is sure to be had.

        The history row is marked dirty by the first segment (inside its transaction, when
        it is one: a failure there leaves nothing behind) and clean by the last (likewise),
        so the row is dirty exactly while part of the migration is applied. Down does the
        same, deleting the row at the end.
        """
        plans = migration.plans(direction)
        segments = segments_of(plans)
        started = time.monotonic()
        for setting in self._fresh_session:  # for a concurrent statement first
            self.connection.execute(setting)
        marked = False  # the row says dirty: part of the migration may be applied
        for position, indices in enumerate(segments):
            first, last = position == 0, position == len(segments) - 1
            done = indices[0]  # statements applied before this segment
            left = (first_part_rolled_back(migration, direction) if first else
                    dirty_left(migration, direction, done))
            try:
                if plans[indices[0]].concurrently:
                    self._wait_for_locks(migration, direction, indices[0], left,
                                         mark_failed=not first)
                    if first:
                        self._mark_started(migration, direction)
                        marked, left = True, dirty_left(migration, direction, 0)
                    self._alone(migration, direction, indices[0], left)
                    if last:
                        self._mark_finished(migration, direction, started)
                else:
                    self._segment(migration, direction, indices, first, last, started, left)
            except MigrationFailed as failure:
                if marked:
                    failure.applied = done
                raise
            marked = True

    def _segment(self, migration: Migration, direction: str, indices: list[int], first: bool,
                 last: bool, started: float, left: str) -> None:
        """One run of ordinary statements in a transaction, tried again when its locks time
        out; the history row's first and last marks go with it."""
        statements = migration.statements(direction)
        attempts = self._attempts()
        while True:
            try:
                with self._transaction(migration):
                    if first:
                        self._mark_started(migration, direction)
                    execute_all(self.connection, statements, indices[0], indices[-1] + 1,
                                self._timer(migration, direction),
                                self._index_builds(migration, direction, local=True))
                    if last:
                        self._mark_finished(migration, direction, started)
                return
            except StatementFailed as failed:
                self._retry_or_raise(migration, direction, failed, attempts, left,
                                     mark_failed=not first)

    def _wait_for_locks(self, migration: Migration, direction: str, index: int, left: str,
                        mark_failed: bool) -> None:
        """Before a statement that runs outside a transaction (CREATE or DROP INDEX
        CONCURRENTLY): take the table locks it takes first, and let them go, in a short
        transaction under lock_timeout, tried again with backoff like any other, so that
        its own wait for them is bounded as well."""
        statement = migration.statements(direction)[index]
        locks = migration.plans(direction)[index].locks
        attempts = self._attempts()
        while locks:
            try:
                with self._transaction(migration):
                    for lock in locks:
                        self.connection.execute(sql.SQL("LOCK TABLE ONLY {} IN {} MODE").format(
                            sql.Identifier(lock.schema, lock.table), sql.SQL(lock.mode)))
                return
            except psycopg.Error as error:
                if self.connection.closed or error.sqlstate not in RETRYABLE:
                    return  # it cannot be asked so (no privilege): the statement waits itself
                self._retry_or_raise(migration, direction,
                                     StatementFailed(index, statement, error), attempts, left,
                                     mark_failed)

    def _alone(self, migration: Migration, direction: str, index: int, left: str) -> None:
        """Run one statement outside any transaction, with no lock_timeout: once it holds
        its lock it blocks no one, and a timeout while it waits for older transactions
        to end would only leave an INVALID index behind."""
        settings = [b"SET lock_timeout = 0"]
        statement_timeout = self._statement_timeout(migration)
        if statement_timeout is not None:
            settings.append(f"SET statement_timeout = '{statement_timeout}ms'".encode())
        tables = migration.plans(direction)[index].locks
        before = self._invalid_indexes(tables)
        try:
            for setting in settings:
                self.connection.execute(setting)
            execute_all(self.connection, migration.statements(direction), index, index + 1,
                        self._timer(migration, direction),
                        self._index_builds(migration, direction, local=False))
        except StatementFailed as failed:
            note = self._mark_failed(migration, failed.statement)
            failure = self._failure(migration, direction, failed, left + concurrent_note(
                failed.statement) + note)
            if not self.connection.closed:
                failure.invalid_indexes = tuple(
                    i for i in self._invalid_indexes(tables) if i not in before)
            raise failure from None
        finally:
            if not self.connection.closed:
                for name in (b"lock_timeout", b"statement_timeout", b"maintenance_work_mem",
                             b"max_parallel_maintenance_workers"):
                    self.connection.execute(b"RESET " + name)

    # ------------------------------------------------------------ index builds

    def _index_builds(self, migration: Migration,
                      direction: str, local: bool) -> Callable[[int], None] | None:
        """What execute_all runs before each statement: an index build's settings."""
        plans = migration.plans(direction)
        if not any(plan.build is not None for plan in plans):
            return None

        def before(index: int) -> None:
            for setting in self._build_settings(migration, direction, index, local):
                self.connection.execute(setting)

        return before

    def _build_settings(self, migration: Migration, direction: str, index: int,
                        local: bool) -> list[bytes]:
        """SET statements for the index build statement `index` runs, read from the server
        now (runner/index_build.py), and told as an event; none for other statements."""
        plan = migration.plans(direction)[index]
        if plan.build is None:
            return []
        found = build_settings(self.connection, plan.locks, plan.build, self.build_limits)
        table = plan.locks[0].relation if plan.locks else "its table"
        if found.warning is not None:
            emit(self.logger, logging.WARNING, "index_memory",
                 f"{migration.version}: building an index on {table}: {found.warning}",
                 version=migration.version, statement_index=index, rows=found.rows,
                 needed_kb=found.needed_kb)
        if found.settings:
            emit(self.logger, logging.INFO, "index_build",
                 f"{migration.version}: building an index on {table} ({found.rows or 0:,}"
                 f" rows) with {found.describe()}", version=migration.version,
                 statement_index=index, rows=found.rows, **found.settings)
        scope = "SET LOCAL" if local else "SET"
        return [f"{scope} {name} = '{value}'".encode() for name, value in found.settings.items()]

    # ------------------------------------------------------------ undo

    def _undo(self, migration: Migration, failure: MigrationFailed) -> MigrationFailed:
        """Undo what a non-transactional migration applied before it failed: drop the
        INVALID indexes its failed concurrent build left, run the Down of each change it
        had applied (in reverse, as Down runs), and remove its history row, so that the
        database is clean at the previous version. Returns the failure, saying so; or, when
        the undo cannot run or fails too, saying exactly what is applied."""
        applied = failure.applied or 0
        undo = migration.undo_of(applied)
        if undo is None:
            return with_left(failure, failure.left + cannot_undo(migration))
        emit(self.logger, NOTICE, "undo_started",
             f"undoing the {applied} statement{'s' * (applied != 1)} of {migration.version}"
             f" applied before it failed", version=migration.version, statements=len(undo))
        try:
            for schema, name in failure.invalid_indexes:
                self.connection.execute(sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}")
                                        .format(sql.Identifier(schema, name)))
            plans = migration.plans("down")
            for offset in segments_of(plans[undo.start:undo.stop]):
                indices = [undo.start + i for i in offset]
                left = undo_failed(migration, failure, indices[0] - undo.start, undo)
                if plans[indices[0]].concurrently:
                    self._wait_for_locks(migration, "down", indices[0], left, mark_failed=True)
                    self._alone(migration, "down", indices[0], left)
                else:
                    self._segment(migration, "down", indices, False, False, 0.0, left)
            self._forget(migration)
        except MigrationFailed as undone:
            emit(self.logger, logging.ERROR, "undo_failed", str(undone).splitlines()[0],
                 version=migration.version, statement_index=undone.index,
                 sqlstate=undone.server.sqlstate)
            return with_left(failure, f"{failure.left}\nUndoing it failed too: {undone}")
        except psycopg.Error as error:
            return with_left(failure, f"{failure.left}\nUndoing it failed too:"
                                      f" {_first_line(error)}")
        emit(self.logger, NOTICE, "undo_finished",
             f"undid {migration.version}: the database is at the previous version",
             version=migration.version)
        return with_left(failure, undone_left(migration, failure, undo))

    def _invalid_indexes(self, locks: Sequence[Lock]) -> tuple[tuple[str, str], ...]:
        """The INVALID indexes on the tables of `locks`, as (schema, name)."""
        if not locks or self.connection.closed:
            return ()
        rows = self.connection.execute(
            "SELECT n.nspname, c.relname FROM pg_index x JOIN pg_class c ON c.oid ="
            " x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT"
            " x.indisvalid AND x.indrelid = ANY(%s::regclass[])",
            [[f'"{lock.schema}"."{lock.table}"' for lock in locks]]).fetchall()
        return tuple((schema, name) for schema, name in rows)

    # ------------------------------------------------------------ lock waits

    @contextlib.contextmanager
    def _transaction(self, migration: Migration) -> Iterator[None]:
        """A transaction of the migration's, its timeouts set first."""
        with self.connection.transaction():
            for setting in self._settings(migration):
                self.connection.execute(setting)
            yield

    def _settings(self, migration: Migration) -> list[bytes]:
        """What starts each transaction of a migration's: the session as pgshift connected
        it (a `SET search_path` or `SET ROLE` in an earlier migration's sql block does not
        reach this one), then SET LOCAL of its header's timeouts, else the run's."""
        lock_timeout = (migration.lock_timeout_ms if migration.lock_timeout_ms is not None
                        else self.timeouts.lock_timeout_ms)
        settings = [*self._fresh_session,
                    f"SET LOCAL pgshift.migration = '{literal(migration.version)}'".encode(),
                    f"SET LOCAL lock_timeout = '{int(lock_timeout)}ms'".encode()]
        statement_timeout = self._statement_timeout(migration)
        if statement_timeout is not None:
            settings.append(f"SET LOCAL statement_timeout = '{statement_timeout}ms'".encode())
        return settings

    def _statement_timeout(self, migration: Migration) -> int | None:
        if migration.statement_timeout_ms is not None:
            return int(migration.statement_timeout_ms)
        if self.timeouts.statement_timeout_ms is not None:
            return int(self.timeouts.statement_timeout_ms)
        return None

    def _lock_timeout(self, migration: Migration) -> int:
        return int(migration.lock_timeout_ms if migration.lock_timeout_ms is not None
                   else self.timeouts.lock_timeout_ms)

    def _attempts(self) -> Attempts:
        return Attempts(self.retry)

    def _retry_or_raise(self, migration: Migration, direction: str, failed: StatementFailed,
                        attempts: Attempts, left: str, mark_failed: bool = False) -> None:
        """After a failed transaction of a migration (rolled back): sleep before another
        attempt when it was a lock timeout or a deadlock and the policy allows one;
        otherwise raise what the user reads, first recording the failing statement in the
        history row when the migration is part-applied (`mark_failed`)."""
        retryable = failed.error.sqlstate in RETRYABLE
        plans = migration.plans(direction)
        locks = plans[failed.index].locks if retryable and failed.index < len(plans) else ()
        found = [b.describe() for b in blockers(self.connection, locks)] if locks else []
        waited = LockWait(migration.version, migration.description, direction,
                          failed.statement, locks, self._lock_timeout(migration), found,
                          failed.error.sqlstate)
        attempt = attempts.made
        delay = attempts.next_delay() if retryable else None
        if delay is not None:
            emit(self.logger, logging.WARNING, "lock_retry", waited.retry_line(attempt, delay),
                 version=migration.version, direction=direction,
                 statement_index=failed.index, attempt=attempt,
                 sqlstate=failed.error.sqlstate, delay_ms=round(delay * 1000),
                 locks=[lock.describe() for lock in locks], blockers=found)
            self._sleep(delay)
            return
        if mark_failed:
            left += self._mark_failed(migration, failed.statement)
        if not retryable:
            raise self._failure(migration, direction, failed, left) from None
        raise LocksUnavailable(waited, attempts.made, attempts.elapsed, failed.index,
                               len(migration.statements(direction)),
                               ServerError.of(failed.error), left) from None

    def _failure(self, migration: Migration, direction: str, failed: StatementFailed,
                 left: str) -> MigrationFailed:
        if self.connection.closed and migration.transactional:
            return ConnectionLost(migration.version, migration.description,
                                  ServerError.of(failed.error))
        statements = migration.statements(direction)
        if failed.index == len(statements) and failed.error.sqlstate == NOT_OURS_SQLSTATE:
            left = TRANSACTION_ENDED  # the history row's guard (_STILL_OURS) refused it
        # Past its statements: its history row, then its COMMIT (a deferred constraint).
        total = len(statements) + (failed.index >= len(statements))
        return MigrationFailed(migration.version, migration.description, direction,
                               min(failed.index, total - 1), total, failed.statement,
                               ServerError.of(failed.error), left)

    # ------------------------------------------------------------ the history row

    def _mark_started(self, migration: Migration, direction: str) -> None:
        """The row says dirty while part of a non-transactional migration is applied."""
        with self._writing_history(migration):
            if direction == "up":
                self._record(migration, True, None)
            else:
                self.connection.execute(sql.SQL("UPDATE {} SET dirty = true WHERE version = %s")
                                        .format(self.table), [migration.version])

    def _mark_finished(self, migration: Migration, direction: str, started: float) -> None:
        with self._writing_history(migration):
            if direction == "up":
                self._record(migration, False, _ms(started))
            else:
                self._forget(migration)

    @contextlib.contextmanager
    def _writing_history(self, migration: Migration | None) -> Iterator[None]:
        """A history write the server refuses (a read-only database, a role without write
        on the table) is a TableError, which says so, not a crash."""
        try:
            yield
        except psycopg.Error as error:
            if self.connection.closed:
                raise
            which = f" for {migration.version}" if migration is not None else ""
            raise TableError(f"cannot write the migration table {self.schema}."
                             f"{self.table_name}{which}: {ServerError.of(error).describe()}"
                             ) from None

    def rollback(self, migration: Migration) -> None:
        assert migration.down_sql is not None
        self._started(migration, "down")
        began = time.monotonic()
        with self._watching():
            self._revert(migration)
        self._finished(migration, "down", time.monotonic() - began)

    def _revert(self, migration: Migration) -> None:
        assert migration.down_sql is not None
        if not migration.transactional:
            self._in_segments(migration, "down")
            return
        attempts = self._attempts()
        while True:
            try:
                with self._transaction(migration):
                    execute_all(self.connection, migration.down_sql, 0, None,
                                self._timer(migration, "down"),
                                self._index_builds(migration, "down", local=True))
                    self._forget(migration)
                return
            except StatementFailed as failed:
                self._retry_or_raise(migration, "down", failed, attempts, still_at(migration))

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
        target = version_key(version) if version is not None else ()
        with self._writing_history(None), self.connection.transaction():
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


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
