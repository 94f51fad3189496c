"""`PostgresMigrator`: the Migrator protocol over psycopg 3 and a session advisory lock.

The migrator only puts together what each job needs and says which way a migration runs;
the jobs are modules of their own: the history table (`history.py`), the migration lock
(`advisory_lock.py`), what starts and follows each of a migration's transactions
(`transactions.py`), transactional migrations, pipelined or `--atomic`
(`transactional_run.py`), the others in segments with their undo (`segmented_run.py`),
and the events a run tells (`run_events.py`).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import sql

from . import segmented_run, transactional_run
from .advisory_lock import MigrationLock
from .advisory_lock import lock_key as lock_key  # re-exported: its home before
from .errors import ConnectionFailed, MigrationFailed, first_line
from .history import HistoryTable
from .index_build import BuildLimits
from .index_progress import IndexProgressWatcher
from .migration import Migration
from .protocol import AppliedMigration, VersionState
from .run_events import RunEvents
from .session_sql import default_connect_timeout, session_settings
from .table_name import DEFAULT_TABLE as DEFAULT_TABLE  # re-exported: its home before
from .table_name import split_table_name as split_table_name
from .transactions import Transactions
from .urls import mask_password
from .waits import RetryPolicy, Timeouts


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
        self.lock_key = lock_key(connection.info.dbname, self.schema, self.table_name)
        self.history = HistoryTable(connection, self.schema, self.table_name)
        self.lock = MigrationLock(connection, self.lock_key, self.logger)
        self.events = RunEvents(self.logger)
        self.transactions = Transactions(connection, self.history, self.events, self.timeouts,
                                         self.retry, self.build_limits, sleep)

    @classmethod
    def connect(cls, url: str, table: str = DEFAULT_TABLE, application_name: str = "pgshift",
                **options: Any) -> PostgresMigrator:
        """Connect to `url`; `options` are the constructor's (timeouts, retry, logger)."""
        try:
            connection = psycopg.connect(url, autocommit=True, application_name=application_name,
                                         **default_connect_timeout(url))
        except psycopg.Error as error:
            message = f"cannot connect to the database: {first_line(error)}"
            raise ConnectionFailed(mask_password(message, url)) from None
        for setting in session_settings(connection.info.server_version):
            connection.execute(setting)  # a new session needs no RESET: only the settings
        return cls(connection, table, **options)

    def close(self) -> None:
        self.connection.close()

    # ------------------------------------------------------------ the history table

    def ensure_table(self) -> None:
        self.history.ensure(self.lock_key ^ 1)

    def applied(self) -> list[AppliedMigration]:
        """The history, read under a bounded lock wait: a session holding the table in
        ACCESS EXCLUSIVE (a LOCK TABLE, a VACUUM FULL) is named instead of waited for."""
        return self.history.read()

    def current_version(self) -> VersionState:
        applied = self.applied()
        return VersionState(applied[-1].version if applied else None,
                            any(a.dirty for a in applied))

    def settle(self, version: str, applied: bool,
               invalid_indexes: Sequence[tuple[str, str]] = ()) -> None:
        """Repair a dirty version pgshift found to be wholly applied (its row marked clean)
        or not at all (its row removed: it is pending again), dropping first the INVALID
        indexes a failed concurrent build left."""
        self.history.settle(version, applied, invalid_indexes)

    def force(self, version: str | None, migrations: list[Migration]) -> None:
        self.history.force(version, migrations)

    # ------------------------------------------------------------ the lock

    def holder(self) -> str:
        """Who holds our advisory lock, for the message that says another instance does."""
        return self.lock.holder()

    def acquire_lock(self, wait: float | None = None) -> None:
        self.lock.acquire(wait)

    def release_lock(self) -> None:
        self.lock.release()

    # ------------------------------------------------------------ applying and reverting

    def migrate(self, migration: Migration) -> None:
        self.migrate_many([migration])

    def migrate_many(self, migrations: Sequence[Migration],
                     starting: Callable[[Migration], None] | None = None) -> None:
        """Apply in order, stopping at the first failure: consecutive transactional
        migrations one round trip each (`transactional_run`), a non-transactional one in
        segments (`segmented_run`); a long index build's progress is reported."""
        with self._watching():
            self._migrate_many(migrations, starting)

    def migrate_atomically(self, migrations: Sequence[Migration],
                           starting: Callable[[Migration], None] | None = None) -> None:
        """All of them in one transaction, each with its own timeouts (SET LOCAL again
        before each) and history row; a lock timeout retries the whole of it."""
        transactional_run.apply_atomically(self.transactions, migrations, starting)

    def _watching(self) -> IndexProgressWatcher:
        return self.events.watching(self.connection)

    def _migrate_many(self, migrations: Sequence[Migration],
                      starting: Callable[[Migration], None] | None) -> None:
        index = 0
        while index < len(migrations):
            migration = migrations[index]
            if not migration.transactional:
                if starting is not None:
                    starting(migration)
                self.events.started(migration, "up")
                began = time.monotonic()
                try:
                    segmented_run.in_segments(self.transactions, migration, "up")
                except MigrationFailed as failure:
                    if self.undo and failure.applied is not None:
                        raise segmented_run.undo(self.transactions, migration,
                                                 failure) from None
                    raise
                self.events.finished(migration, "up", time.monotonic() - began)
                index += 1
                continue
            run = list(itertools.takewhile(lambda m: m.transactional, migrations[index:]))
            transactional_run.apply_run(self.transactions, run, starting)
            index += len(run)

    def rollback(self, migration: Migration) -> None:
        assert migration.down_sql is not None
        self.events.started(migration, "down")
        began = time.monotonic()
        with self._watching():
            if migration.transactional:
                transactional_run.revert(self.transactions, migration)
            else:
                segmented_run.in_segments(self.transactions, migration, "down")
        self.events.finished(migration, "down", time.monotonic() - began)
