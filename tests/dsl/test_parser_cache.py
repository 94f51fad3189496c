"""Where the parser keeps its tables between processes: the user's own, private cache
directory, never a pickle in shared /tmp; and beside them, as JSON, the tokens each rule's
method never sees, so that a new process need not load the tree parser to learn them."""

from __future__ import annotations

import functools
import json
import stat
from pathlib import Path

import pytest

from pgshift.dsl import parser, parser_cache
from pgshift.dsl.parser import GRAMMAR
from pgshift.dsl.reducer import dropped_tokens

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


def _parse_afresh() -> str:
    """A parse as a new process makes it: nothing of the parsers kept in memory."""
    parser_cache.cache_directory.cache_clear()
    parser.tree_parser.cache_clear()
    parser._ast_parser.cache_clear()
    return type(parser.parse_text("table t { id bigint }").statements[0]).__name__


def test_the_tokens_each_rule_drops_are_kept_for_the_next_process(
        cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _parse_afresh() == "CreateTable"
    kept = parser_cache.drops_cache(GRAMMAR_TEXT)
    assert kept is not None
    assert kept.parent == cache_home
    expected = dropped_tokens(parser.tree_parser())
    assert {rule: frozenset(tokens) for rule, tokens in json.loads(kept.read_text()).items()} \
        == expected

    @functools.cache  # as the real one is, so the fixtures can forget it too
    def no_tree_parser() -> None:
        raise AssertionError("the tree parser was loaded to learn what is kept")

    monkeypatch.setattr(parser, "tree_parser", no_tree_parser)
    assert _parse_afresh() == "CreateTable"


def test_a_damaged_file_of_dropped_tokens_is_learnt_again(cache_home: Path) -> None:
    _parse_afresh()
    kept = parser_cache.drops_cache(GRAMMAR_TEXT)
    assert kept is not None
    for damage in ("{not json", '["a list"]', '{"create_table": 7}'):
        kept.write_text(damage)
        assert _parse_afresh() == "CreateTable"
        assert json.loads(kept.read_text()).keys() == dropped_tokens(parser.tree_parser()).keys()


@pytest.mark.usefixtures("unusable_cache_home")
def test_without_a_usable_cache_directory_the_tokens_are_learnt_each_time() -> None:
    assert parser_cache.drops_cache(GRAMMAR_TEXT) is None
    assert _parse_afresh() == "CreateTable"
