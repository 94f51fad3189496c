"""A hostile environment gets a documented exit code and a clear message, never an internal
error: a generated module damaged by a merge or cut short, a history table that is a view,
retyped by hand or holding versions that are not versions, a read-only database and a
role that may not write the history."""

from __future__ import annotations

from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.e2e.cli_database_support import (
    INITIAL,
    UNIQUE_TITLE_CONCURRENTLY,
    Project,
    execute,
)


@pytest.fixture
def applied(project: Project) -> Project:
    """The project with 0.0.1 applied."""
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.compile()
    project.ok("up")
    return project


def damage(path: Path, how: str) -> None:
    text = path.read_bytes()
    if how == "merge conflict":
        lines = text.splitlines(keepends=True)
        middle = len(lines) // 2
        path.write_bytes(b"".join([*lines[:middle], b"<<<<<<< HEAD\n", *lines[middle:],
                                   b"=======\n>>>>>>> feature\n"]))
    elif how == "cut short":
        path.write_bytes(text[: len(text) // 2])
    elif how == "not UTF-8":
        path.write_bytes(text.replace(b"# pgshift", b"# pgshift \xff\xfe", 1))
    elif how == "emptied":
        path.write_bytes(b"")


@pytest.mark.parametrize("how", ["merge conflict", "cut short", "not UTF-8", "emptied"])
def test_a_damaged_generated_module_says_compile_again(applied: Project, how: str) -> None:
    damage(applied.root / "generated" / "postgresql.py", how)
    for command in (("status",), ("up",), ("up", "--no-check")):
        result = applied.run(*command)
        assert result.returncode == 4, (command, result.stderr)
        assert "generated/postgresql.py cannot be loaded" in result.stderr
        assert "pgshift compile" in result.stderr


def test_a_view_in_place_of_the_history_table_is_named(project: Project) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.compile()
    execute(project.url, "CREATE TABLE real_history (version text, dirty boolean)")
    execute(project.url, "CREATE VIEW schema_migrations AS SELECT * FROM real_history")
    for command in ("status", "up", "history", "force"):
        result = project.run(command, *(["0.0.1"] if command == "force" else []))
        assert result.returncode == 12, (command, result.stderr)
        assert "public.schema_migrations is a view, not pgshift's migration table" in (
            result.stderr)


@pytest.mark.parametrize("change", [
    "ALTER TABLE schema_migrations ALTER COLUMN applied_at TYPE text",
    "ALTER TABLE schema_migrations ALTER COLUMN applied_at DROP NOT NULL;"
    " UPDATE schema_migrations SET applied_at = NULL",
    "ALTER TABLE schema_migrations ALTER COLUMN dirty TYPE text",
], ids=["text applied_at", "NULL applied_at", "text dirty"])
def test_a_history_table_changed_by_hand_is_named(applied: Project, change: str) -> None:
    execute(applied.url, change)
    for command in ("status", "status --json", "history", "up"):
        result = applied.run(*command.split())
        assert result.returncode == 12, (command, result.stderr)
        assert "is not as pgshift made it" in result.stderr


@pytest.mark.parametrize("version", ["v2", ""])
def test_a_history_row_that_is_not_a_version_is_unknown_and_force_removes_it(
        applied: Project, version: str) -> None:
    execute(applied.url, "INSERT INTO schema_migrations (version, description, checksum)"
                         f" VALUES ('{version}', 'by hand', 'x')")
    assert applied.run("status").returncode == 0
    refused = applied.run("up")
    assert refused.returncode == 17, refused.stderr
    assert "this build does not know" in refused.stderr
    applied.ok("force", "0.0.1")
    assert [row["version"] for row in applied.status()["applied"]] == ["0.0.1"]


def read_only(url: str) -> str:
    """The same database, made read-only for every new session."""
    database = conninfo_to_dict(url)["dbname"]
    execute(url, f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
    return url


def test_force_on_a_read_only_database_exits_12(applied: Project) -> None:
    read_only(applied.url)
    forced = applied.run("force", "0.0.1")
    assert forced.returncode == 12, forced.stderr
    assert "read-only" in forced.stderr


def test_a_non_transactional_migration_on_a_read_only_database_exits_cleanly(
        applied: Project) -> None:
    applied.write("0.0.2_unique_title.shift", UNIQUE_TITLE_CONCURRENTLY)
    applied.compile()
    read_only(applied.url)
    result = applied.run("up")
    assert result.returncode in (12, 14), result.stderr
    assert "read-only" in result.stderr
    assert applied.version() == "0.0.1"


def test_a_role_that_may_not_write_the_history_exits_12_on_force(applied: Project) -> None:
    execute(applied.url, "CREATE ROLE pgshift_reader LOGIN")
    try:
        execute(applied.url, "GRANT SELECT ON schema_migrations TO pgshift_reader")
        reader = make_conninfo(applied.url, user="pgshift_reader")
        forced = applied.run("force", "0.0.1", url=reader)
        assert forced.returncode == 12, forced.stderr
        assert "permission denied" in forced.stderr
    finally:
        execute(applied.url, "DROP OWNED BY pgshift_reader")
        execute(applied.url, "DROP ROLE pgshift_reader")
