"""Manager.run when a migration fails: the run stops at the failing migration and names
it, keeps what came before, leaves a dirty database to be repaired and forced, and frees the
migration lock for the next instance.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pgshift.runner.errors import DirtyDatabase, MigrationFailed
from pgshift.runner.manager import Manager
from tests.runner import runner_support as support
from tests.runner.manager_support import log_of, logged

migration = support.migration


def test_failed_migration_stops_the_run(manager: Manager, admin: psycopg.Connection[Any],
                                        database_url: str) -> None:
    steps = [*logged("0.0.2"), migration("0.0.3", "CREATE TABLE t (id int)", "SELECT 1 / 0"),
             migration("0.0.4", "CREATE TABLE after (id int)")]

    with pytest.raises(MigrationFailed) as raised:
        manager.run(steps)

    assert int(raised.value.exit_code) == 14
    assert "0.0.3" in str(raised.value)
    assert support.versions(admin) == ["0.0.1", "0.0.2"]
    assert not support.table_exists(admin, "public.t")
    assert not support.table_exists(admin, "public.after")
    assert support.lock_is_free(database_url)

    fixed = [*steps[:2], migration("0.0.3", "CREATE TABLE t (id int)"), steps[3]]
    assert [m.version for m in manager.run(fixed)] == ["0.0.3", "0.0.4"]


def test_a_failure_at_commit_is_named_and_stops_the_run(
        manager: Manager, admin: psycopg.Connection[Any], database_url: str) -> None:
    """A deferred constraint fails only at COMMIT, which is sent with the next migration's
    statements: the run must still name the migration that failed, keep the ones before
    it, and run nothing after it."""
    steps = [
        *logged("0.0.2"),
        migration("0.0.3", "CREATE TABLE parent (id int PRIMARY KEY)",
                  "CREATE TABLE child (parent_id int REFERENCES parent"
                  " DEFERRABLE INITIALLY DEFERRED)",
                  "INSERT INTO child VALUES (1)"),
        migration("0.0.4", "CREATE TABLE after (id int)"),
    ]

    with pytest.raises(MigrationFailed) as raised:
        manager.run(steps)

    message = str(raised.value)
    assert "migration 0.0.3" in message
    assert "statement 4 of 4" in message
    assert "COMMIT" in message
    assert "23503" in message
    assert "nothing of it remains" in message
    assert support.versions(admin) == ["0.0.1", "0.0.2"]
    assert not support.table_exists(admin, "public.parent")
    assert not support.table_exists(admin, "public.after")
    assert support.lock_is_free(database_url)


def test_a_failure_deep_in_a_long_run_keeps_everything_before_it(
        manager: Manager, admin: psycopg.Connection[Any], database_url: str) -> None:
    steps = logged(*[f"0.0.{n}" for n in range(2, 12)])
    steps[6] = migration("0.0.7", "INSERT INTO log (entry) VALUES ('up 0.0.7')",
                         "INSERT INTO missing VALUES (1)")

    with pytest.raises(MigrationFailed) as raised:
        manager.run(steps)

    assert "migration 0.0.7" in str(raised.value)
    assert "INSERT INTO missing VALUES (1)" in str(raised.value)
    assert "statement 2 of 2" in str(raised.value)
    assert "42P01" in str(raised.value)
    assert support.versions(admin) == [f"0.0.{n}" for n in range(1, 7)]
    assert log_of(admin) == [f"up 0.0.{n}" for n in range(2, 7)]
    assert support.lock_is_free(database_url)


def test_dirty_database_stops_before_touching_anything(
        manager: Manager, admin: psycopg.Connection[Any], database_url: str) -> None:
    broken = migration("0.0.2", "CREATE TABLE first_half (id int)", "SELECT 1 / 0",
                       transactional=False)
    with pytest.raises(MigrationFailed):
        manager.run([*logged(), broken])
    before = support.state_of(admin)

    repaired = migration("0.0.2", "CREATE TABLE first_half (id int)", transactional=False)
    with pytest.raises(DirtyDatabase) as raised:
        manager.run([*logged(), repaired, migration("0.0.3", "CREATE TABLE later (id int)")])

    text = str(raised.value)
    assert int(raised.value.exit_code) == 13
    assert "dirty at version 0.0.2" in text
    assert "SELECT 1 / 0" in text, "the statement that failed is named"
    assert "force" in text
    with pytest.raises(DirtyDatabase):
        manager.rollback([*logged(), repaired])
    assert support.state_of(admin) == before
    assert support.lock_is_free(database_url)

    # repaired by hand (the first half undone), recorded with force, then run again
    admin.execute("DROP TABLE first_half")
    manager.force([*logged(), repaired], "0.0.1")
    assert [m.version for m in manager.run([*logged(), repaired])] == ["0.0.2"]
    assert [(r["version"], r["dirty"]) for r in support.history(admin)] == [
        ("0.0.1", False), ("0.0.2", False)]


def test_connection_lost_in_a_transactional_migration(
        manager: Manager, admin: psycopg.Connection[Any], database_url: str) -> None:
    steps = [*logged("0.0.2"), migration("0.0.3", "CREATE TABLE t (id int)",
                                         "SELECT pg_terminate_backend(pg_backend_pid())")]

    with pytest.raises(MigrationFailed) as raised:
        manager.run(steps)

    assert "0.0.3" in str(raised.value)
    # Its statements go in one pipelined round trip, so a lost connection may not say which
    # statement it was; it must say the connection was lost and that nothing remains.
    assert "57P01" in str(raised.value) or "connection" in str(raised.value)
    assert "nothing of it remains" in str(raised.value)
    # The lock went with the session: no second message about releasing it.
    assert "the migration lock ended with the session" in str(raised.value)
    assert getattr(raised.value, "__notes__", []) == []
    assert support.versions(admin) == ["0.0.1", "0.0.2"]
    assert not support.table_exists(admin, "public.t")
    assert support.lock_is_free(database_url)


def test_connection_lost_in_a_non_transactional_migration(
        manager: Manager, admin: psycopg.Connection[Any], database_url: str) -> None:
    failing = "SELECT pg_terminate_backend(pg_backend_pid())"
    steps = [*logged("0.0.2"), migration("0.0.3", "CREATE TABLE t (id int)", failing,
                                         transactional=False)]

    with pytest.raises(MigrationFailed) as raised:
        manager.run(steps)

    assert "0.0.3" in str(raised.value)
    assert failing in str(raised.value)
    assert "57P01" in str(raised.value)
    assert [(r["version"], r["dirty"]) for r in support.history(admin)][-1] == ("0.0.3", True)
    assert support.lock_is_free(database_url)
