"""Lark's LALR(1) tables and contextual lexer, run by a loop of our own that builds the AST.

Lark compiles `shift.lark` into a parse table and, for every parser state, a regular
expression of the terminals that state can take; this module runs those. Lark's own loop
spends most of its time on what pgshift does not need: a token object for every run of
blanks, a chain of wrappers around each reduction, rule objects hashed as dictionary keys,
and (with a transformer) parse-tree nodes for the rules it inlines. Here each reduction calls
the AST builder's method for the rule directly, and each value's span sits beside it on the
stack. The loop takes exactly what Lark's would and hands every method what Lark's tree
builder would hand a transformer (tests/dsl/test_lalr_driver.py checks both against Lark).
Positions differ from Lark's in one way: a lone CR ends a line here, as for PostgreSQL,
where Lark counts LFs only.

The tables come as plain data (lalr_tables.py), read out of Lark once and kept between
processes, so this module imports nothing of Lark. Input the tables refuse raises
`Refused`; the caller then asks Lark, whose exception says what went wrong and where
(syntax_errors turns it into a diagnostic).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .lalr_scanner import Scanner, scanner_for
from .lalr_tables import LalrTables, Reduction
from .source import Span, newlines_only
from .token import Token

Build = Callable[[Span, list[Any]], Any]  # a rule's method: its span, its children → value
Position = tuple[int, int, int, int]  # line, column, end line, end column
_UNPOSITIONED = (str, int, bool)  # values a rule may return that carry no span of their own


class Refused(Exception):
    """The text is not in the language; Lark's own parse of it says why."""


