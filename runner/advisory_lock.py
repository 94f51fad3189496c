"""The migration lock: a session advisory lock, one per database and history table.

Two instances applying migrations to one database at once would run a migration twice or
interleave two, so the Manager holds this lock for the whole of a run (`Manager.locked`);
a second instance stops, or polls for a while, and is told which session holds it. The
key is hashed from the database's and the history table's names (as golang-migrate's
`GenerateAdvisoryLockId`), so projects with history tables of their own never share a
lock.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

import psycopg

from .errors import LockError, LockHeld, LockReleaseError, first_line
from .events import NOTICE, emit

POLL_SECONDS = 0.2


def lock_key(database: str, schema: str, table: str) -> int:
    """A signed 64-bit advisory lock key from the database and the history table's name."""
    digest = hashlib.sha256(f"pgshift\0{database}\0{schema}.{table}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class MigrationLock:
    """The advisory lock `key`, taken and given back on the migrator's own session."""

    def __init__(self, connection: psycopg.Connection[Any], key: int,
                 logger: logging.Logger) -> None:
        self.connection = connection
        self.key = key
        self.logger = logger

    def holder(self) -> str:
        """Who holds our advisory lock, for the message that says another instance does."""
        classid, objid = (self.key >> 32) & 0xFFFFFFFF, self.key & 0xFFFFFFFF
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

    def acquire(self, wait: float | None = None) -> None:
        """Take the lock; with `wait`, poll for up to that many seconds, saying once whom
        it waits for."""
        deadline = time.monotonic() + (wait or 0)
        polled = False
        try:
            while True:
                row = self.connection.execute("SELECT pg_try_advisory_lock(%s)",
                                              [self.key]).fetchone()
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
            raise LockError(f"cannot take the migration lock: {first_line(error)}") from None

    def release(self) -> None:
        try:
            row = self.connection.execute("SELECT pg_advisory_unlock(%s)",
                                          [self.key]).fetchone()
        except psycopg.Error as error:
            raise LockReleaseError(f"cannot release the migration lock: {first_line(error)}"
                                   " (it is freed when this session ends)") from None
        if not (row and row[0]):
            raise LockReleaseError("the migration lock was not held by this session when it"
                                   " was to be released")
