"""A migration's transactions: what each starts with, and what follows one that failed.

Both ways of running a migration, whole transactions (`transactional_run.py`) and
segments (`segmented_run.py`), open transactions the same way: the session as pgshift
connected it, then SET LOCAL of the migration's timeouts, and before an index build the
memory and workers it is given. After a failure both do the same: roll back, say who held
the locks, pause and try again within the retry policy (`waits.py`), or raise what the
user reads. `Transactions` holds what that needs, the migrator's connection, history
table, events and settings, and is what those two modules are given.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

import psycopg

from .blockers import blockers
from .errors import ConnectionLost, LocksUnavailable, LockWait, MigrationFailed, ServerError
from .events import emit
from .history import HistoryTable
from .index_build import BuildLimits, build_settings
from .migration import Migration, StatementFailed
from .run_events import RunEvents
from .session_sql import (
    NOT_OURS_SQLSTATE,
    RESETS,
    TRANSACTION_ENDED,
    literal,
    session_settings,
)
from .waits import RETRYABLE, Attempts, RetryPolicy, Timeouts


class Transactions:
    """A migrator's connection with its history table, events, timeouts, retry policy and
    index build limits; `sleep` is the pause between attempts."""

    def __init__(self, connection: psycopg.Connection[Any], history: HistoryTable,
                 events: RunEvents, timeouts: Timeouts, retry: RetryPolicy,
                 build_limits: BuildLimits, sleep: Callable[[float], None]) -> None:
        self.connection = connection
        self.history = history
        self.events = events
        self.logger = events.logger
        self.timeouts = timeouts
        self.retry = retry
        self.build_limits = build_limits
        self.sleep = sleep
        self.fresh_session = [*RESETS, *session_settings(connection.info.server_version)]

    # ------------------------------------------------------------ starting one

    @contextlib.contextmanager
    def transaction(self, migration: Migration) -> Iterator[None]:
        """A transaction of the migration's, its timeouts set first."""
        with self.connection.transaction():
            for setting in self.settings(migration):
                self.connection.execute(setting)
            yield

    def settings(self, migration: Migration) -> list[bytes]:
        """What starts each transaction of a migration's: the session as pgshift connected
        it (a `SET search_path` or `SET ROLE` in an earlier migration's sql block does not
        reach this one), then SET LOCAL of its header's timeouts, else the run's."""
        lock_timeout = (migration.lock_timeout_ms if migration.lock_timeout_ms is not None
                        else self.timeouts.lock_timeout_ms)
        settings = [*self.fresh_session,
                    f"SET LOCAL pgshift.migration = '{literal(migration.version)}'".encode(),
                    f"SET LOCAL lock_timeout = '{int(lock_timeout)}ms'".encode()]
        statement_timeout = self.statement_timeout(migration)
        if statement_timeout is not None:
            settings.append(f"SET LOCAL statement_timeout = '{statement_timeout}ms'".encode())
        return settings

    def statement_timeout(self, migration: Migration) -> int | None:
        if migration.statement_timeout_ms is not None:
            return int(migration.statement_timeout_ms)
        if self.timeouts.statement_timeout_ms is not None:
            return int(self.timeouts.statement_timeout_ms)
        return None

    def lock_timeout(self, migration: Migration) -> int:
        return int(migration.lock_timeout_ms if migration.lock_timeout_ms is not None
                   else self.timeouts.lock_timeout_ms)

    def index_builds(self, migration: Migration,
                     direction: str, local: bool) -> Callable[[int], None] | None:
        """What execute_all runs before each statement: an index build's settings."""
        plans = migration.plans(direction)
        if not any(plan.build is not None for plan in plans):
            return None

        def before(index: int) -> None:
            for setting in self.build_settings(migration, direction, index, local):
                self.connection.execute(setting)

        return before

    def build_settings(self, migration: Migration, direction: str, index: int,
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

    # ------------------------------------------------------------ after a failure

    def attempts(self) -> Attempts:
        return Attempts(self.retry)

    def retry_or_raise(self, migration: Migration, direction: str, failed: StatementFailed,
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
                          failed.statement, locks, self.lock_timeout(migration), found,
                          failed.error.sqlstate)
        attempt = attempts.made
        delay = attempts.next_delay() if retryable else None
        if delay is not None:
            emit(self.logger, logging.WARNING, "lock_retry", waited.retry_line(attempt, delay),
                 version=migration.version, direction=direction,
                 statement_index=failed.index, attempt=attempt,
                 sqlstate=failed.error.sqlstate, delay_ms=round(delay * 1000),
                 locks=[lock.describe() for lock in locks], blockers=found)
            self.sleep(delay)
            return
        if mark_failed:
            left += self.history.mark_failed(migration, failed.statement)
        if not retryable:
            raise self.failure(migration, direction, failed, left) from None
        raise LocksUnavailable(waited, attempts.made, attempts.elapsed, failed.index,
                               len(migration.statements(direction)),
                               ServerError.of(failed.error), left) from None

    def failure(self, migration: Migration, direction: str, failed: StatementFailed,
                left: str) -> MigrationFailed:
        """The error a failed statement of the migration is reported as."""
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
