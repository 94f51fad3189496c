"""How `pgshift pull` writes names, types, values and expressions, read back by the front end
and the compiler: no database needed (the round trips through a real server are in
tests/e2e/test_cli_pull_roundtrip.py)."""

from __future__ import annotations

import re

import pytest
from lark.lexer import PatternRE, PatternStr

from pgshift.adopt.language import name, reparseable, type_name, unwrapped, value
from pgshift.adopt.records import Column, Constraint, Database, Index, IndexKey, Table
from pgshift.adopt.writing import write_migration
from pgshift.compiler.history import compile_texts
from pgshift.dsl.parser import tree_parser


def _grammar_words() -> list[str]:
    """Every word the grammar knows as a keyword, or inside a keyword's pattern."""
    words = set()
    for terminal in tree_parser().terminals:
        if isinstance(terminal.pattern, PatternStr):
            words.update(re.findall(r"[a-z]+", terminal.pattern.value.lower()))
        elif isinstance(terminal.pattern, PatternRE):
            words.update(re.findall(r"[a-z]{2,}", terminal.pattern.value))
    return sorted(words)


def _column(column_name: str, type_text: str = "text", **fields: object) -> Column:
    defaults: dict[str, object] = {"type_kind": "b", "not_null": False, "not_null_name": None,
                                   "default": None, "identity": "", "generated": "",
                                   "collation": None, "comment": None}
    defaults.update(fields)
    return Column(column_name, type_text, **defaults)  # type: ignore[arg-type]


def _compiled(database: Database) -> tuple[str, object]:
    pulled = write_migration(database, "0.0.1_pulled.shift")
    history = compile_texts([("0.0.1_pulled.shift", pulled.text)])
    assert not history.errors, [d.message for d in history.errors]
    return pulled.text, history.model


@pytest.mark.parametrize("word", _grammar_words())
def test_every_keyword_reads_back_as_the_name_it_was(word: str) -> None:
    """A keyword as a table, a column after another, a key column, an index, a constraint."""
    table = Table("public", word, columns=[_column("id", "bigint", not_null=True),
                                           _column(word)])
    table.constraints = [Constraint(f"{word}_pk", "p", ("id",), "PRIMARY KEY (id)"),
                         Constraint(f"{word}_key", "u", (word, "id"), "UNIQUE"),
                         Constraint(word, "c", (word,), "CHECK", expression="true")]
    index = Index("public", f"{word}_idx", word, False, "btree",
                  (IndexKey(word, None, None, False, False, False, False),), (), (), None,
                  True, True, "", None)
    text, model = _compiled(Database(["public"], tables=[table], indexes=[index]))

    compiled = model.tables[("public", word)]  # type: ignore[attr-defined]
    assert list(compiled.columns) == ["id", word], text
    assert set(compiled.constraints) == {f"{word}_pk", f"{word}_key", word}, text
    assert ("public", f"{word}_idx") in model.indexes, text  # type: ignore[attr-defined]


@pytest.mark.parametrize("written", ["Mixed Case", 'say "hi"', "dash-name", "ünïcode", "9lives"])
def test_names_that_need_quotes_keep_their_spelling(written: str) -> None:
    table = Table("public", written, columns=[_column(written)])
    text, model = _compiled(Database(["public"], tables=[table]))

    assert list(model.tables[("public", written)].columns) == [written], text  # type: ignore[attr-defined]


def test_plain_names_stay_bare() -> None:
    assert name("documents") == "documents"
    assert name("key") == "key"
    assert name("check") == '"check"'
    assert name("Title") == '"Title"'


@pytest.mark.parametrize(("server", "written"), [
    ("timestamp with time zone", "timestamptz"),
    ("timestamp(3) with time zone[]", "timestamptz(3)[]"),
    ("timestamp without time zone", "timestamp"),
    ("time with time zone", "timetz"),
    ("character varying(20)[]", "varchar(20)[]"),
    ("character(2)", "char(2)"),
    ("bit varying(16)", "varbit(16)"),
    ("double precision", "double precision"),
    ("vector(1536)", "vector(1536)"),
])
def test_types_are_written_the_short_way(server: str, written: str) -> None:
    assert type_name(server) == written


@pytest.mark.parametrize(("default", "column_type", "written"), [
    ("'en'::text", "text", "'en'"),
    ("'it''s'::character varying", "character varying", "'it''s'"),
    ("'en'::text", "character varying(2)", "`'en'::text`"),
    ("0", "integer", "0"),
    ("1.5", "numeric", "1.5"),
    ("true", "boolean", "true"),
    ("now()", "timestamp with time zone", "now()"),
    ("CURRENT_TIMESTAMP", "timestamp with time zone", "current_timestamp"),
    ("'-1'::integer", "integer", "'-1'"),
    ("'-1'::integer", "bigint", "`'-1'::integer`"),
    ("(now() + '1 day'::interval)", "timestamp with time zone",
     "`(now() + '1 day'::interval)`"),
])
def test_defaults_are_literals_where_exact_else_the_server_s_text(
        default: str, column_type: str, written: str) -> None:
    assert value(default, column_type) == written


def test_an_array_cast_keeps_its_place_when_read_back() -> None:
    stored = ("(status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])"
              "::text[])")
    assert reparseable(stored) == (
        "(status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying]"
        "::character varying[])::text[])")


@pytest.mark.parametrize("expression", [
    "n = ANY (ARRAY[(1)::numeric, 2.5])",
    "status = ANY (ARRAY['x'::text, 'y'::text])",
    "price > (0)::numeric",
    "note = '(ARRAY['",
])
def test_other_expressions_are_left_as_printed(expression: str) -> None:
    assert reparseable(expression) == expression


@pytest.mark.parametrize(("expression", "written"), [
    ("(a > 0)", "a > 0"),
    ("((a > 0) AND (b > 0))", "(a > 0) AND (b > 0)"),
    ("(a > 0) AND (b > 0)", "(a > 0) AND (b > 0)"),
    ("lower(t)", "lower(t)"),
])
def test_outer_parentheses_go_only_when_they_wrap_it_all(expression: str, written: str) -> None:
    assert unwrapped(expression) == written
