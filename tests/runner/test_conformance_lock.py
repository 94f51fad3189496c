"""Migrator conformance: the migration lock. Acquire and release, LockHeld naming the
holder, a bounded wait, releasing a lock not held, and one lock per history table.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest

from pgshift.runner.errors import LockHeld, LockReleaseError
from pgshift.runner.postgres import PostgresMigrator, lock_key
from tests.runner import runner_support as support
from tests.runner.conformance_support import Subject, conforming


def advisory_holders(admin: psycopg.Connection[Any]) -> list[int]:
    rows = admin.execute("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                         " AND database = (SELECT oid FROM pg_database"
                         " WHERE datname = current_database())").fetchall()
    return [int(row[0]) for row in rows]


def test_acquire_and_release_lock(subject: Subject) -> None:
    instance = subject.make("holder")
    migrator = conforming(instance)
    migrator.ensure_table()

    migrator.acquire_lock()
    assert advisory_holders(subject.admin) == [instance.connection.info.backend_pid]
    migrator.release_lock()
    assert advisory_holders(subject.admin) == []
    migrator.acquire_lock()
    migrator.release_lock()


def test_second_instance_gets_lock_held_naming_the_holder(subject: Subject) -> None:
    holder = subject.make("deploy-job-7")
    conforming(holder).ensure_table()
    conforming(holder).acquire_lock()
    other = conforming(subject.make("other"))

    with pytest.raises(LockHeld) as raised:
        other.acquire_lock()

    message = str(raised.value)
    assert int(raised.value.exit_code) == 10
    assert "another instance is migrating" in message
    assert str(holder.connection.info.backend_pid) in message
    assert "deploy-job-7" in message
    assert advisory_holders(subject.admin) == [holder.connection.info.backend_pid]


def test_wait_takes_the_lock_once_the_holder_releases_it(subject: Subject) -> None:
    first, second = conforming(subject.make("first")), conforming(subject.make("second"))
    first.ensure_table()
    first.acquire_lock()

    def release_soon() -> None:
        time.sleep(0.3)
        first.release_lock()

    releaser = threading.Thread(target=release_soon)
    releaser.start()
    try:
        second.acquire_lock(wait=1.5)
    finally:
        releaser.join()

    with pytest.raises(LockHeld):
        first.acquire_lock()
    second.release_lock()


def test_wait_is_bounded(subject: Subject) -> None:
    first, second = conforming(subject.make("first")), conforming(subject.make("second"))
    first.ensure_table()
    first.acquire_lock()

    with pytest.raises(LockHeld, match="another instance is migrating"):
        second.acquire_lock(wait=0.3)
    first.release_lock()


def test_release_when_not_held(subject: Subject) -> None:
    migrator = conforming(subject.make("nobody"))
    migrator.ensure_table()

    with pytest.raises(LockReleaseError) as raised:
        migrator.release_lock()
    assert int(raised.value.exit_code) == 15


def test_release_does_not_take_anothers_lock(subject: Subject) -> None:
    holder, other = subject.make("holder"), conforming(subject.make("other"))
    conforming(holder).ensure_table()
    conforming(holder).acquire_lock()

    with pytest.raises(LockReleaseError):
        other.release_lock()
    assert advisory_holders(subject.admin) == [holder.connection.info.backend_pid]


def test_lock_is_per_history_table(database_url: str) -> None:
    with support.connect(database_url) as admin:
        admin.execute("CREATE SCHEMA ops")
    default = PostgresMigrator.connect(database_url)
    spelled_out = PostgresMigrator.connect(database_url, "schema_migrations")
    ops = PostgresMigrator.connect(database_url, "ops.migrations")
    try:
        assert default.lock_key == spelled_out.lock_key
        assert default.lock_key == lock_key(default.connection.info.dbname, "public",
                                            "schema_migrations")
        default.acquire_lock()
        ops.acquire_lock()  # another history table: another lock
        with pytest.raises(LockHeld):
            spelled_out.acquire_lock()  # the same table, spelled without its schema
        ops.release_lock()
        default.release_lock()
    finally:
        for instance in (default, spelled_out, ops):
            instance.close()
