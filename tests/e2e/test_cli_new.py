"""`pgshift new`: how it numbers and names a new migration file, and what it refuses."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.cli_support import FIRST, SECOND, pgshift, project_with


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
