"""The parse loop as the AST parser uses it: text it refuses gets Lark's diagnostic, and each
rule's build is handed the span the AST relies on (tests/dsl/test_lalr_driver.py holds the
loop to Lark's trees)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from lark import Tree

from pgshift.dsl.diagnostics import DiagnosticError
from pgshift.dsl.lalr_driver import LalrDriver
from pgshift.dsl.parser import lark_parser, parse_text
from pgshift.dsl.source import Span
from pgshift.dsl.token import Token
from tests.dsl.lalr_driver_support import (
    Build,
    tree_driver_for,
)

# ------------------------------------------------------------------ the AST parser uses it


@pytest.mark.parametrize(("text", "code", "where"), [
    ("table t {\n  a int\n\ntable u { b int }\n", "unclosed-brace", "x.shift:1:9"),
    ("table t { a int", "unclosed-brace", "x.shift:1:9"),
    ("extension x\n\n   $", "syntax", "x.shift:3:4"),
    ("table t {\n a int,\n b int }", "syntax", "x.shift:2:7"),
])
def test_refused_text_gets_larks_diagnostic(text: str, code: str, where: str) -> None:
    """Refused sends the text to Lark, whose exception becomes the usual diagnostic, placed
    where Lark places it (the driver skips blanks inside a token's match)."""
    with pytest.raises(DiagnosticError) as caught:
        parse_text(text, "x.shift")
    assert [(d.code, str(d.span)) for d in caught.value.diagnostics] == [(code, where)]


# ------------------------------------------------------------------ what builds are given


Seen = list[tuple[str, tuple[int, int, int, int]]]


def recording_driver(overrides: Mapping[str, Build] = {}) -> tuple[LalrDriver, Seen]:
    """Builds that make Trees and record (rule, span) as they go; `overrides` replace some."""
    seen: Seen = []

    def build(rule: str, span: Span, children: list[Any]) -> Any:
        assert span.file == "x.shift"
        seen.append((rule, (span.line, span.column, span.end_line, span.end_column)))
        override = overrides.get(rule)
        return Tree(rule, children) if override is None else override(span, children)

    return tree_driver_for(lark_parser(), build), seen


def spans_of(seen: Seen, rule: str) -> list[tuple[int, int, int, int]]:
    return [span for name, span in seen if name == rule]


def test_a_rule_spans_its_first_to_its_last_token_dropped_keywords_included() -> None:
    driver, seen = recording_driver()
    driver.parse("table t {\n  a int\n}\nalter table t { alter column a set not null }", "x.shift")
    assert spans_of(seen, "create_table") == [(1, 1, 3, 2)]
    assert spans_of(seen, "column") == [(2, 3, 2, 8)]
    assert spans_of(seen, "type") == [(2, 5, 2, 8)]
    assert spans_of(seen, "set_not_null") == [(4, 32, 4, 44)]  # only keywords, all dropped
    assert spans_of(seen, "start") == [(1, 1, 4, 46)]


def test_a_rule_spans_inlined_rules_and_nested_values() -> None:
    driver, seen = recording_driver()
    driver.parse("table t { a int default f(1,\n 2) }", "x.shift")
    assert spans_of(seen, "function_call") == [(1, 25, 2, 4)]
    assert spans_of(seen, "default") == [(1, 17, 2, 4)]
    assert spans_of(seen, "column") == [(1, 11, 2, 4)]


def test_a_rule_without_positioned_children_gets_the_first_position() -> None:
    driver, seen = recording_driver({
        "type_name": lambda span, children: "int",
        "named_type": lambda span, children: None,
        "type": lambda span, children: None,
    })
    driver.parse("\n\ntable t { a int }", "x.shift")
    assert spans_of(seen, "named_type") == [(1, 1, 1, 1)]  # its only child is a str
    assert spans_of(seen, "type") == [(1, 1, 1, 1)]  # its only child is None
    assert spans_of(seen, "column") == [(3, 11, 3, 12)]  # `a` alone: the type is ignored
    empty, seen_empty = recording_driver()
    empty.parse("  -- nothing\n", "x.shift")
    assert seen_empty == [("start", (1, 1, 1, 1))]


@pytest.mark.parametrize("value", [None, "name", 42, True])
def test_a_value_without_position_is_ignored_by_the_parents_span(value: object) -> None:
    overrides: dict[str, Build] = {rule: lambda span, children: value
                                   for rule in ("qname", "named_type")}
    driver, seen = recording_driver(overrides)
    tree = driver.parse("drop table s.t\ntable t { a int[3] }", "x.shift")
    assert spans_of(seen, "qname") == [(1, 12, 1, 15), (2, 7, 2, 8)]
    assert spans_of(seen, "drop_table") == [(1, 1, 1, 11)]  # its dropped keywords only
    assert spans_of(seen, "type") == [(2, 16, 2, 19)]  # its `[3]` only
    assert isinstance(tree, Tree)
    assert next(tree.find_data("drop_table")).children == [value]


def test_a_token_returned_by_a_build_brings_its_own_position() -> None:
    elsewhere = Token("NAME", "x")
    elsewhere.line, elsewhere.column, elsewhere.end_line, elsewhere.end_column = 9, 5, 9, 6
    driver, seen = recording_driver({"type_name": lambda span, children: elsewhere})
    driver.parse("table t { a int }", "x.shift")
    assert spans_of(seen, "type_name") == [(1, 13, 1, 16)]
    assert spans_of(seen, "named_type") == [(9, 5, 9, 6)]
    assert spans_of(seen, "column") == [(1, 11, 9, 6)]
