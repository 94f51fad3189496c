"""The AST parse's transformer: Lark reduces a rule, the AST builder's method for it runs.

Lark (`Lark(..., transformer=Reducer(...))`) calls the transformer's attribute named after
each rule as the LALR parser reduces it, with the rule's children: tokens, what the rules
below returned, and a None for each absent `[optional]` item; it splices in the children of
`_rules` itself. The builder's methods need more than that: the rule's span, and its
children without keywords and punctuation. So each reduction here:

- finds the span from the first to the last child that has a place (tokens, and the
  values of the rules below, which carry their offsets), keywords included: that is why
  the parser keeps every token (`keep_all_tokens=True`);
- leaves out the tokens a parse tree leaves out for that rule (Lark's plain tree parser
  knows which: `dropped_tokens`), so a method sees what a tree's children would be;
- calls the method with the span and those children, and hands Lark the result with its
  offsets (`Reduced`), for the rule above.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from lark import Lark, Token
from lark.grammar import Terminal

from .source import Span

Build = Callable[[Span, list[Any]], Any]  # a rule's method: its span, its children → value
_UNPOSITIONED = (str, int, bool)  # values a rule may return that carry no place of their own


class Reduced(NamedTuple):
    """A rule's value, with the offsets of the text it was reduced from (None: no text,
    or a value such as a keyword's spelling that is not a piece of the AST)."""

    value: Any
    start_pos: int | None
    end_pos: int | None


def dropped_tokens(tree_parser: Lark) -> dict[str, frozenset[str]]:
    """For each rule, the token types its method never sees: the keywords and punctuation
    a parse tree leaves out, written in quotes (or named `_LIKE_THIS`) in some rule, unless
    this rule names the terminal itself (`literal: … | NULL` keeps its NULL). Read from a
    parser built without `keep_all_tokens`, whose rules still mark them (`filter_out`).
    A rule drops them among the children spliced from the `_rules` below it too."""
    dropped: set[str] = set()
    kept: dict[str, set[str]] = {}
    for rule in tree_parser.rules:
        name = str(rule.alias or rule.origin.name)
        kept.setdefault(name, set())
        for symbol in rule.expansion:
            if isinstance(symbol, Terminal):
                (dropped if symbol.filter_out else kept[name]).add(symbol.name)
    return {name: frozenset(dropped - names) for name, names in kept.items()}


class Reducer:
    """Lark's transformer for the AST parse: one callable per rule not named `_…` (Lark
    splices those), made as Lark asks for it when it builds the parser."""

    def __init__(self, builder: Any, drops: Mapping[str, frozenset[str]],
                 span_of: Callable[[int, int], Span]) -> None:
        self._builder = builder
        self._drops = drops
        self._span_of = span_of

    def __getattr__(self, rule: str) -> Callable[[list[Any]], Reduced]:
        if rule.startswith("_"):  # `_rules` and Lark's own helpers (`__default__`, …)
            raise AttributeError(rule)
        build: Build = getattr(self._builder, rule)
        drop = self._drops.get(rule, frozenset())
        span_of = self._span_of

        def reduce(children: list[Any]) -> Reduced:
            placed = [child for child in children
                      if child is not None and child.start_pos is not None]
            start = placed[0].start_pos if placed else None
            end = placed[-1].end_pos if placed else None
            values = [child.value if type(child) is Reduced else child for child in children]
            if drop:
                values = [value for value in values
                          if not (type(value) is Token and value.type in drop)]
            span = span_of(start, end) if start is not None and end is not None \
                else span_of(0, 0)
            result = build(span, values)
            if type(result) is Token:
                return Reduced(result, result.start_pos, result.end_pos)
            if result is None or isinstance(result, _UNPOSITIONED):
                return Reduced(result, None, None)
            return Reduced(result, start, end)

        return reduce
