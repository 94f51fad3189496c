"""Lark's LALR(1) tables and contextual lexer, run by a loop of our own that builds the AST.

Lark compiles `shift.lark` into a parse table and, for every parser state, a regular
expression of the terminals that state can take; this module runs those. Lark's own loop
spends most of its time on what pgshift does not need: a token object for every run of
blanks, a chain of wrappers around each reduction, rule objects hashed as dictionary keys,
and (with a transformer) parse-tree nodes for the rules it inlines. Here each reduction calls
the AST builder's method for the rule directly, and each value's span sits beside it on the
stack. The loop takes exactly what Lark's would and hands every method what Lark's tree
builder would hand a transformer (tests/dsl/test_lalr_driver.py checks both against Lark).

Input the tables refuse raises `Refused`; the caller then asks Lark, whose exception says
what went wrong and where (syntax_errors turns it into a diagnostic).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lark import Lark, Token
from lark.grammar import Rule
from lark.lexer import BasicLexer, ContextualLexer
from lark.parsers.lalr_analysis import Shift

from .lalr_rules import Build, GrammarRules, Reduction, planned
from .lalr_scanner import Scanner, scanner_for
from .source import Span

Position = tuple[int, int, int, int]  # line, column, end line, end column
_UNPOSITIONED = (str, int, bool)  # values a rule may return that carry no span of their own


class Refused(Exception):
    """The text is not in the language; Lark's own parse of it says why."""


class LalrDriver:
    """Parses text with `lark`'s tables, calling `builds[name](span, children)` per rule.

    `drops[name]` lists the token types left out of that rule's children. Every rule whose
    name does not start with `_` needs a build function.
    """

    def __init__(self, lark: Lark, builds: Mapping[str, Build],
                 drops: Mapping[str, frozenset[str]]) -> None:
        frontend: Any = lark.parser
        table = frontend.parser.parser.parse_table
        lexer = frontend.lexer
        if not isinstance(lexer, ContextualLexer):
            raise TypeError("the driver runs Lark's contextual lexer only")
        self._start: int = table.start_states["start"]
        self._end: int = table.end_states["start"]
        root: Any = lexer.root_lexer
        self._ignore = frozenset(root.ignore_types)
        terminals = {t.name for t in lark.terminals} | {"$END"}
        rules = GrammarRules(lark.rules)
        # One shared token per type no method sees: only its position (kept beside it on
        # the stack) counts, and the rules that hold it drop it by its type.
        self._unseen = {kind: Token(kind, "") for kind in rules.never_seen(drops)}
        rule_index: dict[Rule, int] = {}
        self._reductions: list[Reduction] = []
        size = max(table.states) + 1
        self._actions: list[dict[str, int]] = [{} for _ in range(size)]  # ~rule: reduce
        self._gotos: list[dict[str, int]] = [{} for _ in range(size)]
        for state, actions in table.states.items():
            for symbol, (action, argument) in actions.items():
                if action is Shift:
                    target = self._actions if symbol in terminals else self._gotos
                    target[state][symbol] = argument
                else:
                    if argument not in rule_index:
                        rule_index[argument] = len(self._reductions)
                        self._reductions.append(rules.reduction(argument, builds, drops))
                    self._actions[state][symbol] = ~rule_index[argument]
        self._lexers: dict[int, Any] = lexer.lexers
        self._made: dict[int, Scanner] = {}  # by id() of Lark's lexer, which states share
        # Per state, made as a parse first meets the state; the loop reads the two lists.
        self._scanners: list[Scanner | None] = [None] * size
        self._matches: list[Callable[[str, int], Any] | None] = [None] * size
        self._keywords: list[dict[str, dict[str, str]]] = [{} for _ in range(size)]

    def _scanner(self, state: int) -> Scanner:
        """State `state`'s lexer, made on first use: a parse meets a fraction of the states,
        and compiling all their expressions up front would cost a short compile ~0.05 s."""
        scanner = self._scanners[state]
        if scanner is not None:
            return scanner
        basic = self._lexers[state]
        if not isinstance(basic, BasicLexer):
            raise TypeError("the driver runs Lark's own BasicLexer per state only")
        scanner = self._made.get(id(basic))
        if scanner is None:
            scanner = self._made[id(basic)] = scanner_for(basic)
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
                newlines = text.count("\n", pos, stop)  # in the blanks skipped, or the token
                if kind in ignore:
                    if newlines:
                        line += newlines
                        line_start = text.rindex("\n", pos, stop) + 1
                    pos = stop
                    continue
                begin = found.start(kind)
                if newlines:
                    before = text.count("\n", pos, begin)
                    if before:
                        line += before
                        line_start = text.rindex("\n", pos, begin) + 1
                    start_line, column = line, begin - line_start + 1
                    if newlines > before:
                        line += newlines - before
                        line_start = text.rindex("\n", begin, stop) + 1
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
                        here = (result.line, result.column,  # type: ignore[assignment]
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
