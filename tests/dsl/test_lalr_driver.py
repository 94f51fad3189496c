"""The parse loop of dsl/lalr_driver.py against Lark's own parse with the same tables.

The driver claims to accept exactly what Lark accepts and to hand each rule's build
function exactly the children Lark's tree builder puts in that rule's Tree, tokens with
Lark's positions. A driver whose builds make `Tree`s must therefore give Lark's tree,
compared here field by field (Token.__eq__ alone compares only the text).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark import Lark, Tree
from lark.exceptions import UnexpectedInput

from pgshift.dsl.lalr_driver import Refused
from pgshift.dsl.token import Token
from tests.dsl.lalr_driver_support import (
    REFUSED_SNIPPETS,
    SHIFT_FILES,
    SNIPPETS,
    corpus_texts,
    driver_shape,
    lark_shape,
    shape,
    shift_text,
    tree_driver,
    tree_driver_for,
)

# ------------------------------------------------------------------ the same trees as Lark


@pytest.mark.parametrize("path", SHIFT_FILES)
def test_every_shift_file_gets_larks_tree_or_is_refused_as_by_lark(path: str) -> None:
    text = shift_text(path)
    assert driver_shape(text) == lark_shape(text)


def test_the_shift_files_include_both_accepted_and_refused_ones() -> None:
    """Otherwise the test above would not test both directions."""
    outcomes = {lark_shape(shift_text(path)) == "refused" for path in SHIFT_FILES}
    assert outcomes == {True, False}


@pytest.mark.parametrize("seed", [1, 7])
def test_synthetic_history_gets_larks_trees(seed: int) -> None:
    texts = corpus_texts(seed)
    assert len(texts) == 150
    for text in texts:
        expected = lark_shape(text)
        assert expected != "refused"
        assert driver_shape(text) == expected


@pytest.mark.parametrize("text", SNIPPETS.values(), ids=SNIPPETS.keys())
def test_snippet_gets_larks_tree(text: str) -> None:
    expected = lark_shape(text)
    assert expected != "refused", "the snippet itself should be valid"
    assert driver_shape(text) == expected


@pytest.mark.parametrize("text", REFUSED_SNIPPETS.values(), ids=REFUSED_SNIPPETS.keys())
def test_text_lark_refuses_is_refused(text: str) -> None:
    assert lark_shape(text) == "refused"
    with pytest.raises(Refused):
        tree_driver().parse(text, "x.shift")


def rules_in(text: str) -> set[str]:
    tree = tree_driver().parse(text, "x.shift")
    assert isinstance(tree, Tree)
    return {str(subtree.data) for subtree in tree.iter_subtrees()}


def test_check_on_its_own_line_is_a_table_constraint_and_after_a_column_the_columns() -> None:
    """The two readings the blank-skipping shortcut could confuse, told apart as Lark does."""
    assert "check_constraint" in rules_in(SNIPPETS["table_check_at_line_start"])
    assert {"check", "check_constraint"} & rules_in(SNIPPETS["column_check"]) == {"check"}
    assert "interval_type" in rules_in(SNIPPETS["interval_then_column_day"])


def test_a_keyword_reaches_the_build_where_the_tree_keeps_it() -> None:
    """`null` is kept in `literal` and dropped in `not_null`: drops are per rule."""
    tree = tree_driver().parse("table t { a int not null default null }", "x.shift")
    assert isinstance(tree, Tree)
    literal = next(tree.find_data("literal")).children
    assert [(c.type, c.value) for c in literal if isinstance(c, Token)] == [("NULL", "null")]
    assert len(literal) == 1
    assert next(tree.find_data("not_null")).children == []


SMALL_GRAMMAR = r"""
start: _item*
_item: optionals | pair | optional_pair | word_list | many | repeated
optionals: "a" [NAME] [NUMBER NAME] "end"
pair: "b" _pair [NAME] -> paired
optional_pair: "c" [_pair] [word] NUMBER
word_list: "d" [word] ","? [NUMBER]
many: "e" _many ";"
repeated: "f" ("g" [NAME] NUMBER)* [NAME]
_pair: NAME NUMBER
_many: word+
word: NAME
NAME: /[a-z]+/
NUMBER: /\d+/
%ignore /[ \n]+/
"""
SMALL_TEXTS = (
    "", "a end", "a x end", "a 1 y end", "a x 1 y end", "b x 1", "b x 1 y", "c 1", "c x 1 1",
    "c w 1", "c x 1 w 1", "d", "d x", "d ,", "d x , 1", "d 1", "e x y z ;", "f", "f z",
    "f g 1 g x 2", "f g 1 z", "a end b x 1 d 5 f g 1", "a\n x\n\n 1 y end d", "a 1 end", "e ;",
)


def test_placeholders_and_inlined_rules_of_another_grammar_are_built_as_by_lark() -> None:
    """shift.lark's one `[...]` holds only inlined rules, so Lark puts no None there: this
    grammar has placeholders first, last, between and inside inlined rules."""
    lark = Lark(SMALL_GRAMMAR, parser="lalr", lexer="contextual", maybe_placeholders=True)
    driver = tree_driver_for(lark)
    outcomes: set[object] = set()
    for text in SMALL_TEXTS:
        try:
            expected = shape(lark.parse(text))
        except UnexpectedInput:
            expected = "refused"
        assert driver_shape(text, driver) == expected, text
        outcomes.add("refused" if expected == "refused" else "None" in repr(expected))
    assert outcomes == {"refused", True, False}


# ------------------------------------------------------------------ random texts


WORDS = (
    "table", "alter", "add", "column", "drop", "rename", "to", "type", "using", "set",
    "default", "not", "null", "check", "unique", "primary", "key", "nulls", "distinct",
    "constraint", "foreign", "references", "on", "delete", "update", "cascade", "no action",
    "interval", "day", "second", "year to month", "double", "precision", "time", "zone",
    "with", "without", "index", "include", "where", "comment", "is", "sql", "enum", "value",
    "migration", "extension", "identity", "generated", "always", "as", "stored", "collate",
    "a", "t", "key", "text", "int", '"Q""x"', "1", "-2", "3.5", "10ms", "'s'", "`a > 0`",
    '"""x\ny"""', "{", "}", "(", ")", ",", ".", "=", "[", "]", "$", "#", "'", "`", '"',
)
SEPARATORS = (" ", " ", " ", "\n", "\n  ", "\t", "\r\n", "", "  -- note\n", " --\n\n ", "\f")
TOKEN = re.compile(r'"""[\s\S]*?"""|"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'|`[^`]*`|--[^\n]*|'
                   r"-?\d+(?:\.\d+)?[a-z]*|\w+|\S")
SNIPPET_TOKENS = tuple(tuple(t for t in TOKEN.findall(s) if not t.startswith("--"))
                       for s in SNIPPETS.values() if s.strip())


@st.composite
def texts(draw: st.DrawFn) -> str:
    """A valid snippet's tokens, perhaps edited, rejoined with random blanks and comments."""
    tokens = list(draw(st.sampled_from(SNIPPET_TOKENS)))
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, len(tokens)))
        edit = draw(st.sampled_from(("insert", "delete", "duplicate", "truncate")))
        if edit == "insert":
            tokens.insert(where, draw(st.sampled_from(WORDS)))
        elif tokens and edit == "delete":
            del tokens[min(where, len(tokens) - 1)]
        elif tokens and edit == "duplicate":
            tokens.insert(where, tokens[min(where, len(tokens) - 1)])
        elif edit == "truncate":
            tokens = tokens[:where]
    if draw(st.booleans()):
        tokens = [t.upper() if draw(st.booleans()) else t for t in tokens]
    gaps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(tokens) + 1,
                         max_size=len(tokens) + 1))
    return gaps[0] + "".join(t + gap for t, gap in zip(tokens, gaps[1:], strict=True))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_random_texts_are_accepted_and_built_as_by_lark(text: str) -> None:
    assert driver_shape(text) == lark_shape(text)
