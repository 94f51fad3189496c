"""Fixtures the front end's tests share (registered by tests/conftest.py): a private cache
directory for the parser's tables, one that cannot be used, and a scratch directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pgshift.dsl import parser, parser_cache


def _forget() -> None:
    parser_cache.cache_directory.cache_clear()
    parser.tree_parser.cache_clear()
    parser._ast_parser.cache_clear()


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The user's cache directory, the test's own: the parser's tables are looked for
    (and kept) there again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _forget()
    yield tmp_path / "cache" / "pgshift"
    _forget()


@pytest.fixture
def unusable_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A cache directory that cannot be made: where it should be stands a file."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    _forget()
    yield
    _forget()


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")
