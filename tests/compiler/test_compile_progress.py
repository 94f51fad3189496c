"""A compile's progress bar: drawn on a terminal when many files need compiling (a first
compile of a long history), only as it grows, and wiped before the result is printed;
never off a terminal, never for the file or two an everyday compile does."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pgshift.commands.build import BAR_FROM, compile_project
from pgshift.commands.progress import WIDTH
from pgshift.compiler.history import compile_history
from pgshift.project import Project


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _project(root: Path, count: int) -> Project:
    migrations = root / "migrations"
    migrations.mkdir(parents=True)
    for number in range(1, count + 1):
        (migrations / f"0.0.{number}_table_{number}.shift").write_text(
            f"table t{number} {{\n    id bigint primary key\n}}\n", encoding="utf-8")
    return Project.load(root)


def test_a_long_first_compile_draws_a_bar_that_grows_then_is_wiped(tmp_path: Path) -> None:
    count = BAR_FROM + 10
    out = Terminal()
    assert compile_project(_project(tmp_path, count), out, io.StringIO()) == 0
    text = out.getvalue()
    draws = text.split("\r[")[1:]
    assert 2 <= len(draws) <= WIDTH + 1  # once per step of the bar, and the last file
    assert draws[0].startswith("-" * WIDTH + f"] 1/{count} migrations/0.0.1_table_1.shift")
    assert draws[-1].split("] ")[1].startswith(f"{count}/{count} ")
    wiped, result = text.rsplit("\r", 1)[0], text.rsplit("\r", 1)[1]
    assert wiped.endswith("\r" + " " * (WIDTH + 70))
    assert result == f"compiled {count} migrations: generated/postgresql.py written\n"


def test_no_bar_off_a_terminal(tmp_path: Path) -> None:
    out = io.StringIO()
    compile_project(_project(tmp_path, BAR_FROM + 10), out, io.StringIO())
    assert "\r" not in out.getvalue()
    assert out.getvalue().count("\n") == 1


@pytest.mark.parametrize("cached", [False, True], ids=["few-files", "cache-holds-the-rest"])
def test_no_bar_for_a_few_files(tmp_path: Path, cached: bool) -> None:
    """Fewer files than BAR_FROM; or many, of which the cache holds all but two."""
    project = _project(tmp_path, BAR_FROM + 10 if cached else 3)
    if cached:
        compile_project(project, io.StringIO(), io.StringIO())
        (project.migrations_dir / "0.0.99_more.shift").write_text("table more {\n    id int\n}\n")
    out = Terminal()
    compile_project(project, out, io.StringIO())
    assert "\r" not in out.getvalue()


def test_compile_history_reports_each_file_it_compiles_not_those_cached(tmp_path: Path) -> None:
    project = _project(tmp_path, 5)
    cache = tmp_path / "cache.pickle"
    heard: list[tuple[int, int, str]] = []
    compile_history(project.migrations_dir, project.root, cache,
                    progress=lambda *step: heard.append(step))
    assert heard == [(n, 5, f"migrations/0.0.{n}_table_{n}.shift") for n in range(1, 6)]
    heard.clear()
    compile_history(project.migrations_dir, project.root, cache,
                    progress=lambda *step: heard.append(step))
    assert heard == [(1, 1, "migrations/0.0.5_table_5.shift")]  # the cache holds the rest
