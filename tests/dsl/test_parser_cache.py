"""Where the parsers keep their tables and token filtering between processes: the user's
own, private cache directory, with the filtering as JSON, never a pickle in shared /tmp."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgshift.dsl import parser_cache
from pgshift.dsl.parser import GRAMMAR, _filtering_of, lark_parser

GRAMMAR_TEXT = GRAMMAR.read_text(encoding="utf-8")


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    parser_cache.cache_directory.cache_clear()
    yield tmp_path / "cache" / "pgshift"
    parser_cache.cache_directory.cache_clear()


def test_the_cache_directory_is_the_users_own_and_private(cache_home: Path) -> None:
    directory = parser_cache.cache_directory()
    assert directory == cache_home
    assert stat.S_IMODE(cache_home.stat().st_mode) == 0o700


def test_lark_tables_go_to_the_users_cache_directory(cache_home: Path) -> None:
    path = parser_cache.lark_cache("ast", GRAMMAR_TEXT)
    assert isinstance(path, str)
    assert Path(path).parent == cache_home
    assert parser_cache.lark_cache("ast", GRAMMAR_TEXT + "\n") != path  # keyed by the grammar


def test_filtering_round_trips_through_json(cache_home: Path) -> None:
    computed = _filtering_of(lark_parser())
    assert parser_cache.load_filtering(GRAMMAR_TEXT) is None
    parser_cache.save_filtering(GRAMMAR_TEXT, computed)
    [saved] = cache_home.glob("filtering-*.json")
    assert saved.read_text(encoding="utf-8").startswith("{")
    assert parser_cache.load_filtering(GRAMMAR_TEXT) == computed
    assert parser_cache.load_filtering(GRAMMAR_TEXT + "\n") is None  # another grammar


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"dropped": 1}', '{"rules": []}'])
def test_an_unreadable_filtering_file_is_computed_again(cache_home: Path, content: str) -> None:
    parser_cache.save_filtering(GRAMMAR_TEXT, _filtering_of(lark_parser()))
    [saved] = cache_home.glob("filtering-*.json")
    saved.write_text(content, encoding="utf-8")
    assert parser_cache.load_filtering(GRAMMAR_TEXT) is None


def test_without_a_usable_cache_directory_lark_keeps_its_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    parser_cache.cache_directory.cache_clear()
    try:
        assert parser_cache.cache_directory() is None
        assert parser_cache.lark_cache("ast", GRAMMAR_TEXT) is True
        assert parser_cache.load_filtering(GRAMMAR_TEXT) is None
        parser_cache.save_filtering(GRAMMAR_TEXT, _filtering_of(lark_parser()))  # no error
    finally:
        parser_cache.cache_directory.cache_clear()
