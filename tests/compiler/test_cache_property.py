"""The compile cache under conditions a fixed history does not reach: any sequence of an
author's edits (a hypothesis property), and two compiles of one project at once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.compiler.cache_support import CREATE_DOCS, Project, compile_repeatedly, outcome


def test_two_compiles_of_one_project_at_once_never_fail(tmp_path: Path) -> None:
    """Two processes writing one project's cache at the same moments: each writes under a
    name of its own and moves it into place, so neither trips over the other's file."""
    project = Project(tmp_path)
    project.write([(f"0.0.{n}_table_{n}.shift", f"table t{n} {{\n    id bigint primary key\n}}\n")
                   for n in range(1, 31)])
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        failures = pool.starmap(compile_repeatedly, [(str(tmp_path), 40)] * 2)
    assert failures == [0, 0]
    assert project.compile().reused == 29


# ------------------------------------------------------------------ property

# Texts an author might append, as templates on the file's number n, so most sequences
# compile; some fail (a second rename, dropping what is gone, a syntax error) and then the
# diagnostics must agree. Warnings come from drops and NOT NULL columns without a default.
POOL = [
    ("table", "table t{n} {{\n    id bigint primary key\n    body text\n}}\n"),
    ("add_column", "alter table documents {{\n    add column c{n} text default 'x'\n}}\n"),
    ("not_null", "alter table documents {{\n    add column r{n} integer not null\n}}\n"),
    ("drop_body", "alter table documents {{\n    drop column body\n}}\n"),
    ("rename_title", "alter table documents {{\n    rename column title to heading\n}}\n"),
    ("index", "index documents_i{n} on documents (title)\n"),
    ("broken", "table {{\n"),
    ("drop_table", "drop table t{m}\n"),
]
OPERATIONS = ["append", "append", "edit_newest", "edit_earlier", "delete_newest", "rename"]


def _apply(files: list[tuple[str, str]], operation: str, where: int, pick: int) -> None:
    """One step of an author's work on `files`, (file name, text) pairs whose first one,
    creating `documents`, is only ever renamed: without it nearly every sequence fails."""
    def text(index: int) -> str:
        return POOL[pick][1].format(n=index + 1, m=index)

    if operation == "append" or len(files) == 1:
        files.append((f"0.0.{len(files) + 1}_{POOL[pick][0]}.shift", text(len(files))))
    elif operation == "delete_newest":
        files.pop()
    elif operation == "rename":
        index = where % len(files)
        version = files[index][0].split("_", 1)[0]
        files[index] = (f"{version}_renamed_{pick}.shift", files[index][1])
    else:
        earlier = operation == "edit_earlier" and len(files) > 2
        index = 1 + where % (len(files) - 2) if earlier else len(files) - 1
        files[index] = (files[index][0], text(index))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 7),
                                st.sampled_from(range(len(POOL)))), min_size=1, max_size=8))
def test_results_never_depend_on_the_cache(tmp_path_factory: pytest.TempPathFactory,
                                           steps: list[tuple[str, int, int]]) -> None:
    """After any sequence of edits, a compile with the cache equals one without it (under
    the real clock, so whether the cache is rewritten varies too)."""
    project = Project(tmp_path_factory.mktemp("history"))
    project.migrations.mkdir()
    files = [("0.0.1_documents.shift", CREATE_DOCS)]
    for operation, where, pick in steps:
        _apply(files, operation, where, pick)
        for path in project.migrations.iterdir():
            path.unlink()
        project.write(files)
        assert outcome(project.compile()) == project.uncached(), (operation, files)
