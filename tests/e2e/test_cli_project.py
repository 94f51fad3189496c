"""Where a project's files are: `[tool.pgshift]` in pyproject.toml, `--project DIR`, and the
configuration errors (exit 5) for bad settings and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli_support import (
    FIRST,
    SECOND,
    load_generated,
    pgshift,
    project_with,
    snapshot,
    write,
)

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


# ---------------------------------------------------------------- paths

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
