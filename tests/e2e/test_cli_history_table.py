"""history_table in [tool.pgshift]: where `up` writes the history and `status` reads it,
--table before it, the same failure from either when the schema is missing, and the
compiler's refusal of a migration that creates the table."""

from __future__ import annotations

from pathlib import Path

import psycopg

from tests.e2e.cli_database_support import INITIAL, Project, execute
from tests.e2e.cli_support import error_blocks, pgshift, project_with, write

CONFIGURED = "ops.migrations_log"


def _configure(root: Path, setting: str) -> None:
    """Add history_table to the [tool.pgshift] that `pgshift init` wrote."""
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert "[tool.pgshift]\n" in text
    pyproject.write_text(text.replace("[tool.pgshift]\n",
                                      f"[tool.pgshift]\nhistory_table = {setting}\n", 1),
                         encoding="utf-8")


def _relations(url: str, *names: str) -> list[str | None]:
    """to_regclass of each name: the relation as PostgreSQL shows it, or None."""
    found: list[str | None] = []
    with psycopg.connect(url) as connection:
        for name in names:
            row = connection.execute("SELECT to_regclass(%s)::text", [name]).fetchone()
            assert row is not None
            found.append(row[0])
    return found


def test_up_and_status_use_the_configured_history_table(project: Project) -> None:
    _configure(project.root, f'"{CONFIGURED}"')
    execute(project.url, "CREATE SCHEMA ops")
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.compile()

    project.ok("up")

    document = project.status()
    assert document["current_version"] == "0.0.1"
    assert [a["version"] for a in document["applied"]] == ["0.0.1"]
    with psycopg.connect(project.url) as connection:
        rows = connection.execute("SELECT version, dirty FROM ops.migrations_log").fetchall()
    assert rows == [("0.0.1", False)]
    assert _relations(project.url, CONFIGURED, "public.schema_migrations") == [
        "ops.migrations_log", None]
    history = project.ok("history", "--json").stdout
    assert '"version": "0.0.1"' in history

    # --table beats the setting: no history there (and status creates none)
    elsewhere = project.ok("status", "--json", "--table", "public.schema_migrations").stdout
    assert '"current_version": null' in elsewhere
    assert _relations(project.url, "public.schema_migrations") == [None]


def test_a_missing_schema_fails_alike_from_the_setting_and_the_flag(project: Project) -> None:
    """As `up --table ops.x` always did: exit 12 naming the table and PostgreSQL's error;
    pgshift creates no schema for its history."""
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.compile()

    flagged = project.run("up", "--table", CONFIGURED)
    _configure(project.root, f'"{CONFIGURED}"')
    configured = project.run("up")

    for result in (flagged, configured):
        assert result.returncode == 12, result.stderr
        assert "cannot create the migration table ops.migrations_log" in result.stderr
        assert 'schema "ops" does not exist' in result.stderr
    assert [line for line in flagged.stderr.splitlines() if "migration table" in line] == [
        line for line in configured.stderr.splitlines() if "migration table" in line]
    assert project.status()["current_version"] is None


def test_compile_refuses_a_migration_that_creates_the_configured_table(tmp_path: Path) -> None:
    root = project_with(tmp_path, {
        "0.0.1_initial.shift": "table migrations_log {\n    id bigint primary key\n}\n"})
    write(root / "pyproject.toml", '[tool.pgshift]\nhistory_table = "migrations_log"\n')

    refused = pgshift("compile", cwd=root)

    assert refused.returncode == 3
    assert error_blocks(refused.stderr) == [
        "migrations/0.0.1_initial.shift:1:7: error[history-table-name]: table"
        " 'migrations_log' would be pgshift's history table, public.migrations_log"
        " (history_table in [tool.pgshift]): `pgshift up` creates that table before it runs"
        " any migration, so this one would fail there"]
    assert not (root / "generated" / "postgresql.py").exists()

    write(root / "pyproject.toml", f'[tool.pgshift]\nhistory_table = "{CONFIGURED}"\n')
    assert pgshift("compile", cwd=root).returncode == 0, "the cache does not keep the refusal"


def test_a_rails_schema_migrations_table_does_not_compile_by_default(tmp_path: Path) -> None:
    root = project_with(tmp_path, {
        "0.0.1_rails.shift": "table schema_migrations {\n    version text primary key\n}\n"})

    refused = pgshift("check", cwd=root)

    assert refused.returncode == 3
    assert "error[history-table-name]: table 'schema_migrations' would be" in refused.stderr
    assert 'history_table = "pgshift_migrations"' in refused.stderr


def test_bad_names_are_refused_before_any_database_is_touched(tmp_path: Path) -> None:
    root = project_with(tmp_path, {})
    bad_flag = pgshift("status", "--table", "a.b.c", "--project", str(root),
                       "--database-url", "postgresql://nobody@localhost:1/none", cwd=tmp_path)
    assert bad_flag.returncode == 2
    assert "--table 'a.b.c' has more than one dot" in bad_flag.stderr

    write(root / "pyproject.toml", '[tool.pgshift]\nhistory_table = ""\n')
    for command in (["status", "--database-url", "postgresql://nobody@localhost:1/none"],
                    ["compile"]):
        bad_setting = pgshift(*command, "--project", str(root), cwd=tmp_path)
        assert bad_setting.returncode == 5
        assert "[tool.pgshift] history_table is empty" in bad_setting.stderr
