"""The parse loop's tables, kept between processes (dsl/lalr_tables.py): what a process
loads must parse exactly as what it would read out of Lark, a file that is not the tables
is rebuilt, and a process that parses only valid files never imports Lark."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pgshift.dsl import DiagnosticError, parse_text, parser, parser_cache
from pgshift.dsl.lalr_driver import LalrDriver, Refused
from pgshift.dsl.lalr_from_lark import grammar_tables as read_out
from pgshift.dsl.lalr_tables import FORMAT, dump, load
from pgshift.dsl.transform import ToAst
from tests.dsl.lalr_driver_support import SHIFT_FILES, SNIPPETS, corpus_texts, shift_text

GRAMMAR_TEXT = parser.GRAMMAR.read_text(encoding="utf-8")


def _asts(driver: LalrDriver, builder: ToAst, texts: list[str]) -> list[object]:
    results: list[object] = []
    for text in texts:
        builder.reset("x.shift")
        try:
            results.append((driver.parse(text, "x.shift"), builder.diagnostics))
        except Refused:
            results.append("refused")
    return results


def test_tables_loaded_from_their_file_parse_as_tables_read_out_of_lark() -> None:
    """Every .shift file of the repository, 300 files of the bench corpus and the driver
    tests' edge cases give the same AST (or the same refusal, the same diagnostics) through
    a marshal round trip."""
    texts = [shift_text(path) for path in SHIFT_FILES]
    texts += [*corpus_texts(1), *corpus_texts(2), *SNIPPETS.values()]
    fresh = read_out(parser.lark_parser())
    kept = load(dump(fresh))
    assert kept == fresh
    drivers = []
    for grammar in (fresh, kept):
        builder = ToAst("<none>", grammar.filtering)
        drivers.append((LalrDriver(grammar.tables, builder.builds()), builder))
    assert _asts(*drivers[0], texts) == _asts(*drivers[1], texts)
    assert len(texts) > 500


@pytest.mark.parametrize("data", [b"", b"\x00garbage", dump(read_out(parser.lark_parser()))[:-7]])
def test_data_that_is_not_the_tables_loads_as_none(data: bytes) -> None:
    assert load(data) is None


def test_tables_of_another_format_load_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    data = dump(read_out(parser.lark_parser()))
    monkeypatch.setattr("pgshift.dsl.lalr_tables.FORMAT", FORMAT + 1)
    assert load(data) is None


def test_the_tables_are_kept_in_the_users_cache_and_read_back(cache_home: Path) -> None:
    built = parser.grammar_tables()
    path = parser_cache.tables_cache(GRAMMAR_TEXT)
    assert path is not None
    assert path.parent == cache_home
    assert load(path.read_bytes()) == built
    parser.grammar_tables.cache_clear()
    assert parser.grammar_tables() == built
    assert sorted(p.name for p in cache_home.iterdir() if p.name.startswith(".")) == []


def test_a_damaged_tables_file_is_replaced(cache_home: Path) -> None:
    built = parser.grammar_tables()
    path = parser_cache.tables_cache(GRAMMAR_TEXT)
    assert path is not None
    path.write_bytes(b"not marshal data")
    parser.grammar_tables.cache_clear()
    assert parser.grammar_tables() == built
    assert load(path.read_bytes()) == built


def test_the_tables_file_is_named_after_what_they_were_read_out_of(cache_home: Path) -> None:
    path = parser_cache.tables_cache(GRAMMAR_TEXT)
    assert path is not None
    assert parser_cache.tables_cache(GRAMMAR_TEXT + "\n") != path
    assert path.suffix == ".marshal"


@pytest.mark.usefixtures("unusable_cache_home")
def test_without_a_usable_cache_directory_the_tables_are_read_out_each_time() -> None:
    assert parser_cache.tables_cache(GRAMMAR_TEXT) is None
    assert parser.grammar_tables() == read_out(parser.lark_parser())


CHILD = """
import sys
from pgshift.dsl import DiagnosticError, parse_text
parse_text("table t {\\n    id bigint identity primary key\\n    title text not null\\n}\\n")
print("valid", "lark" in sys.modules)
try:
    parse_text("table t {\\n    id bigint primary\\n}\\n", "broken.shift")
except DiagnosticError as failed:
    print("broken", "lark" in sys.modules, failed.diagnostics[0].code, failed.diagnostics[0].span)
"""


def test_a_process_imports_lark_only_to_explain_a_file_that_does_not_parse(
        tmp_path: Path) -> None:
    """The first process reads the tables out of Lark and keeps them; the next one parses a
    valid file without Lark, and loads Lark only for the broken one's diagnostic."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    outputs = [subprocess.run([sys.executable, "-c", CHILD], env=environment, check=True,
                              capture_output=True, text=True).stdout.splitlines()
               for _ in range(2)]
    assert outputs[0][0] == "valid True"  # read out of Lark: nothing was kept yet
    assert outputs[1][0] == "valid False"
    assert outputs[0][1] == outputs[1][1]
    assert outputs[1][1].startswith("broken True ")
    assert outputs[1][1].endswith("syntax broken.shift:3:1")


def test_the_diagnostic_of_a_broken_file_is_lark_s_as_before() -> None:
    with pytest.raises(DiagnosticError) as caught:
        parse_text("table t {\n    id bigint primary\n}\n", "broken.shift")
    assert caught.value.diagnostics[0].code == "syntax"
