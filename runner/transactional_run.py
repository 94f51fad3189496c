"""Transactional migrations: each in one transaction with its history row, all or nothing.

Consecutive ones go through one psycopg pipeline, a round trip each, every COMMIT sent
only once its migration's statements have all succeeded (`_in_turn` says why, and
docs/architecture.md, "runner/", how it was chosen); a migration the pipeline cannot
carry runs by itself, statement by statement. `--atomic` runs them all in a single
transaction. A transaction that times out waiting for its locks is rolled back and sent
again (`Transactions.retry_or_raise`). Non-transactional migrations are
`segmented_run.py`'s.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from .errors import ConnectionLost, ServerError
from .migration import Migration, StatementFailed, execute_all
from .segments import NOTHING_REMAINS, statement_at, still_at
from .transactions import Transactions
from .waits import Attempts

_CLOCK = b"SELECT clock_timestamp()"


def apply_run(tx: Transactions, run: list[Migration],
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
            tx.events.started(migration, "up")

    while done < len(run):
        committed, failed = _in_turn(tx, run[done:], announce)
        if committed or attempts is None:  # another migration than the last to fail
            attempts = tx.attempts()
        done += committed
        if failed is not None:
            tx.retry_or_raise(run[done], "up", failed, attempts, NOTHING_REMAINS)


def _in_turn(tx: Transactions, run: list[Migration],
             starting: Callable[[Migration], None] | None,
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
        return _by_itself(tx, run[0], starting)
    run = list(itertools.takewhile(lambda m: m.pipelinable, run))
    connection, events = tx.connection, tx.events
    commits = []
    sent: list[list[psycopg.Cursor[Any]]] = []
    timed = events.timed()  # per-statement durations, from the server
    # Index builds' settings are read from the server before the pipeline starts.
    builds = {(m.version, index): tx.build_settings(m, "up", index, local=True)
              for m in run for index, plan in enumerate(m.plans("up"))
              if plan.build is not None}
    took: list[float] = []  # each migration's: from its BEGIN sent to its results read
    try:
        with connection.pipeline() as pipeline:
            for number, migration in enumerate(run):
                if starting is not None:
                    starting(migration)
                if number:
                    commits.append(connection.execute(b"COMMIT"))
                began = time.monotonic()
                connection.execute(b"BEGIN")
                for setting in tx.settings(migration):
                    connection.execute(setting)
                clocks = [connection.execute(_CLOCK)] if timed else []
                # Known before the statements go: psycopg may read results, and raise a
                # failure, while it still sends, before this loop is done.
                cursors: list[psycopg.Cursor[Any]] = []
                sent.append(cursors)
                for index, statement in enumerate(migration.up_sql):
                    for setting in builds.get((migration.version, index), ()):
                        connection.execute(setting)
                    cursors.append(connection.execute(statement.encode()))
                    if timed:
                        clocks.append(connection.execute(_CLOCK))
                cursors.append(connection.execute(tx.history.statements.upsert_timed, [
                    migration.version, migration.description, migration.checksum,
                    migration.version]))
                pipeline.sync()
                took.append(time.monotonic() - began)
                if number:  # the one before has its COMMIT's result now
                    events.finished(run[number - 1], "up", took[number - 1])
                if timed:
                    events.statement_times(migration, "up", clocks)
            commits.append(connection.execute(b"COMMIT"))
        events.finished(run[-1], "up", took[-1])
    except psycopg.Error as error:
        committed = sum(1 for _ in itertools.takewhile(
            lambda cursor: cursor.statusmessage == "COMMIT", commits))
        if connection.closed:
            lost = run[min(committed, len(run) - 1)]
            raise ConnectionLost(lost.version, lost.description,
                                 ServerError.of(error)) from None
        if connection.info.transaction_status == TransactionStatus.INERROR:
            connection.execute("ROLLBACK")
        failing = run[committed]
        cursors = sent[committed] if committed < len(sent) else []
        index = next((i for i, cursor in enumerate(cursors) if cursor.statusmessage is None),
                     len(cursors))
        text = statement_at(failing.up_sql, index, tx.history.row_text)
        return committed, StatementFailed(index, text, error)
    return len(run), None


def _by_itself(tx: Transactions, migration: Migration,
               starting: Callable[[Migration], None] | None,
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
        with tx.connection.transaction():
            for setting in tx.settings(migration):
                tx.connection.execute(setting)
            execute_all(tx.connection, statements, 0, None, tx.events.timer(migration, "up"),
                        tx.index_builds(migration, "up", local=True))
            tx.history.record(migration, False, None, in_transaction=True)
            position += 1
    except StatementFailed as failed:
        return 0, failed
    except psycopg.Error as error:
        if tx.connection.closed:
            raise ConnectionLost(migration.version, migration.description,
                                 ServerError.of(error)) from None
        return 0, StatementFailed(position, statement_at(statements, position,
                                                         tx.history.row_text), error)
    tx.events.finished(migration, "up", time.monotonic() - began)
    return 1, None


def apply_atomically(tx: Transactions, migrations: Sequence[Migration],
                     starting: Callable[[Migration], None] | None) -> None:
    """All of them in one transaction, each with its own timeouts (SET LOCAL again
    before each) and history row; a lock timeout retries the whole of it."""
    for migration in migrations:
        if starting is not None:
            starting(migration)
        tx.events.started(migration, "up")
    attempts = tx.attempts()
    left = ("--atomic: they ran in one transaction, which was rolled back: nothing of them"
            " remains and the database is still at the version before them.")
    with tx.events.watching(tx.connection):
        while True:
            current = migrations[0]
            try:
                with tx.connection.transaction():
                    for current in migrations:
                        for setting in tx.settings(current):
                            tx.connection.execute(setting)
                        execute_all(tx.connection, current.up_sql, 0, None,
                                    tx.events.timer(current, "up"),
                                    tx.index_builds(current, "up", local=True))
                        try:
                            tx.history.record(current, False, None, in_transaction=True)
                        except psycopg.Error as error:
                            raise StatementFailed(len(current.up_sql), tx.history.row_text,
                                                  error) from error
                return
            except StatementFailed as failed:
                tx.retry_or_raise(current, "up", failed, attempts, left)


def revert(tx: Transactions, migration: Migration) -> None:
    """A transactional migration's Down in one transaction that removes its history row."""
    assert migration.down_sql is not None
    attempts = tx.attempts()
    while True:
        try:
            with tx.transaction(migration):
                execute_all(tx.connection, migration.down_sql, 0, None,
                            tx.events.timer(migration, "down"),
                            tx.index_builds(migration, "down", local=True))
                tx.history.forget(migration)
            return
        except StatementFailed as failed:
            tx.retry_or_raise(migration, "down", failed, attempts, still_at(migration))
