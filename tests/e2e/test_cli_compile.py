"""`pgshift compile`, `check`, `sql` and `plan` as processes: the generated module, stale and
broken migrations, the history rules on versions, and the exit codes of each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pgshift.fingerprint import sources_hash
from tests.e2e.cli_support import (
    BROKEN,
    CONCURRENT,
    FIRST,
    IRREVERSIBLE,
    SECOND,
    error_blocks,
    load_generated,
    pgshift,
    project_with,
    snapshot,
    write,
)

# ---------------------------------------------------------------- compile and check

def test_compile_check_and_the_generated_module(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST, "0.0.2_language.shift": SECOND,
                                   "0.0.10_title_index.shift": CONCURRENT,
                                   "0.0.9_backfill.shift": IRREVERSIBLE})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    compiled = pgshift("compile", "--project", str(root), cwd=elsewhere)
    assert compiled.returncode == 0, compiled.stderr
    assert compiled.stdout.strip() == (
        "compiled 4 migrations: generated/postgresql.py written")
    assert sorted(snapshot(root / "generated")) == ["postgresql.py", "schema.sql"]
    assert not (elsewhere / "generated").exists()
    before = snapshot(root / "generated")

    again = pgshift("compile", cwd=root)
    assert again.returncode == 0, again.stderr
    assert "already up to date" in again.stdout
    assert snapshot(root / "generated") == before

    checked = pgshift("check", "--project", str(root), cwd=elsewhere)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("ok:")

    module = root / "generated" / "postgresql.py"
    migrations = load_generated(module)
    assert [m.version for m in migrations] == ["0.0.1", "0.0.2", "0.0.9", "0.0.10"]
    assert [m.description for m in migrations] == [
        "initial", "language", "backfill", "title index"]
    assert [m.transactional for m in migrations] == [True, True, True, False]
    assert [m.reversible for m in migrations] == [True, True, False, True]
    assert migrations[0].up_sql[0] == "CREATE EXTENSION vector"
    assert "Straße" in migrations[2].up_sql[0]
    header = module.read_text(encoding="utf-8")
    assert f"# pgshift: sources-hash {sources_hash(root / 'migrations')}" in header
    schema = (root / "generated" / "schema.sql").read_text(encoding="utf-8")
    assert "language" in schema

    # `pgshift sql` prints exactly the statements the module carries.
    for migration in (migrations[0], migrations[3]):
        up = pgshift("sql", migration.version, cwd=root)
        assert up.returncode == 0, up.stderr
        assert up.stdout == "".join(f"{s};\n\n" for s in migration.up_sql).rstrip("\n") + "\n"
    down = pgshift("sql", "0.0.2", "--down", cwd=root)
    assert down.returncode == 0, down.stderr
    assert migrations[1].down_sql is not None
    assert down.stdout == "".join(
        f"{s};\n\n" for s in migrations[1].down_sql).rstrip("\n") + "\n"
    assert "DROP COLUMN language" in down.stdout


def test_verbose_compile_says_how_much_came_from_the_cache(tmp_path: Path) -> None:
    """The cache holds every migration but the newest (the one still being edited)."""
    root = project_with(tmp_path, {"0.0.1_documents.shift": FIRST,
                                   "0.0.2_language.shift": SECOND,
                                   "0.0.3_concurrent.shift": CONCURRENT})

    cold = pgshift("compile", "--verbose", cwd=root)
    warm = pgshift("compile", "--verbose", cwd=root)
    write(root / "migrations" / "0.0.3_concurrent.shift", CONCURRENT + "\n")
    edited = pgshift("compile", "--verbose", cwd=root)
    quiet = pgshift("compile", cwd=root)

    assert cold.returncode == 0, cold.stderr
    assert "compiled 3 migrations, reused 0 from the compile cache (.pgshift/cache)" in (
        cold.stderr)
    assert "compiled 1 migration, reused 2 from the compile cache" in warm.stderr
    assert "compiled 1 migration, reused 2 from the compile cache" in edited.stderr
    assert "compile cache" not in quiet.stderr


def test_check_fails_with_4_naming_the_stale_file_after_a_migration_changes(
        tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST})
    assert pgshift("compile", cwd=root).returncode == 0
    write(root / "migrations" / "0.0.1_initial.shift", FIRST + "table notes { id int }\n")

    result = pgshift("check", cwd=root)
    assert result.returncode == 4
    assert "generated/postgresql.py" in result.stderr
    assert "pgshift compile" in result.stderr

    write(root / "migrations" / "0.0.1_initial.shift", FIRST)
    assert pgshift("check", cwd=root).returncode == 0


def test_check_fails_with_4_when_nothing_was_ever_generated(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST})
    result = pgshift("check", "--project", str(root), cwd=tmp_path)
    assert result.returncode == 4
    assert "generated/postgresql.py" in result.stderr
    assert "generated/schema.sql" in result.stderr
    assert not (root / "generated").exists()


@pytest.mark.parametrize("command", ["compile", "check"])
def test_a_broken_migration_exits_3_with_a_positioned_error_and_writes_nothing(
        tmp_path: Path, command: str) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST})
    assert pgshift("compile", cwd=root).returncode == 0
    before = snapshot(root / "generated")
    write(root / "migrations" / "0.0.2_notes.shift", BROKEN)

    result = pgshift(command, cwd=root)
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        "migrations/0.0.2_notes.shift:3:11: error[unknown-type]: unknown type 'string'")
    assert lines[1] == "    body  string not null"
    assert lines[2] == "          ^~~~~~"
    assert snapshot(root / "generated") == before
    assert result.stdout == ""


def test_a_broken_first_migration_creates_no_generated_directory(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_notes.shift": BROKEN})
    result = pgshift("compile", "--project", "app", cwd=tmp_path)
    assert result.returncode == 3
    assert re.match(r"migrations/0\.0\.1_notes\.shift:\d+:\d+: error\[unknown-type\]: ",
                    result.stderr)
    assert not (root / "generated").exists()


def test_a_non_utf8_migration_shows_the_line_and_a_caret(tmp_path: Path) -> None:
    root = project_with(tmp_path, {})
    path = root / "migrations" / "0.0.1_initial.shift"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"table t { id int }\n-- caf\xe9\n")
    result = pgshift("compile", cwd=root)
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    assert lines[0].startswith("migrations/0.0.1_initial.shift:2:7: error[encoding]: ")
    assert lines[1].startswith("-- caf")
    assert lines[2] == "      ^"


# ---------------------------------------------------------------- sql and plan

def test_sql_exit_codes(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST,
                                   "0.0.2_backfill.shift": IRREVERSIBLE})

    irreversible = pgshift("sql", "0.0.2", "--down", cwd=root)
    assert irreversible.returncode == 18
    assert "irreversible" in irreversible.stdout + irreversible.stderr

    up = pgshift("sql", "0.0.2", cwd=root)
    assert up.returncode == 0
    assert "UPDATE documents SET language = 'de'" in up.stdout

    leading_zero = pgshift("sql", "0.0.01", cwd=root)  # leading zeros do not count
    assert leading_zero.returncode == 0
    assert leading_zero.stdout.startswith("CREATE EXTENSION vector;")

    for unknown in ("0.0.3", "latest"):
        result = pgshift("sql", unknown, cwd=root)
        assert result.returncode == 2, unknown
        assert unknown in result.stderr
        assert "0.0.1, 0.0.2" in result.stderr  # the versions that do exist
        assert result.stdout == ""


def test_sql_down_of_an_irreversible_migration_explains_itself_on_stderr(
        tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_backfill.shift": IRREVERSIBLE})
    result = pgshift("sql", "0.0.1", "--down", cwd=root)
    assert result.returncode == 18
    assert "0.0.1" in result.stderr
    assert "irreversible" in result.stderr


def test_sql_output_keeps_the_terminator_out_of_a_trailing_comment(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_backfill.shift": (
        'irreversible\nsql """\n    UPDATE t SET a = 1;\n    -- done\n"""\n')})
    result = pgshift("sql", "0.0.1", cwd=root)
    assert result.returncode == 0
    assert not any(line.strip().startswith("--") and line.rstrip().endswith(";")
                   for line in result.stdout.splitlines())


def test_plan_lists_every_migration_with_its_marks(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST, "0.0.2_language.shift": SECOND,
                                   "0.0.3_backfill.shift": IRREVERSIBLE,
                                   "0.0.4_title_index.shift": CONCURRENT})
    result = pgshift("plan", "--project", str(root), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    heads = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert heads == [
        "0.0.1  initial",
        "0.0.2  language",
        "0.0.3  backfill  [irreversible]",
        "0.0.4  title index  [non-transactional]",
    ]
    assert "    CREATE EXTENSION vector" in result.stdout.splitlines()
    assert "    CREATE INDEX CONCURRENTLY documents_title ON documents (title)" in (
        result.stdout.splitlines())
    assert not (root / "generated").exists()  # plan writes nothing


# ---------------------------------------------------------------- history rules

def test_a_history_inserted_into_the_past_fails_naming_both_files(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST, "0.0.2_language.shift": SECOND})
    assert pgshift("compile", cwd=root).returncode == 0
    before = snapshot(root / "generated")
    write(root / "migrations" / "0.0.1.5_notes.shift", "table notes { id int }\n")

    for command in ("compile", "check"):
        result = pgshift(command, cwd=root)
        assert result.returncode == 3, command
        assert "migrations/0.0.1.5_notes.shift" in result.stderr
        assert "migrations/0.0.2_language.shift" in result.stderr
    assert snapshot(root / "generated") == before

    (root / "migrations" / "0.0.1.5_notes.shift").rename(
        root / "migrations" / "0.0.3_notes.shift")
    assert pgshift("compile", cwd=root).returncode == 0


def test_history_in_the_past_is_caught_when_the_path_has_a_space(tmp_path: Path) -> None:
    root = tmp_path / "app"
    write(root / "pyproject.toml", '[tool.pgshift]\nmigrations = "db/my migrations"\n')
    write(root / "db" / "my migrations" / "0.0.1_initial.shift", FIRST)
    write(root / "db" / "my migrations" / "0.0.2_language.shift", SECOND)
    assert pgshift("compile", cwd=root).returncode == 0
    write(root / "db" / "my migrations" / "0.0.1.5_notes.shift", "table notes { id int }\n")

    result = pgshift("compile", cwd=root)
    assert result.returncode == 3
    assert "0.0.1.5_notes.shift" in result.stderr


def test_two_files_with_one_version_fail_naming_both(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST, "0.0.2_language.shift": SECOND,
                                   "0.0.02_notes.shift": "table notes { id int }\n"})
    for command in ("compile", "check"):
        result = pgshift(command, cwd=root)
        assert result.returncode == 3, command
        assert "migrations/0.0.2_language.shift" in result.stderr
        assert "migrations/0.0.02_notes.shift" in result.stderr
    assert not (root / "generated").exists()


def test_two_files_with_one_version_report_only_that(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST, "0.0.2_language.shift": SECOND,
                                   "0.0.02_again.shift": SECOND})
    result = pgshift("check", cwd=root)
    assert result.returncode == 3
    assert len(error_blocks(result.stderr)) == 1, result.stderr
