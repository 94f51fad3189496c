"""The conformance suite a Migrator must pass (after golang-migrate's database/testing).

Every test runs against a fresh database on the real PostgreSQL + pgvector server, once
with the default history table (`public.schema_migrations`) and once with a custom one in
another schema (`ops.migrations`). Only the Migrator protocol is exercised, except where
a race has to be forced through the migrator's own connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

from pgshift.runner.errors import LockHeld, LockReleaseError, MigrationFailed, TableError
from pgshift.runner.postgres import PostgresMigrator, lock_key
from pgshift.runner.protocol import Migrator, VersionState

if TYPE_CHECKING:
    import runner_support as support
else:  # pytest imports the test modules by their path from the repository root
    from tests.runner import runner_support as support

migration = support.migration


@dataclass
class Subject:
    """The database under test, its history table, and a maker of new instances."""

    url: str
    table: str
    make: Callable[[str], PostgresMigrator]
    admin: psycopg.Connection[Any]

    def history(self) -> list[dict[str, Any]]:
        return support.history(self.admin, self.table)

    def state(self) -> tuple[Any, ...]:
        return support.state_of(self.admin, self.table)


@pytest.fixture(params=[None, "ops.migrations"], ids=["default-table", "ops-schema-table"])
def subject(request: pytest.FixtureRequest, database_url: str) -> Iterator[Subject]:
    custom: str | None = request.param
    opened: list[PostgresMigrator] = []

    def make(application_name: str) -> PostgresMigrator:
        if custom is None:
            connection = psycopg.connect(database_url, autocommit=True,
                                         application_name=application_name)
            instance = PostgresMigrator(connection)
        else:
            instance = PostgresMigrator.connect(database_url, custom, application_name)
        opened.append(instance)
        return instance

    with support.connect(database_url) as admin:
        if custom is not None:
            admin.execute("CREATE SCHEMA ops")
        try:
            yield Subject(database_url, custom or support.DEFAULT_TABLE, make, admin)
        finally:
            for instance in opened:
                instance.close()


def conforming(instance: PostgresMigrator) -> Migrator:
    """The instance seen only through the protocol (mypy checks that it conforms)."""
    return instance


# ------------------------------------------------------------------ version and table


def test_empty_database_has_no_version_and_no_table(subject: Subject) -> None:
    migrator = conforming(subject.make("empty"))

    assert migrator.current_version() == VersionState(None, False)
    assert migrator.applied() == []
    assert not support.table_exists(subject.admin, subject.table), "reading created the table"


def test_ensure_table_is_idempotent(subject: Subject) -> None:
    migrator = conforming(subject.make("ensure"))

    migrator.ensure_table()
    migrator.migrate(migration("0.0.1", "CREATE TABLE kept (id int)"))
    migrator.ensure_table()

    assert support.table_exists(subject.admin, subject.table)
    assert [a.version for a in migrator.applied()] == ["0.0.1"]
    assert migrator.current_version() == VersionState("0.0.1", False)
    assert support.schema_of(subject.admin, subject.table)["tables"] == [
        ("public", "kept", "r", None)], "nothing but the history table may be created"


def test_ensure_table_from_two_connections_at_once(subject: Subject) -> None:
    first, second = subject.make("first"), subject.make("second")
    failures: list[BaseException] = []

    def ensure() -> None:
        try:
            second.ensure_table()
        except BaseException as failure:
            failures.append(failure)

    # The first instance's CREATE TABLE is not committed yet when the second one, having
    # seen no table, creates it too: the second must wait, then accept the first's table.
    with first.connection.transaction():
        first.ensure_table()
        racer = threading.Thread(target=ensure)
        racer.start()
        support.wait_until(
            lambda: support.waiting_on_lock(subject.admin, second.connection.info.backend_pid),
            "the second CREATE TABLE to wait for the first")
    racer.join(30)
    assert not racer.is_alive()
    assert failures == []
    conforming(second).migrate(migration("0.0.1", "CREATE TABLE kept (id int)"))
    assert [a.version for a in conforming(first).applied()] == ["0.0.1"]


def test_applied_is_in_numeric_version_order(subject: Subject) -> None:
    migrator = conforming(subject.make("order"))
    migrator.ensure_table()
    for version in ("0.0.10", "0.0.2", "0.0.9", "1.0.0", "0.1.0"):
        migrator.migrate(migration(version, "SELECT 1"))

    assert [a.version for a in migrator.applied()] == [
        "0.0.2", "0.0.9", "0.0.10", "0.1.0", "1.0.0"]
    assert migrator.current_version() == VersionState("1.0.0", False)


# ------------------------------------------------------------------ the lock


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


# ------------------------------------------------------------------ migrate


def test_migrate_transactional_records_the_row_with_the_change(subject: Subject) -> None:
    migrator = conforming(subject.make("apply"))
    migrator.ensure_table()
    step = migration("0.0.1", "CREATE TABLE documents (id bigint PRIMARY KEY, title text)",
                     "INSERT INTO documents VALUES (1, 'one')", description="initial schema")
    before = support.scalar(subject.admin, "SELECT clock_timestamp()")

    migrator.migrate(step)

    after = support.scalar(subject.admin, "SELECT clock_timestamp()")
    user = support.scalar(subject.admin, "SELECT current_user")
    assert subject.admin.execute("SELECT title FROM documents").fetchall() == [("one",)]
    (row,) = subject.history()
    assert row["version"] == "0.0.1"
    assert row["description"] == "initial schema"
    assert row["checksum"] == step.checksum
    assert row["dirty"] is False
    assert before <= row["applied_at"] <= after
    assert row["execution_ms"] is not None
    assert row["execution_ms"] >= 0
    assert row["applied_by"] == user
    assert row["failed_statement"] is None
    assert migrator.current_version() == VersionState("0.0.1", False)
    (applied,) = migrator.applied()
    assert (applied.version, applied.checksum, applied.dirty) == ("0.0.1", step.checksum, False)


def test_statements_are_sent_as_written(database_url: str) -> None:
    """No parameter interpolation: %, %s and %(name)s reach PostgreSQL untouched."""
    migrator = PostgresMigrator.connect(database_url)
    try:
        migrator.ensure_table()
        for transactional in (True, False):
            name = "pct_tx" if transactional else "pct_auto"
            migrator.migrate(migration(
                "0.0.1" if transactional else "0.0.2",
                f"CREATE TABLE {name} (x text CHECK (x LIKE 'a%'))",
                f"INSERT INTO {name} VALUES ('a%s %(x)s')",
                f"COMMENT ON TABLE {name} IS '100%% sure, %s'", transactional=transactional))
            assert migrator.connection.execute(
                f"SELECT x, obj_description('{name}'::regclass, 'pg_class') FROM {name}"
            ).fetchall() == [("a%s %(x)s", "100%% sure, %s")]
    finally:
        migrator.close()


# (failing statement, SQLSTATE, PostgreSQL's message, its hint, (line, column) of the error)
FAILURES: list[tuple[str, str, str, str | None, tuple[int, int] | None]] = [
    ("SELECT * FROM no_such_table", "42P01", 'relation "no_such_table" does not exist', None,
     (1, 15)),
    ("SELECT 1 / 0", "22012", "division by zero", None, None),
    ("SELECT no_such_function(1)", "42883", "function no_such_function(integer) does not exist",
     "No function matches the given name and argument types", (1, 8)),
    ("SELECT 1,\n       2 AS two\n  SELEC 3", "42601", 'syntax error at or near "SELEC"',
     None, (3, 3)),
    # PostgreSQL counts the position in characters: 'üü' is 2 columns, not 4 bytes
    ("SELECT 1\n  , 'üü' SELEC 2", "42601", 'syntax error at or near "2"', None, (2, 16)),
]


def test_failing_transactional_migration_leaves_nothing(subject: Subject) -> None:
    migrator = conforming(subject.make("fail"))
    migrator.ensure_table()
    migrator.migrate(migration("0.0.1", "CREATE TABLE kept (id int)"))
    before = subject.state()

    for failing, sqlstate, message, hint, where in FAILURES:
        broken = migration("0.0.2", "CREATE TABLE doomed (id int)",
                           "INSERT INTO kept VALUES (1)", failing,
                           "CREATE TABLE never (id int)", description="add doomed")

        with pytest.raises(MigrationFailed) as raised:
            migrator.migrate(broken)

        text = str(raised.value)
        assert int(raised.value.exit_code) == 14
        assert "0.0.2" in text
        assert "add doomed" in text
        assert "statement 3 of 4" in text
        for line in failing.strip().splitlines():
            assert line.strip() in text, f"the failing statement must be shown: {text}"
        assert sqlstate in text
        assert message in text
        if hint is not None:
            assert hint in text
        if where is not None:
            assert f"line {where[0]}, column {where[1]}" in text
        assert "rolled back" in text
        assert subject.state() == before, f"{failing!r} left something behind"
        assert subject.admin.execute("SELECT count(*) FROM kept").fetchone() == (0,)
        assert migrator.current_version() == VersionState("0.0.1", False)


def test_non_transactional_migration_runs_clean(subject: Subject) -> None:
    migrator = conforming(subject.make("concurrently"))
    migrator.ensure_table()
    migrator.migrate(migration(
        "0.0.1", "CREATE TABLE docs (id int PRIMARY KEY, body text)",
        "INSERT INTO docs SELECT g, 'body ' || g FROM generate_series(1, 500) g"))
    index = migration("0.0.2", "CREATE INDEX CONCURRENTLY docs_body ON docs (body)",
                      "COMMENT ON INDEX docs_body IS 'for lookups'", transactional=False,
                      down=("DROP INDEX CONCURRENTLY docs_body",))

    migrator.migrate(index)

    assert subject.admin.execute(
        "SELECT indisvalid, obj_description(indexrelid, 'pg_class') FROM pg_index"
        " WHERE indexrelid = 'docs_body'::regclass").fetchone() == (True, "for lookups")
    row = subject.history()[-1]
    assert (row["version"], row["checksum"], row["dirty"]) == ("0.0.2", index.checksum, False)
    assert row["execution_ms"] is not None
    assert row["execution_ms"] >= 0
    assert row["failed_statement"] is None
    assert migrator.current_version() == VersionState("0.0.2", False)


def test_non_transactional_failure_part_way_is_dirty_and_explained(subject: Subject) -> None:
    migrator = conforming(subject.make("partial"))
    migrator.ensure_table()
    migrator.migrate(migration("0.0.1", "CREATE TABLE kept (id int)"))
    failing = "CREATE UNIQUE INDEX CONCURRENTLY t_x ON t (x)"
    partial = migration("0.0.2", "CREATE TABLE t (x int)", "INSERT INTO t VALUES (1), (1)",
                        failing, "CREATE TABLE never (id int)", transactional=False)

    with pytest.raises(MigrationFailed) as raised:
        migrator.migrate(partial)

    text = str(raised.value)
    assert "0.0.2" in text
    assert "statement 3 of 4" in text
    assert failing in text
    assert "23505" in text
    assert "dirty" in text
    # the statements before the failing one stay applied; PostgreSQL leaves the index invalid
    assert subject.admin.execute("SELECT count(*) FROM t").fetchone() == (2,)
    assert subject.admin.execute(
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_x'::regclass").fetchone() == (
            False,)
    assert not support.table_exists(subject.admin, "public.never")
    row = subject.history()[-1]
    assert (row["version"], row["dirty"], row["failed_statement"]) == ("0.0.2", True, failing)
    assert migrator.current_version() == VersionState("0.0.2", True)
    assert [(a.version, a.dirty) for a in migrator.applied()] == [("0.0.1", False),
                                                                   ("0.0.2", True)]


# ------------------------------------------------------------------ rollback


def test_rollback_transactional(subject: Subject) -> None:
    migrator = conforming(subject.make("down"))
    migrator.ensure_table()
    migrator.migrate(migration("0.0.1", "CREATE TABLE kept (id int)"))
    before = subject.state()
    step = migration("0.0.2", "CREATE TABLE extra (id int)", "ALTER TABLE kept ADD note text",
                     down=("ALTER TABLE kept DROP note", "DROP TABLE extra"))
    migrator.migrate(step)
    assert subject.state() != before

    migrator.rollback(step)

    assert subject.state() == before
    assert migrator.current_version() == VersionState("0.0.1", False)


def test_rollback_non_transactional(subject: Subject) -> None:
    migrator = conforming(subject.make("down"))
    migrator.ensure_table()
    migrator.migrate(migration("0.0.1", "CREATE TABLE docs (id int, body text)"))
    before = subject.state()
    step = migration("0.0.2", "CREATE INDEX CONCURRENTLY docs_body ON docs (body)",
                     transactional=False, down=("DROP INDEX CONCURRENTLY docs_body",))
    migrator.migrate(step)

    migrator.rollback(step)

    assert subject.state() == before
    assert migrator.current_version() == VersionState("0.0.1", False)


def test_failing_transactional_rollback_keeps_the_version(subject: Subject) -> None:
    migrator = conforming(subject.make("down"))
    migrator.ensure_table()
    step = migration("0.0.1", "CREATE TABLE kept (id int)",
                     down=("DROP TABLE kept", "SELECT 1 / 0"))
    migrator.migrate(step)
    before = subject.state()

    with pytest.raises(MigrationFailed) as raised:
        migrator.rollback(step)

    text = str(raised.value)
    assert "0.0.1" in text
    assert "down" in text
    assert "22012" in text
    assert subject.state() == before
    assert migrator.current_version() == VersionState("0.0.1", False)


def test_failing_non_transactional_rollback_is_dirty(subject: Subject) -> None:
    migrator = conforming(subject.make("down"))
    migrator.ensure_table()
    migrator.migrate(migration("0.0.1", "CREATE TABLE docs (id int, body text)"))
    step = migration("0.0.2", "CREATE INDEX CONCURRENTLY docs_body ON docs (body)",
                     transactional=False,
                     down=("DROP INDEX CONCURRENTLY docs_body", "SELECT 1 / 0"))
    migrator.migrate(step)

    with pytest.raises(MigrationFailed, match="22012"):
        migrator.rollback(step)

    assert subject.admin.execute("SELECT to_regclass('docs_body')").fetchone() == (None,)
    row = subject.history()[-1]
    assert (row["version"], row["dirty"], row["failed_statement"]) == (
        "0.0.2", True, "SELECT 1 / 0")
    assert migrator.current_version() == VersionState("0.0.2", True)


# ------------------------------------------------------------------ force


def test_force_records_the_version_and_clears_dirty(subject: Subject) -> None:
    migrator = conforming(subject.make("force"))
    migrator.ensure_table()
    known = [migration(v, "SELECT 1") for v in ("0.0.1", "0.0.2", "0.0.3", "0.0.4", "0.0.10")]
    migrator.migrate(known[0])
    migrator.migrate(known[1])
    with pytest.raises(MigrationFailed):
        migrator.migrate(migration("0.0.3", "SELECT 1", "SELECT 1 / 0", transactional=False))
    assert migrator.current_version() == VersionState("0.0.3", True)
    schema_before = support.schema_of(subject.admin, subject.table)

    migrator.force("0.0.2", known)  # the newer (dirty) row goes; older rows stay as they were
    assert migrator.current_version() == VersionState("0.0.2", False)
    assert [a.version for a in migrator.applied()] == ["0.0.1", "0.0.2"]

    migrator.force("0.0.4", known)  # older known versions are recorded; 0.0.10 is newer
    rows = subject.history()
    assert [r["version"] for r in rows] == ["0.0.1", "0.0.2", "0.0.3", "0.0.4"]
    assert [r["checksum"] for r in rows] == [m.checksum for m in known[:4]]
    assert not any(r["dirty"] for r in rows)
    assert all(r["failed_statement"] is None for r in rows)
    assert migrator.current_version() == VersionState("0.0.4", False)

    migrator.force(None, known)  # nothing applied at all
    assert migrator.applied() == []
    assert migrator.current_version() == VersionState(None, False)
    assert support.schema_of(subject.admin, subject.table) == schema_before, (
        "force runs no migration")


def test_force_the_dirty_version_itself(subject: Subject) -> None:
    migrator = conforming(subject.make("force"))
    migrator.ensure_table()
    broken = migration("0.0.1", "CREATE TABLE t (id int)", "SELECT 1 / 0", transactional=False)
    with pytest.raises(MigrationFailed):
        migrator.migrate(broken)

    migrator.force("0.0.1", [broken])

    (row,) = subject.history()
    assert (row["version"], row["dirty"], row["failed_statement"]) == ("0.0.1", False, None)
    assert migrator.current_version() == VersionState("0.0.1", False)


# ------------------------------------------------------------------ tables and locks


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


def test_history_table_in_a_missing_schema_is_a_table_error(database_url: str) -> None:
    migrator = PostgresMigrator.connect(database_url, "nowhere.migrations")
    try:
        with pytest.raises(TableError) as raised:
            migrator.ensure_table()
    finally:
        migrator.close()
    assert int(raised.value.exit_code) == 12
    assert "nowhere.migrations" in str(raised.value)
    assert "3F000" in str(raised.value)


def test_ensure_table_from_many_connections_at_once_never_fails(database_url: str) -> None:
    instances = [PostgresMigrator.connect(database_url, application_name=f"racer-{n}")
                 for n in range(8)]
    try:
        with support.connect(database_url) as admin:
            # The race is narrow: many rounds of eight instances creating the table at the
            # same moment. The unfixed runner fails within a few dozen rounds.
            for attempt in range(300):
                barrier = threading.Barrier(len(instances))
                failures: list[BaseException] = []

                def ensure(instance: Migrator, barrier: threading.Barrier = barrier,
                           failures: list[BaseException] = failures) -> None:
                    try:
                        barrier.wait(30)
                        instance.ensure_table()
                    except BaseException as failure:
                        failures.append(failure)

                threads = [threading.Thread(target=ensure, args=[i]) for i in instances]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(60)
                assert failures == [], f"attempt {attempt}: {failures[0]}"
                assert support.table_exists(admin)
                admin.execute("DROP TABLE public.schema_migrations")
    finally:
        for instance in instances:
            instance.close()
