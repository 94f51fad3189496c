"""Migrator conformance: migrate. A transactional migration is recorded with its change or
leaves nothing; a non-transactional one that fails part way is recorded dirty, with the
statement that failed; statements reach PostgreSQL as written.
"""

from __future__ import annotations

import pytest

from pgshift.runner.errors import MigrationFailed
from pgshift.runner.postgres import PostgresMigrator
from pgshift.runner.protocol import VersionState
from tests.runner import runner_support as support
from tests.runner.conformance_support import Subject, conforming

migration = support.migration


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
