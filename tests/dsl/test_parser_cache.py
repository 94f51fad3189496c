"""Where the parser keeps its tables between processes: the user's own, private cache
directory, never a pickle in shared /tmp."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from pgshift.dsl import parser_cache
from pgshift.dsl.parser import GRAMMAR

GRAMMAR_TEXT = GRAMMAR.read_text(encoding="utf-8")


def test_the_cache_directory_is_the_users_own_and_private(cache_home: Path) -> None:
    directory = parser_cache.cache_directory()
    assert directory == cache_home
    assert stat.S_IMODE(cache_home.stat().st_mode) == 0o700


def test_lark_tables_go_to_the_users_cache_directory(cache_home: Path) -> None:
    path = parser_cache.lark_cache("tree", GRAMMAR_TEXT)
    assert isinstance(path, str)
    assert Path(path).parent == cache_home
    assert parser_cache.lark_cache("tree", GRAMMAR_TEXT + "\n") != path  # keyed by the grammar


@pytest.mark.usefixtures("unusable_cache_home")
def test_without_a_usable_cache_directory_lark_keeps_its_default() -> None:
    assert parser_cache.cache_directory() is None
    assert parser_cache.lark_cache("tree", GRAMMAR_TEXT) is True
