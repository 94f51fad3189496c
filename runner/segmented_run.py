"""Running a migration with concurrent statements in segments, and undoing a failed one.

`segments.py` says how such a migration is cut and what a failure at each point leaves;
this runs it. Each run of ordinary statements goes in a transaction of its own, like a
transactional migration's (`Transactions`); each concurrent statement runs alone, outside
any transaction and with no `lock_timeout`, once its table locks were taken and let go
under `lock_timeout`, so that its wait for them is bounded too. The history row is dirty
from the first segment to the last. When one fails part-way, `undo` drops the INVALID
indexes its failed build left and runs the tail of Down that undoes the changes it had
applied, in segments again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from .errors import MigrationFailed, first_line, with_left
from .events import NOTICE, emit
from .locks import Lock
from .migration import Migration, StatementFailed, execute_all
from .segments import (
    cannot_undo,
    concurrent_note,
    dirty_left,
    first_part_rolled_back,
    segments_of,
    undo_failed,
    undone_left,
)
from .transactions import Transactions
from .waits import RETRYABLE


def in_segments(tx: Transactions, migration: Migration, direction: str) -> None:
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
    for setting in tx.fresh_session:  # for a concurrent statement first
        tx.connection.execute(setting)
    marked = False  # the row says dirty: part of the migration may be applied
    for position, indices in enumerate(segments):
        first, last = position == 0, position == len(segments) - 1
        done = indices[0]  # statements applied before this segment
        left = (first_part_rolled_back(migration, direction) if first else
                dirty_left(migration, direction, done))
        try:
            if plans[indices[0]].concurrently:
                _wait_for_locks(tx, migration, direction, indices[0], left,
                                mark_failed=not first)
                if first:
                    tx.history.mark_started(migration, direction)
                    marked, left = True, dirty_left(migration, direction, 0)
                _alone(tx, migration, direction, indices[0], left)
                if last:
                    tx.history.mark_finished(migration, direction, started)
            else:
                _segment(tx, migration, direction, indices, first, last, started, left)
        except MigrationFailed as failure:
            if marked:
                failure.applied = done
            raise
        marked = True


def _segment(tx: Transactions, migration: Migration, direction: str, indices: list[int],
             first: bool, last: bool, started: float, left: str) -> None:
    """One run of ordinary statements in a transaction, tried again when its locks time
    out; the history row's first and last marks go with it."""
    statements = migration.statements(direction)
    attempts = tx.attempts()
    while True:
        try:
            with tx.transaction(migration):
                if first:
                    tx.history.mark_started(migration, direction)
                execute_all(tx.connection, statements, indices[0], indices[-1] + 1,
                            tx.events.timer(migration, direction),
                            tx.index_builds(migration, direction, local=True))
                if last:
                    tx.history.mark_finished(migration, direction, started)
            return
        except StatementFailed as failed:
            tx.retry_or_raise(migration, direction, failed, attempts, left,
                              mark_failed=not first)


def _wait_for_locks(tx: Transactions, migration: Migration, direction: str, index: int,
                    left: str, mark_failed: bool) -> None:
    """Before a statement that runs outside a transaction (CREATE or DROP INDEX
    CONCURRENTLY, DETACH PARTITION CONCURRENTLY): take the table locks it takes first, and
    let them go, in a short transaction under lock_timeout, tried again with backoff like
    any other, so that its own wait for them is bounded as well."""
    statement = migration.statements(direction)[index]
    locks = migration.plans(direction)[index].locks
    attempts = tx.attempts()
    while locks:
        try:
            with tx.transaction(migration):
                for lock in locks:
                    tx.connection.execute(sql.SQL("LOCK TABLE ONLY {} IN {} MODE").format(
                        sql.Identifier(lock.schema, lock.table), sql.SQL(lock.mode)))
            return
        except psycopg.Error as error:
            if tx.connection.closed or error.sqlstate not in RETRYABLE:
                return  # it cannot be asked so (no privilege): the statement waits itself
            tx.retry_or_raise(migration, direction, StatementFailed(index, statement, error),
                              attempts, left, mark_failed)


