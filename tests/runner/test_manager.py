"""Manager.run / rollback / force end to end on a real PostgreSQL + pgvector database.

Each failure must stop before touching anything it should not, raise the error whose exit
code the CLI reports, and leave the migration lock free for the next instance.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pgshift.runner.errors import (
    ChecksumMismatch,
    DirtyDatabase,
    IrreversibleError,
    LockError,
    LockHeld,
    LockReleaseError,
    MigrationFailed,
    NoSuchVersion,
    TableError,
    UnknownVersions,
)
from pgshift.runner.manager import Manager, new_migration_manager
from pgshift.runner.migration import Migration
from pgshift.runner.postgres import PostgresMigrator

if TYPE_CHECKING:
    import runner_support as support
else:  # pytest imports the test modules by their path from the repository root
    from tests.runner import runner_support as support

migration = support.migration
Opener = Callable[..., PostgresMigrator]


@pytest.fixture
def open_migrator(database_url: str) -> Iterator[Opener]:
    """Opens PostgresMigrators on the test database (or another URL); closes them after."""
    opened: list[PostgresMigrator] = []

    def open_(url: str = database_url, **options: Any) -> PostgresMigrator:
        instance = PostgresMigrator.connect(url, **options)
        opened.append(instance)
        return instance

    yield open_
    for instance in opened:
        instance.close()


@pytest.fixture
def manager(open_migrator: Opener) -> Manager:
    return new_migration_manager(open_migrator())


@pytest.fixture
def admin(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with support.connect(database_url) as connection:
        yield connection


def logged(*versions: str) -> list[Migration]:
    """0.0.1 creates a log table; every other version logs its Up and Down there."""
    steps = [migration("0.0.1", "CREATE TABLE log (id serial PRIMARY KEY, entry text)",
                       down=("DROP TABLE log",))]
    steps += [migration(v, f"INSERT INTO log (entry) VALUES ('up {v}')",
                        down=(f"INSERT INTO log (entry) VALUES ('down {v}')",))
              for v in versions]
    return steps


def log_of(admin: psycopg.Connection[Any]) -> list[str]:
    return [row[0] for row in admin.execute("SELECT entry FROM log ORDER BY id").fetchall()]


# ------------------------------------------------------------------ run


def test_run_applies_pending_in_version_order(manager: Manager, admin: psycopg.Connection[Any],
                                              database_url: str) -> None:
    steps = logged("0.0.2", "0.0.9", "0.0.10", "0.1.0")
    shuffled = [steps[3], steps[1], steps[4], steps[0], steps[2]]
    progress: list[tuple[int, int, str]] = []

    applied = manager.run(shuffled, progress=lambda n, total, m: progress.append(
        (n, total, m.version)))

    order = ["0.0.1", "0.0.2", "0.0.9", "0.0.10", "0.1.0"]
    assert [m.version for m in applied] == order
    assert progress == [(n, 5, v) for n, v in enumerate(order, 1)]
    assert log_of(admin) == [f"up {v}" for v in order[1:]]
    assert support.versions(admin) == order
    assert not any(row["dirty"] for row in support.history(admin))
    assert support.lock_is_free(database_url)


def test_rerun_applies_nothing(manager: Manager, admin: psycopg.Connection[Any]) -> None:
    steps = logged("0.0.2", "0.0.10")
    manager.run(steps)
    before = support.state_of(admin)

    assert manager.run(steps) == []
    assert manager.run(list(reversed(steps))) == []

    assert support.state_of(admin) == before
    assert log_of(admin) == ["up 0.0.2", "up 0.0.10"]


def test_run_up_to_a_target(manager: Manager, admin: psycopg.Connection[Any]) -> None:
    steps = logged("0.0.2", "0.0.9", "0.0.10")

    assert [m.version for m in manager.run(steps, target="0.0.9")] == ["0.0.1", "0.0.2",
                                                                        "0.0.9"]
    assert support.versions(admin) == ["0.0.1", "0.0.2", "0.0.9"]
    assert [m.version for m in manager.run(steps, target="0.0.2")] == []
    assert [m.version for m in manager.run(steps)] == ["0.0.10"]
    assert log_of(admin) == ["up 0.0.2", "up 0.0.9", "up 0.0.10"]


def test_unknown_target_runs_nothing(manager: Manager, admin: psycopg.Connection[Any],
                                     database_url: str) -> None:
    steps = logged("0.0.2")

    with pytest.raises(NoSuchVersion, match=r"0\.0\.7"):
        manager.run(steps, target="0.0.7")

    assert support.versions(admin) == []
    assert support.lock_is_free(database_url)


def test_status_is_read_only(manager: Manager, admin: psycopg.Connection[Any]) -> None:
    steps = logged("0.0.10", "0.0.2")

    state = manager.status(steps)

    assert [m.version for m in state.pending] == ["0.0.1", "0.0.2", "0.0.10"]
    assert (state.applied, state.unknown, state.current_version, state.dirty) == (
        [], [], None, False)
    assert not support.table_exists(admin), "status created the history table"


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


def test_a_long_run_mixing_kinds_applies_each_once_in_order(
        manager: Manager, admin: psycopg.Connection[Any]) -> None:
    """Transactional runs share a pipeline, a non-transactional migration runs alone between
    them; every one is recorded once, in order, and reported as it starts."""
    steps = logged(*[f"0.0.{n}" for n in range(2, 9)])
    steps.insert(4, migration("0.0.4.5", "CREATE INDEX CONCURRENTLY log_entry ON log (entry)",
                              transactional=False))
    started: list[str] = []

    applied = manager.run(steps, progress=lambda number, total, m: started.append(
        f"{number}/{total} {m.version}"))

    versions = [m.version for m in steps]
    assert [m.version for m in applied] == versions
    assert started == [f"{n}/{len(steps)} {v}" for n, v in enumerate(versions, 1)]
    assert support.versions(admin) == versions
    assert log_of(admin) == [f"up 0.0.{n}" for n in range(2, 9)]
    assert [r["dirty"] for r in support.history(admin)] == [False] * len(steps)


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


# ------------------------------------------------------------------ refusals


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


def test_unknown_versions_are_refused(manager: Manager, admin: psycopg.Connection[Any],
                                      database_url: str) -> None:
    manager.run(logged("0.0.2", "0.0.3"))
    before = support.state_of(admin)

    with pytest.raises(UnknownVersions) as raised:
        manager.run([*logged("0.0.2"), migration("0.0.4", "CREATE TABLE later (id int)")])

    assert int(raised.value.exit_code) == 17
    assert "0.0.3" in str(raised.value)
    assert support.state_of(admin) == before
    assert support.lock_is_free(database_url)


def test_checksum_mismatch_is_refused_unless_ignored(
        manager: Manager, admin: psycopg.Connection[Any], database_url: str) -> None:
    manager.run(logged("0.0.2"))
    before = support.state_of(admin)
    original = logged("0.0.2")
    edited = [original[0], migration("0.0.2", "INSERT INTO log (entry) VALUES ('edited')"),
              migration("0.0.3", "CREATE TABLE later (id int)")]

    with pytest.raises(ChecksumMismatch) as raised:
        manager.run(edited)

    assert int(raised.value.exit_code) == 16
    assert "0.0.2" in str(raised.value)
    assert "0.0.1" not in str(raised.value)
    assert support.state_of(admin) == before
    assert support.lock_is_free(database_url)

    assert [m.version for m in manager.run(edited, ignore_checksums=True)] == ["0.0.3"]
    assert support.table_exists(admin, "public.later")
    assert log_of(admin) == ["up 0.0.2"], "an applied migration is never run again"


def test_lock_held_elsewhere_touches_nothing(open_migrator: Opener,
                                             admin: psycopg.Connection[Any],
                                             database_url: str) -> None:
    other = open_migrator(application_name="other-deploy")
    other.ensure_table()
    other.acquire_lock()
    before = support.state_of(admin)
    manager = new_migration_manager(open_migrator())

    with pytest.raises(LockHeld) as raised:
        manager.run(logged("0.0.2"))
    with pytest.raises(LockHeld):
        manager.run(logged("0.0.2"), wait=0.3)

    assert int(raised.value.exit_code) == 10
    assert "another instance is migrating" in str(raised.value)
    assert "other-deploy" in str(raised.value)
    assert support.state_of(admin) == before
    other.release_lock()
    assert support.lock_is_free(database_url)
    assert len(manager.run(logged("0.0.2"))) == 2


def test_lock_error_when_the_lock_cannot_be_asked_for(
        open_migrator: Opener, admin: psycopg.Connection[Any], database_url: str) -> None:
    # In this database only, a pg_try_advisory_lock(bigint) that fails shadows
    # PostgreSQL's for sessions whose search_path puts public before pg_catalog.
    admin.execute("CREATE FUNCTION public.pg_try_advisory_lock(bigint) RETURNS boolean"
                  " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'advisory locks are"
                  " disabled here' USING ERRCODE = '55000'; END $$")
    open_migrator().ensure_table()
    before = support.state_of(admin)
    shadowed = make_conninfo(database_url, options="-c search_path=public,pg_catalog")
    manager = new_migration_manager(open_migrator(shadowed))

    with pytest.raises(LockError) as raised:
        manager.run(logged("0.0.2"))

    assert int(raised.value.exit_code) == 11
    assert "advisory locks are disabled here" in str(raised.value)
    assert support.state_of(admin) == before
    assert support.lock_is_free(database_url)


def test_table_error_when_the_history_table_cannot_be_created(
        open_migrator: Opener, admin: psycopg.Connection[Any], database_url: str,
        server_url: str) -> None:
    role = f"pgshift_no_create_{uuid.uuid4().hex[:12]}"
    admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'no-create'").format(
        sql.Identifier(role)))
    try:
        admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        before = support.state_of(admin)
        limited = open_migrator(make_conninfo(database_url, user=role, password="no-create"))
        manager = new_migration_manager(limited)

        with pytest.raises(TableError) as raised:
            manager.run(logged("0.0.2"))

        text = str(raised.value)
        assert int(raised.value.exit_code) == 12
        assert "public.schema_migrations" in text
        assert "42501" in text
        assert "permission denied for schema public" in text
        assert support.state_of(admin) == before
        assert not support.table_exists(admin)
        assert support.lock_is_free(database_url)
        limited.close()
    finally:
        with support.connect(server_url) as superuser:
            superuser.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_table_error_when_the_history_table_cannot_be_read(
        open_migrator: Opener, admin: psycopg.Connection[Any], database_url: str,
        server_url: str) -> None:
    new_migration_manager(open_migrator()).run(logged())
    role = f"pgshift_no_select_{uuid.uuid4().hex[:12]}"
    admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'no-select'").format(
        sql.Identifier(role)))
    try:
        before = support.state_of(admin)
        limited = open_migrator(make_conninfo(database_url, user=role, password="no-select"))

        with pytest.raises(TableError) as raised:
            new_migration_manager(limited).run(logged("0.0.2"))

        assert int(raised.value.exit_code) == 12
        assert "public.schema_migrations" in str(raised.value)
        assert "permission denied" in str(raised.value)
        assert support.state_of(admin) == before
        assert support.lock_is_free(database_url)
        limited.close()
    finally:
        with support.connect(server_url) as superuser:
            superuser.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_table_error_claims_no_position_in_an_unshown_statement(
        open_migrator: Opener, admin: psycopg.Connection[Any], database_url: str,
        server_url: str) -> None:
    role = f"pgshift_no_create_{uuid.uuid4().hex[:12]}"
    admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'no-create'").format(
        sql.Identifier(role)))
    try:
        admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        limited = open_migrator(make_conninfo(database_url, user=role, password="no-create"))
        with pytest.raises(TableError) as raised:
            limited.ensure_table()
        limited.close()
    finally:
        with support.connect(server_url) as superuser:
            superuser.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
    assert "of the statement" not in str(raised.value)


# ------------------------------------------------------------------ releasing the lock


def test_release_failure_is_a_note_on_the_migration_failure(
        database_url: str, open_migrator: Opener, admin: psycopg.Connection[Any],
        caplog: pytest.LogCaptureFixture) -> None:
    manager = Manager(open_migrator(), logging.getLogger("pgshift.test"))
    steps = [*logged("0.0.2"),
             migration("0.0.3", "SELECT pg_advisory_unlock_all()", "SELECT 1 / 0")]

    with caplog.at_level(logging.ERROR, logger="pgshift.test"), \
            pytest.raises(MigrationFailed) as raised:
        manager.run(steps)

    assert "0.0.3" in str(raised.value)
    assert "22012" in str(raised.value)
    notes = getattr(raised.value, "__notes__", [])
    assert len(notes) == 1
    assert "migration lock" in notes[0]
    assert "released" in notes[0]
    assert any("migration lock" in r.getMessage() for r in caplog.records)
    assert support.versions(admin) == ["0.0.1", "0.0.2"]
    assert support.lock_is_free(database_url)


def test_successful_run_that_lost_its_lock_reports_the_release(
        manager: Manager, admin: psycopg.Connection[Any], database_url: str) -> None:
    steps = [*logged("0.0.2"), migration("0.0.3", "SELECT pg_advisory_unlock_all()")]

    with pytest.raises(LockReleaseError) as raised:
        manager.run(steps)

    assert int(raised.value.exit_code) == 15
    assert "not held" in str(raised.value)
    assert support.versions(admin) == ["0.0.1", "0.0.2", "0.0.3"]
    assert support.lock_is_free(database_url)


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
    assert any("release" in note for note in getattr(raised.value, "__notes__", []))
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


# ------------------------------------------------------------------ rollback


def test_rollback_steps_and_target_newest_first(manager: Manager,
                                                admin: psycopg.Connection[Any]) -> None:
    steps = logged("0.0.2", "0.0.9", "0.0.10", "0.0.11")
    manager.run(steps)

    assert [m.version for m in manager.rollback(steps)] == ["0.0.11"]
    assert [m.version for m in manager.rollback(steps, target="0.0.2")] == ["0.0.10", "0.0.9"]
    assert support.versions(admin) == ["0.0.1", "0.0.2"]
    assert log_of(admin)[-3:] == ["down 0.0.11", "down 0.0.10", "down 0.0.9"]
    assert [m.version for m in manager.rollback(steps, steps=None)] == ["0.0.2", "0.0.1"]
    assert support.versions(admin) == []
    assert not support.table_exists(admin, "public.log")


def test_rollback_of_an_irreversible_migration_runs_nothing(
        manager: Manager, admin: psycopg.Connection[Any], database_url: str) -> None:
    steps = [migration("0.0.1", "CREATE TABLE log (id serial, entry text)", down=None,
                       description="no way back"),
             migration("0.0.2", "INSERT INTO log (entry) VALUES ('up')",
                       down=("INSERT INTO log (entry) VALUES ('down')",))]
    manager.run(steps)
    before = support.state_of(admin)

    with pytest.raises(IrreversibleError) as raised:
        manager.rollback(steps, steps=2)

    assert int(raised.value.exit_code) == 18
    assert "0.0.1" in str(raised.value)
    assert "no way back" in str(raised.value)
    assert support.state_of(admin) == before
    assert log_of(admin) == ["up"], "0.0.2 must not be reverted before the refusal"
    assert support.lock_is_free(database_url)
    assert [m.version for m in manager.rollback(steps, steps=1)] == ["0.0.2"]
