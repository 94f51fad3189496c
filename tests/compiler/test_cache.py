"""The compile cache: a warm compile must give exactly what a compile without a cache gives.

The cache holds the state after every file but the newest, keyed by a chain over each
file's path and content; it is reused while its keys are a prefix of the current ones and
rewritten only when compiling what it did not hold took at least as long as loading it.
Most tests run under a fake clock (`clock`) so that policy is deterministic: with every
cost at zero the cache is always rewritten, whatever the machine's load.
"""

from __future__ import annotations

import multiprocessing
import pickle
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pgshift.compiler.history as history_module
from pgshift.compiler.codegen import render_module, render_schema_file
from pgshift.compiler.history import History, compile_history
from pgshift.dsl import Diagnostic, render

CREATE_DOCS = """table documents {
    id    bigint identity primary key
    title text not null
    body  text
    url   text
}
"""
ADD_LANGUAGE = """alter table documents {
    add column language text not null default 'en'
    rename column body to content
}

table users {
    id    bigint identity primary key
    email text not null
}
"""
INDEX_TITLES = """index documents_title on documents (title)
alter table documents {
    drop column url
}
"""
AUTHORS = """alter table documents {
    add column author_id bigint references users (id)
    add column rank integer not null
    alter column content set default 'none'
}
"""
COMMENTS = "comment on column documents.title is 'shown in lists'\n"
USER_INDEX = "unique index users_email on users (email)\n"
HISTORY = [
    ("0.0.1_create_docs.shift", CREATE_DOCS),
    ("0.0.2_add_language.shift", ADD_LANGUAGE),
    ("0.0.3_index_titles.shift", INDEX_TITLES),  # warns: drop column
    ("0.0.4_authors.shift", AUTHORS),  # warns: not null column without a default
]
CACHED = len(HISTORY) - 1  # the cache never holds the newest file

Outcome = tuple[str, str, list[Diagnostic], list[str]]


def outcome(history: History) -> Outcome:
    """Everything a compile produces that a user sees: module, schema, diagnostics."""
    rendered = [render(d, history.source(d.file)) for d in history.diagnostics]
    return (render_module(history, "migrations"), render_schema_file(history),
            history.diagnostics, rendered)