class LalrDriver:
    """Parses text with the grammar's `tables`, calling `builds[name](span, children)` per
    rule (every rule whose name does not start with `_` needs one)."""

    def __init__(self, tables: LalrTables, builds: Mapping[str, Build]) -> None:
        self._start, self._end, self._ignore = tables.start, tables.end, tables.ignore
        # One shared token per type no method sees: only its position (kept beside it on
        # the stack) counts, and the rules that hold it drop it by its type.
        self._unseen = {kind: Token(kind, "") for kind in tables.unseen}
        self._reductions = [r if r.build is None else r._replace(build=builds[r.build])
                            for r in tables.reductions]
        self._actions, self._gotos = tables.actions, tables.gotos
        self._state_lexers, self._lexer_specs = tables.state_lexers, tables.lexers
        self._made: dict[int, Scanner] = {}  # by lexer: states share them
        # Per state, made as a parse first meets the state; the loop reads the two lists.
        size = len(tables.actions)
        self._scanners: list[Scanner | None] = [None] * size
        self._matches: list[Callable[[str, int], Any] | None] = [None] * size
        self._keywords: list[dict[str, dict[str, str]]] = [{} for _ in range(size)]

    def _scanner(self, state: int) -> Scanner:
        """State `state`'s lexer, made on first use: a parse meets a fraction of the states,
        and compiling all their expressions up front would cost a short compile ~0.05 s."""
        scanner = self._scanners[state]
        if scanner is not None:
            return scanner
        index = self._state_lexers[state]
        scanner = self._made.get(index)
        if scanner is None:
            scanner = self._made[index] = scanner_for(self._lexer_specs[index])
        self._scanners[state] = scanner
        self._matches[state] = scanner.match
        self._keywords[state] = scanner.keywords
        return scanner

    def parse(self, text: str, path: str) -> Any:
        """The value the start rule's method returns; Refused if the text does not parse."""
        actions, gotos, reductions = self._actions, self._gotos, self._reductions
        matches, keywords_at, unseen = self._matches, self._keywords, self._unseen
        end_state, ignore = self._end, self._ignore
        new_token = str.__new__
        new_span = tuple.__new__
        state = self._start
        states = [state]
        values: list[Any] = []
        positions: list[Position | None] = []
        pos, line, line_start, end = 0, 1, 0, len(text)
        text_lf = newlines_only(text)  # the same offsets, every line break a LF: counted
        token: Token | None = None
        where: Position | None = None
        while True:
            # ---- the next token, lexed with what the current state can take
            if pos < end:
                match = matches[state] or self._scanner(state).match
                found = match(text, pos)
                if found is None:
                    blanks = self._scanner(state).blanks
                    if blanks and not text[pos:].strip(blanks):  # the blanks that end a file
                        pos = end
                        continue
                    found = self._scanner(state).exact(text, pos)
                    if found is None:
                        raise Refused
                kind = found.lastgroup
                stop = found.end()
                newlines = text_lf.count("\n", pos, stop)  # in the blanks skipped, or the token
                if kind in ignore:
                    if newlines:
                        line += newlines
                        line_start = text_lf.rindex("\n", pos, stop) + 1
                    pos = stop
                    continue
                begin = found.start(kind)
                if newlines:
                    before = text_lf.count("\n", pos, begin)
                    if before:
                        line += before
                        line_start = text_lf.rindex("\n", pos, begin) + 1
                    start_line, column = line, begin - line_start + 1
                    if newlines > before:
                        line += newlines - before
                        line_start = text_lf.rindex("\n", begin, stop) + 1
                else:
                    start_line, column = line, begin - line_start + 1
                pos = stop
                value = text[begin:stop]
                keywords = keywords_at[state].get(kind)
                if keywords is not None:  # a NAME that spells a keyword this state takes
                    seen = keywords.get(value)
                    if seen is None:
                        seen = keywords[value] = self._scanner(state).keyword(kind, value)
                    kind = seen
                end_column = stop - line_start + 1
                token = unseen.get(kind)
                if token is None:
                    token = new_token(Token, value)
                    token.type = kind
                    token.value = value
                    token.start_pos = begin
                    token.line = start_line
                    token.column = column
                    token.end_line = line
                    token.end_column = end_column
                    token.end_pos = stop
                where = (start_line, column, line, end_column)
            else:
                kind = "$END"
            # ---- reduce as the token requires, then shift it
            while True:
                action = actions[state].get(kind)
                if action is None:
                    raise Refused
                if action >= 0:
                    break
                size, goto, passes, appends, inline, plan, _, drop, build = reductions[~action]
                if passes:  # `_value: literal | …`: the value stays, only the state changes
                    state = states[-1] = gotos[states[-2]][goto]
                    continue
                if appends:  # `item*`: the item joins the list below it, and its span
                    item, item_at = values.pop(), positions.pop()
                    values[-1].append(item)
                    if item_at is not None:
                        listed_at = positions[-1]
                        positions[-1] = item_at if listed_at is None else (
                            listed_at[0], listed_at[1], item_at[2], item_at[3])
                    del states[-1]
                    state = states[-1] = gotos[states[-2]][goto]
                    continue
                if size:
                    children = values[-size:]
                    spans = positions[-size:]
                    del values[-size:], positions[-size:], states[-size:]
                else:
                    children, spans = [], []
                here: Position | None = None
                for first in spans:
                    if first is not None:
                        for last in reversed(spans):
                            if last is not None:
                                break
                        assert last is not None
                        here = (first[0], first[1], last[2], last[3])
                        break
                if plan is not None:
                    children = planned(reductions[~action], children)
                if inline:
                    result: Any = children
                else:
                    if here is None:
                        here = (1, 1, 1, 1)
                    if drop is not None:
                        children = [c for c in children
                                    if type(c) is not Token or c.type not in drop]
                    assert build is not None
                    result = build(new_span(Span, (path, *here)), children)
                    if type(result) is Token:
                        here = (result.line, result.column,
                                result.end_line, result.end_column)
                    elif result is None or isinstance(result, _UNPOSITIONED):
                        here = None
                state = gotos[states[-1]][goto]
                states.append(state)
                values.append(result)
                positions.append(here)
                if state == end_state and kind == "$END":
                    return result
            state = action
            states.append(state)
            values.append(token)
            positions.append(where)


def planned(rule: Reduction, children: list[Any]) -> list[Any]:
    """The children a rule's method sees: inlined rules' children spliced, placeholders added.
    A list spliced first is extended in place (it is nobody else's), so the left-recursive
    rules behind `item*` grow one list instead of copying it at every item."""
    assert rule.plan is not None
    result: list[Any] | None = None
    for (spliced, nones), child in zip(rule.plan, children, strict=True):
        if result is None:
            if spliced and not nones:
                result = child
                continue
            result = []
        if nones:
            result += [None] * nones
        if spliced:
            result += child
        else:
            result.append(child)
    if result is None:
        result = []
    if rule.trailing:
        result += [None] * rule.trailing
    return result