def _alone(tx: Transactions, migration: Migration, direction: str, index: int,
           left: str) -> None:
    """Run one statement outside any transaction, with no lock_timeout: once it holds
    its lock it blocks no one, and a timeout while it waits for older transactions
    to end would only leave an INVALID index (a partition "detach pending") behind."""
    connection = tx.connection
    settings = [b"SET lock_timeout = 0"]
    statement_timeout = tx.statement_timeout(migration)
    if statement_timeout is not None:
        settings.append(f"SET statement_timeout = '{statement_timeout}ms'".encode())
    tables = migration.plans(direction)[index].locks
    before = _invalid_indexes(connection, tables)
    try:
        for setting in settings:
            connection.execute(setting)
        execute_all(connection, migration.statements(direction), index, index + 1,
                    tx.events.timer(migration, direction),
                    tx.index_builds(migration, direction, local=False))
    except StatementFailed as failed:
        note = tx.history.mark_failed(migration, failed.statement)
        failure = tx.failure(migration, direction, failed, left + concurrent_note(
            failed.statement) + note)
        if not connection.closed:
            failure.invalid_indexes = tuple(
                i for i in _invalid_indexes(connection, tables) if i not in before)
        raise failure from None
    finally:
        if not connection.closed:
            for name in (b"lock_timeout", b"statement_timeout", b"maintenance_work_mem",
                         b"max_parallel_maintenance_workers"):
                connection.execute(b"RESET " + name)


def _invalid_indexes(connection: psycopg.Connection[Any],
                     locks: Sequence[Lock]) -> tuple[tuple[str, str], ...]:
    """The INVALID indexes on the tables of `locks`, as (schema, name)."""
    if not locks or connection.closed:
        return ()
    rows = connection.execute(
        "SELECT n.nspname, c.relname FROM pg_index x JOIN pg_class c ON c.oid ="
        " x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT"
        " x.indisvalid AND x.indrelid = ANY(%s::regclass[])",
        [[f'"{lock.schema}"."{lock.table}"' for lock in locks]]).fetchall()
    return tuple((schema, name) for schema, name in rows)


def undo(tx: Transactions, migration: Migration, failure: MigrationFailed) -> MigrationFailed:
    """Undo what a non-transactional migration applied before it failed: drop the
    INVALID indexes its failed concurrent build left, run the Down of each change it
    had applied (in reverse, as Down runs), and remove its history row, so that the
    database is clean at the previous version. Returns the failure, saying so; or, when
    the undo cannot run or fails too, saying exactly what is applied."""
    applied = failure.applied or 0
    tail = migration.undo_of(applied)
    if tail is None:
        return with_left(failure, failure.left + cannot_undo(migration))
    emit(tx.logger, NOTICE, "undo_started",
         f"undoing the {applied} statement{'s' * (applied != 1)} of {migration.version}"
         f" applied before it failed", version=migration.version, statements=len(tail))
    try:
        for schema, name in failure.invalid_indexes:
            tx.connection.execute(sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}")
                                  .format(sql.Identifier(schema, name)))
        plans = migration.plans("down")
        for offset in segments_of(plans[tail.start:tail.stop]):
            indices = [tail.start + i for i in offset]
            left = undo_failed(migration, failure, indices[0] - tail.start, tail)
            if plans[indices[0]].concurrently:
                _wait_for_locks(tx, migration, "down", indices[0], left, mark_failed=True)
                _alone(tx, migration, "down", indices[0], left)
            else:
                _segment(tx, migration, "down", indices, False, False, 0.0, left)
        tx.history.forget(migration)
    except MigrationFailed as undone:
        emit(tx.logger, logging.ERROR, "undo_failed", str(undone).splitlines()[0],
             version=migration.version, statement_index=undone.index,
             sqlstate=undone.server.sqlstate)
        return with_left(failure, f"{failure.left}\nUndoing it failed too: {undone}")
    except psycopg.Error as error:
        return with_left(failure, f"{failure.left}\nUndoing it failed too:"
                                  f" {first_line(error)}")
    emit(tx.logger, NOTICE, "undo_finished",
         f"undid {migration.version}: the database is at the previous version",
         version=migration.version)
    return with_left(failure, undone_left(migration, failure, tail))