@dataclass
class Clock:
    """A perf_counter that moves only when the cache is loaded or a file is compiled."""

    now: float = 0.0
    load_cost: float = 0.0
    compile_cost: float = 0.0

    def perf_counter(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Replace the history module's clock, charging fixed costs to loading and compiling."""
    fake = Clock()
    load, compile_one = history_module._load_cache, history_module._compile_one

    def timed_load(path: Path | None) -> Any:
        fake.now += fake.load_cost
        return load(path)

    def timed_compile(*args: Any) -> Any:
        fake.now += fake.compile_cost
        return compile_one(*args)

    monkeypatch.setattr(history_module, "time", SimpleNamespace(perf_counter=fake.perf_counter))
    monkeypatch.setattr(history_module, "_load_cache", timed_load)
    monkeypatch.setattr(history_module, "_compile_one", timed_compile)
    return fake


@dataclass
class Project:
    """A project directory: its migrations and its compile cache."""

    root: Path

    @property
    def migrations(self) -> Path:
        return self.root / "migrations"

    @property
    def cache(self) -> Path:
        return self.root / "build" / "history.pickle"

    def write(self, files: list[tuple[str, str]]) -> None:
        self.migrations.mkdir(parents=True, exist_ok=True)
        for name, text in files:
            (self.migrations / name).write_text(text, encoding="utf-8")

    def delete(self, name: str) -> None:
        (self.migrations / name).unlink()

    def compile(self, cached: bool = True) -> History:
        return compile_history(self.migrations, self.root, self.cache if cached else None)

    def uncached(self) -> Outcome:
        return outcome(self.compile(cached=False))


@pytest.fixture
def project(tmp_path: Path, clock: Clock) -> Project:
    """The four-file history, compiled once cold, so the cache holds its first three files."""
    project = Project(tmp_path)
    project.write(HISTORY)
    project.compile()
    return project


def test_cold_compile_writes_the_cache_and_a_second_compile_reuses_it(tmp_path: Path,
                                                                      clock: Clock) -> None:
    """The cache is written on the first compile; the next one compiles only the newest file."""
    project = Project(tmp_path)
    project.write(HISTORY)
    cold = project.compile()
    assert cold.reused == 0
    assert project.cache.is_file()
    warm = project.compile()
    assert warm.reused == CACHED
    assert outcome(warm) == outcome(cold)
    assert outcome(warm) == project.uncached()


def test_a_warm_compile_with_nothing_new_leaves_the_cache_alone(project: Project) -> None:
    """With only the newest file to compile there is nothing new worth writing."""
    before = project.cache.read_bytes(), project.cache.stat().st_mtime_ns
    assert project.compile().reused == CACHED
    assert (project.cache.read_bytes(), project.cache.stat().st_mtime_ns) == before


def test_appending_a_file_reuses_the_prefix(project: Project) -> None:
    project.write([("0.0.5_comments.shift", COMMENTS)])
    warm = project.compile()
    assert warm.reused == CACHED
    assert outcome(warm) == project.uncached()
    assert project.compile().reused == CACHED + 1  # rewritten: free under the zero clock


def test_editing_the_newest_file_reuses_the_prefix(project: Project) -> None:
    project.write([("0.0.4_authors.shift", AUTHORS.replace("'none'", "'empty'"))])
    warm = project.compile()
    assert warm.reused == CACHED
    assert "'empty'" in render_schema_file(warm)
    assert outcome(warm) == project.uncached()


def test_editing_an_earlier_file_compiles_everything_again(project: Project) -> None:
    """Only the state after N-1 files is cached, so an edit in the middle reuses nothing."""
    project.write([("0.0.2_add_language.shift", ADD_LANGUAGE.replace("'en'", "'fr'"))])
    warm = project.compile()
    assert warm.reused == 0
    assert "'fr'" in render_schema_file(warm)
    assert outcome(warm) == project.uncached()


def test_an_earlier_edit_that_breaks_a_later_file_is_reported(project: Project) -> None:
    """Renaming the column that 0.0.3 indexes must fail 0.0.3, not reuse its old result."""
    project.write([("0.0.1_create_docs.shift", CREATE_DOCS.replace("title", "heading"))])
    warm = project.compile()
    assert warm.reused == 0
    assert [d.file for d in warm.errors] == ["migrations/0.0.3_index_titles.shift"]
    assert outcome(warm) == project.uncached()


@pytest.mark.parametrize(("old", "new", "reused"), [
    ("0.0.4_authors.shift", "0.0.4_add_authors.shift", CACHED),
    ("0.0.2_add_language.shift", "0.0.2_languages.shift", 0),
])
def test_renaming_a_file(project: Project, old: str, new: str, reused: int) -> None:
    """A file's name is part of its key: its description reaches the generated module."""
    (project.migrations / old).rename(project.migrations / new)
    warm = project.compile()
    assert warm.reused == reused
    assert outcome(warm) == project.uncached()


@pytest.mark.parametrize(("deleted", "reused"), [
    (["0.0.4_authors.shift"], CACHED),  # the cache holds exactly what is left
    (["0.0.4_authors.shift", "0.0.3_index_titles.shift"], 0),  # the cache is longer
    (["0.0.2_add_language.shift"], 0),
])
def test_deleting_files(project: Project, deleted: list[str], reused: int) -> None:
    for name in deleted:
        project.delete(name)
    warm = project.compile()
    assert warm.reused == reused
    assert outcome(warm) == project.uncached()


def _repickled(**changes: object) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        cache = pickle.loads(data)
        for name, value in changes.items():
            setattr(cache, name, value)
        return pickle.dumps(cache)
    return change


@pytest.mark.parametrize("damage", [
    pytest.param(lambda data: random.Random(7).randbytes(len(data)), id="random-bytes"),
    pytest.param(lambda data: b"", id="empty"),
    pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
    pytest.param(lambda data: pickle.dumps({"format": 3, "keys": []}), id="other-object"),
    pytest.param(_repickled(format=history_module.CACHE_FORMAT + 1), id="other-format"),
    pytest.param(_repickled(compiler="0.0.0"), id="other-compiler"),
])
def test_an_unusable_cache_is_ignored_and_replaced(project: Project,
                                                   damage: Callable[[bytes], bytes]) -> None:
    """A bad cache costs a cold compile, never an error or a wrong result."""
    project.cache.write_bytes(damage(project.cache.read_bytes()))
    warm = project.compile()
    assert warm.reused == 0
    assert outcome(warm) == project.uncached()
    assert project.compile().reused == CACHED


def test_a_cache_of_another_format_is_ignored(tmp_path: Path, clock: Clock,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project(tmp_path)
    project.write(HISTORY)
    with monkeypatch.context() as patch:
        patch.setattr(history_module, "CACHE_FORMAT", history_module.CACHE_FORMAT - 1)
        project.compile()
        assert project.compile().reused == CACHED  # readable by the format that wrote it
    warm = project.compile()
    assert warm.reused == 0
    assert outcome(warm) == project.uncached()


def test_warnings_of_cached_files_are_still_reported(project: Project) -> None:
    warm = project.compile()
    assert warm.reused == CACHED
    assert [(d.file, d.code) for d in warm.diagnostics] == [
        ("migrations/0.0.3_index_titles.shift", "data-loss"),
        ("migrations/0.0.4_authors.shift", "not-null-without-default"),
    ]
    assert outcome(warm) == project.uncached()


@pytest.mark.parametrize("broken", [
    AUTHORS.replace("author_id bigint", "author_id bigint references nowhere (id)"),
    AUTHORS.replace("}", ""),  # a syntax error
])
def test_an_error_in_the_newest_file_then_its_fix(tmp_path: Path, clock: Clock,
                                                  broken: str) -> None:
    """The prefix is cached before the newest file compiles, so a failing one still saves it."""
    project = Project(tmp_path)
    project.write([*HISTORY[:-1], ("0.0.4_authors.shift", broken)])
    failed = project.compile()
    assert [d.file for d in failed.errors] == ["migrations/0.0.4_authors.shift"]
    assert outcome(failed) == project.uncached()
    project.write(HISTORY)
    fixed = project.compile()
    assert fixed.reused == CACHED
    assert fixed.errors == []
    assert outcome(fixed) == project.uncached()


def test_an_error_before_the_newest_file_writes_no_cache(tmp_path: Path, clock: Clock) -> None:
    project = Project(tmp_path)
    project.write([*HISTORY[:2], ("0.0.3_index_titles.shift", "index x on nowhere (y)\n"),
                   HISTORY[3]])
    failed = project.compile()
    assert failed.errors != []
    assert not project.cache.exists()
    project.write(HISTORY)
    assert project.compile().reused == 0
    assert project.compile().reused == CACHED


@pytest.mark.parametrize(("load_cost", "rewritten"), [
    (10.0, False), (2.5, False), (2.0, True), (0.5, True),
])
def test_the_cache_is_rewritten_only_when_compiling_took_as_long_as_loading(
        project: Project, clock: Clock, load_cost: float, rewritten: bool) -> None:
    """Two new files cost 2 units; the cache is rewritten iff loading it cost at most that."""
    project.write([("0.0.5_comments.shift", COMMENTS), ("0.0.6_user_index.shift", USER_INDEX)])
    before = project.cache.read_bytes(), project.cache.stat().st_mtime_ns
    clock.load_cost, clock.compile_cost = load_cost, 1.0
    warm = project.compile()
    assert warm.reused == CACHED
    assert outcome(warm) == project.uncached()
    after = project.cache.read_bytes(), project.cache.stat().st_mtime_ns
    assert (after != before) is rewritten
    assert sorted(p.name for p in project.cache.parent.iterdir()) == [project.cache.name]
    assert project.compile().reused == (CACHED + 2 if rewritten else CACHED)


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path, clock: Clock) -> None:
    """The cache only saves time: where it cannot be written (its place is a directory), the
    compile still succeeds, with the result an uncached compile gives, and leaves no litter."""
    project = Project(tmp_path)
    project.write(HISTORY)
    project.cache.mkdir(parents=True)
    compiled = project.compile()
    assert not compiled.errors
    assert outcome(compiled) == project.uncached()
    assert project.cache.is_dir()
    assert [p.name for p in project.cache.parent.iterdir()] == [project.cache.name]


def _compile_repeatedly(root: str, times: int) -> int:
    """Compile from a cold cache again and again; how many compiles failed."""
    project = Project(Path(root))
    failures = 0
    for _ in range(times):
        project.cache.unlink(missing_ok=True)
        try:
            project.compile()
        except OSError:
            failures += 1
    return failures


def test_two_compiles_of_one_project_at_once_never_fail(tmp_path: Path) -> None:
    """Two processes writing one project's cache at the same moments: each writes under a
    name of its own and moves it into place, so neither trips over the other's file."""
    project = Project(tmp_path)
    project.write([(f"0.0.{n}_table_{n}.shift", f"table t{n} {{\n    id bigint primary key\n}}\n")
                   for n in range(1, 31)])
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        failures = pool.starmap(_compile_repeatedly, [(str(tmp_path), 40)] * 2)
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
