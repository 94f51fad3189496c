"""The `pgshift` command line end to end, run as a user runs it, in throwaway projects.

Every invocation is a real process (`python -m pgshift …` or the console script), from
inside the project or from elsewhere with `--project DIR`. Expected failures must exit
with the documented code and a message; none may print a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from pgshift.cli import build_parser
from pgshift.fingerprint import sources_hash
from pgshift.runner import Migration

CONSOLE_SCRIPT = Path(sys.executable).parent / "pgshift"

FIRST = """\
extension vector

table documents {
    id         bigint identity primary key
    title      text not null
    embedding  vector(3)
}
"""
SECOND = """\
alter table documents {
    add column language text not null default 'en'
}
comment on table documents is 'Fetched documents'
"""
CONCURRENT = """\
index concurrently documents_title on documents (title)
"""
IRREVERSIBLE = """\
irreversible 'the backfill cannot be undone'
sql \"\"\"
    UPDATE documents SET language = 'de' WHERE title LIKE '%Straße%'
\"\"\"
"""
BROKEN = """\
table notes {
    id    bigint primary key
    body  string not null
}
"""


def pgshift(*args: str, cwd: Path, script: bool = False) -> subprocess.CompletedProcess[str]:
    """Run pgshift as a user would; no expected failure may show a traceback."""
    command = [str(CONSOLE_SCRIPT)] if script else [sys.executable, "-m", "pgshift"]
    result = subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True,
                            check=False)
    assert "Traceback" not in result.stdout + result.stderr
    assert "internal error" not in result.stderr
    return result


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def project_with(tmp_path: Path, files: dict[str, str], name: str = "app") -> Path:
    """A project directory with these migrations under migrations/."""
    root = tmp_path / name
    for file_name, text in files.items():
        write(root / "migrations" / file_name, text)
    root.mkdir(exist_ok=True)
    return root


def load_generated(path: Path) -> list[Migration]:
    """Import a generated module by path, as the runner does, and return its list."""
    spec = importlib.util.spec_from_file_location(f"generated_{uuid.uuid4().hex}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    migrations: Any = module.POSTGRESQL_MIGRATIONS
    assert isinstance(migrations, list)
    assert all(isinstance(m, Migration) for m in migrations)
    return migrations


def snapshot(directory: Path) -> dict[str, bytes]:
    if not directory.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def error_blocks(stderr: str) -> list[str]:
    """The diagnostics' first lines, without pgshift's closing summary line."""
    return [line for line in stderr.splitlines()
            if ": error: " in line and not line.startswith("pgshift: ")]


# ---------------------------------------------------------------- new

def test_new_numbers_migrations_from_0_0_1(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    first = pgshift("new", "initial schema", "--project", str(root), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "migrations/0.0.1_initial_schema.shift"
    created = root / "migrations" / "0.0.1_initial_schema.shift"
    assert created.is_file()
    assert all(line.startswith("--") for line in created.read_text().splitlines() if line)

    second = pgshift("new", "Add Language!", cwd=root, script=True)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "migrations/0.0.2_add_language.shift"
    assert sorted(p.name for p in (root / "migrations").iterdir()) == [
        "0.0.1_initial_schema.shift", "0.0.2_add_language.shift"]


def test_new_after_0_0_9_is_0_0_10(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.2_b.shift": FIRST, "0.0.9_c.shift": SECOND})
    result = pgshift("new", "d", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "migrations/0.0.10_d.shift"
    again = pgshift("new", "e", cwd=root)
    assert again.stdout.strip() == "migrations/0.0.11_e.shift"


def test_new_in_a_timestamp_history_takes_a_later_timestamp(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"20261123093000_initial.shift": FIRST})
    result = pgshift("new", "notes", "--project", "app", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r"migrations/(\d+)_notes\.shift", result.stdout.strip())
    assert match is not None, result.stdout
    assert len(match[1]) == 14
    assert int(match[1]) > 20261123093000
    assert (root / result.stdout.strip()).is_file()


def test_new_with_a_name_without_letters_is_a_usage_error(tmp_path: Path) -> None:
    result = pgshift("new", "!!!", cwd=tmp_path)
    assert result.returncode == 2
    assert "'!!!'" in result.stderr
    assert not (tmp_path / "migrations").exists()


# ---------------------------------------------------------------- compile, check, sql, plan

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
    assert lines[0].startswith("migrations/0.0.2_notes.shift:3:11: error: unknown type 'string'")
    assert lines[1] == "    body  string not null"
    assert lines[2] == "          ^~~~~~"
    assert snapshot(root / "generated") == before
    assert result.stdout == ""


def test_a_broken_first_migration_creates_no_generated_directory(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_notes.shift": BROKEN})
    result = pgshift("compile", "--project", "app", cwd=tmp_path)
    assert result.returncode == 3
    assert re.match(r"migrations/0\.0\.1_notes\.shift:\d+:\d+: error: ", result.stderr)
    assert not (root / "generated").exists()


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


# ---------------------------------------------------------------- [tool.pgshift]

def test_tool_pgshift_directories_are_honoured(tmp_path: Path) -> None:
    root = tmp_path / "service"
    write(root / "pyproject.toml",
          '[project]\nname = "service"\n\n[tool.pgshift]\n'
          'migrations = "db/migrations"\ngenerated = "src/service/db"\n')

    created = pgshift("new", "initial", "--project", str(root), cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "db/migrations/0.0.1_initial.shift"
    write(root / "db" / "migrations" / "0.0.1_initial.shift", FIRST)

    compiled = pgshift("compile", cwd=root)
    assert compiled.returncode == 0, compiled.stderr
    assert "src/service/db/postgresql.py written" in compiled.stdout
    assert sorted(snapshot(root / "src" / "service" / "db")) == ["postgresql.py", "schema.sql"]
    assert not (root / "migrations").exists()
    assert not (root / "generated").exists()
    module = root / "src" / "service" / "db" / "postgresql.py"
    assert "from db/migrations/*.shift" in module.read_text(encoding="utf-8")
    assert [m.version for m in load_generated(module)] == ["0.0.1"]

    assert pgshift("check", "--project", str(root), cwd=tmp_path).returncode == 0
    write(root / "db" / "migrations" / "0.0.2_language.shift", SECOND)
    stale = pgshift("check", "--project", str(root), cwd=tmp_path)
    assert stale.returncode == 4
    assert "src/service/db/postgresql.py" in stale.stderr


@pytest.mark.parametrize(("pyproject", "fragment"), [
    ("[tool.pgshift\n", "pyproject.toml"),
    ("[tool]\npgshift = 3\n", "[tool.pgshift]"),
])
def test_a_bad_pyproject_is_a_configuration_error(tmp_path: Path, pyproject: str,
                                                  fragment: str) -> None:
    write(tmp_path / "pyproject.toml", pyproject)
    result = pgshift("check", cwd=tmp_path)
    assert result.returncode == 5
    assert fragment in result.stderr


def test_a_missing_project_directory_is_a_configuration_error(tmp_path: Path) -> None:
    result = pgshift("compile", "--project", str(tmp_path / "nope"), cwd=tmp_path)
    assert result.returncode == 5
    assert "nope" in result.stderr


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


# ---------------------------------------------------------------- help and usage

def _command_names() -> list[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    raise AssertionError("pgshift has no subcommands")


def test_every_command_is_covered_by_the_help_test() -> None:
    assert {"compile", "check", "plan", "new", "sql"} <= set(_command_names())


@pytest.mark.parametrize("command", [[], *([name] for name in _command_names())])
def test_help_exits_0_with_examples(tmp_path: Path, command: list[str]) -> None:
    result = pgshift(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "examples:" in result.stdout
    assert re.search(r"^  pgshift " + (command[0] if command else ""), result.stdout, re.M)
    if not command:
        for name in _command_names():
            assert name in result.stdout


@pytest.mark.parametrize("args", [
    [],
    ["bogus"],
    ["sql"],
    ["new"],
    ["compile", "--no-such-option"],
    ["check", "extra-argument"],
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = pgshift(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: pgshift" in result.stderr
    assert result.stdout == ""


def test_version(tmp_path: Path) -> None:
    result = pgshift("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert re.fullmatch(r"pgshift \d+\.\d+\.\d+\S*\n", result.stdout)


# ---------------------------------------------------------------- findings

def test_generated_path_that_is_a_file_is_a_configuration_error(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST})
    write(root / "generated", "not a directory\n")
    result = pgshift("compile", cwd=root)
    assert result.returncode == 5
    assert "generated" in result.stderr


def test_migrations_path_that_is_a_file_is_a_configuration_error(tmp_path: Path) -> None:
    write(tmp_path / "migrations", "not a directory\n")
    result = pgshift("new", "initial", cwd=tmp_path)
    assert result.returncode == 5
    assert "migrations" in result.stderr


def test_project_that_is_a_file_says_so(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.txt", "x\n")
    result = pgshift("check", "--project", str(path), cwd=tmp_path)
    assert result.returncode == 5
    assert "does not exist" not in result.stderr
    assert "not a directory" in result.stderr


def test_a_non_string_directory_setting_is_a_configuration_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.pgshift]\nmigrations = ["a", "b"]\n')
    result = pgshift("check", cwd=tmp_path)
    assert result.returncode == 5
    assert "migrations" in result.stderr


def test_a_non_utf8_migration_shows_the_line_and_a_caret(tmp_path: Path) -> None:
    root = project_with(tmp_path, {})
    path = root / "migrations" / "0.0.1_initial.shift"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"table t { id int }\n-- caf\xe9\n")
    result = pgshift("compile", cwd=root)
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    assert lines[0].startswith("migrations/0.0.1_initial.shift:2:7: error: ")
    assert lines[1].startswith("-- caf")
    assert lines[2] == "      ^"


def test_moving_the_migrations_directory_updates_the_header(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST})
    assert pgshift("compile", cwd=root).returncode == 0
    (root / "migrations").rename(root / "db")
    write(root / "pyproject.toml", '[tool.pgshift]\nmigrations = "db"\n')
    assert pgshift("compile", cwd=root).returncode == 0
    header = (root / "generated" / "postgresql.py").read_text(encoding="utf-8")
    assert "# source 0.0.1 db/0.0.1_initial.shift" in header


def test_a_hostile_migrations_directory_name_still_gives_an_importable_module(
        tmp_path: Path) -> None:
    root = tmp_path / "app"
    write(root / "pyproject.toml", '[tool.pgshift]\nmigrations = "m\\"\\"\\"x"\n')
    write(root / 'm"""x' / "0.0.1_initial.shift", FIRST)
    result = pgshift("compile", cwd=root)
    if result.returncode == 0:
        assert [m.version for m in load_generated(root / "generated" / "postgresql.py")] == [
            "0.0.1"]
    else:
        assert result.returncode == 5
