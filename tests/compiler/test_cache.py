"""The compile cache: a warm compile must give exactly what a compile without a cache gives.

The cache holds the state after every file but the newest, keyed by a chain over each
file's path and content; it is reused while its keys are a prefix of the current ones and
rewritten only when compiling what it did not hold took at least as long as loading it.
Most tests run under a fake clock (`clock`) so that policy is deterministic: with every
cost at zero the cache is always rewritten, whatever the machine's load.
"""

from __future__ import annotations

import pickle
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import pgshift.compiler.history as history_module
from pgshift.compiler.codegen import render_schema_file
from tests.compiler.cache_support import (
    ADD_LANGUAGE,
    AUTHORS,
    CACHED,
    COMMENTS,
    CREATE_DOCS,
    HISTORY,
    SIGNED_FROM,
    USER_INDEX,
    Project,
    outcome,
    signed,
)


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
    """The cache with some fields changed, signed again as this user's pgshift would."""
    def change(data: bytes) -> bytes:
        cache = pickle.loads(data[SIGNED_FROM:])
        for name, value in changes.items():
            setattr(cache, name, value)
        return signed(pickle.dumps(cache))
    return change


@pytest.mark.parametrize("damage", [
    pytest.param(lambda data: random.Random(7).randbytes(len(data)), id="random-bytes"),
    pytest.param(lambda data: b"", id="empty"),
    pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
    pytest.param(lambda data: signed(pickle.dumps({"format": 3, "keys": []})),
                 id="other-object"),
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
        ("migrations/0.0.2_add_language.shift", "rename-column"),
        ("migrations/0.0.3_index_titles.shift", "index-blocks-writes"),
        ("migrations/0.0.3_index_titles.shift", "drop-column"),
        ("migrations/0.0.4_authors.shift", "constraint-scans"),
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
    (10.0, False), (1.5, False), (1.0, True), (0.5, True),
])
def test_the_cache_is_rewritten_only_when_compiling_took_as_long_as_loading(
        project: Project, clock: Clock, load_cost: float, rewritten: bool) -> None:
    """Three files are not in the cache, the newest included. The first costs 1 unit but is
    not counted (it pays for the parser's set-up), nor is the newest (the cache never holds
    it): the cache is rewritten iff loading it cost at most the 1 unit of the second."""
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


def test_one_file_beyond_the_cache_never_has_it_rewritten(project: Project,
                                                          clock: Clock) -> None:
    """Adding the next migration leaves one file between the cache and the newest: however
    long it took (the parser's set-up), a cache that cost anything to load stays as it is."""
    project.write([("0.0.5_comments.shift", COMMENTS)])
    before = project.cache.read_bytes()
    clock.load_cost, clock.compile_cost = 0.001, 100.0
    assert project.compile().reused == CACHED
    assert project.cache.read_bytes() == before


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


def test_external_declarations_held_by_the_cache_still_count(project: Project) -> None:
    """The model the cache keeps knows what earlier files declared external: a later file
    references it, and refuses to change it, exactly as a compile without the cache does."""
    project.write([("0.0.5_platform.shift", "external table auth.users {\n"
                                            "    id uuid primary key\n}\n"),
                   ("0.0.6_profiles.shift", "table profiles {\n    id uuid primary key"
                                            " references auth.users (id)\n}\n")])
    project.compile()
    project.write([("0.0.7_change.shift", "drop table auth.users\n")])
    warm = project.compile()
    assert warm.reused == 5  # the declaration among them: the newest is never cached
    assert [d.code for d in warm.errors] == ["external-object"]
    assert outcome(warm) == project.uncached()
