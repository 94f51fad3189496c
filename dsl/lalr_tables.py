"""The parse loop's tables as plain data, kept between processes.

Lark compiles `shift.lark` into an LALR table and one lexer per parser state. Loading Lark
and its cached tables costs a process ~0.05 s before the first file (the package's import,
then rebuilding its grammar objects); the loop needs none of those objects, only what this
module holds: numbers, names and regular expressions. They are computed from Lark once
(lalr_from_lark.py) and kept in the user's cache directory with `marshal`, next to Lark's
own cache, so a process that parses only valid files never imports Lark.
"""

from __future__ import annotations

import marshal
from typing import Any, NamedTuple

from .build_base import Filtering
from .regex_programs import Program

FORMAT = 2


class Reduction(NamedTuple):
    """What reducing one grammar rule does."""

    size: int  # symbols popped
    goto: str  # the nonterminal pushed
    passes: bool  # a `_rule` of one symbol whose value its parent takes as is: a goto only
    appends: bool  # `_items: _items item`, the left recursion behind `item*`: list.append
    inline: bool  # a `_rule`: its children are spliced into its parent's
    plan: tuple[tuple[bool, int], ...] | None  # per child: spliced?, placeholders before it
    trailing: int  # placeholders after the last child
    drop: frozenset[str] | None  # token types the method never sees; None: none can occur
    build: Any  # in the tables, the rule's name (None when inlined); in a driver, its method


class LexerSpec(NamedTuple):
    """One parser state's lexer, as Lark's contextual lexer would run it."""

    alternation: str  # every terminal the state takes, `(?P<NAME>…)|…`, in Lark's order
    flags: int
    blanks: str | None  # blanks that may be skipped inside a token's match (None: none)
    unless: dict[str, str]  # terminal → the keywords it may spell, `(?P<KEYWORD>…)|…`
    program: Program | None  # the engine's code for the state's expression (see below)


class LalrTables(NamedTuple):
    start: int
    end: int
    ignore: frozenset[str]  # blanks and comments
    unseen: frozenset[str]  # token types no rule's method sees: one shared token each
    actions: list[dict[str, int]]  # state → terminal → next state, or ~reduction
    gotos: list[dict[str, int]]  # state → nonterminal → next state
    reductions: list[Reduction]
    state_lexers: list[int]  # state → index in `lexers` (states share lexers)
    lexers: list[LexerSpec]


class GrammarTables(NamedTuple):
    """Everything the parser needs from the grammar: the tables, and which tokens each rule
    of the AST builder is handed."""

    filtering: Filtering
    tables: LalrTables


def dump(grammar: GrammarTables) -> bytes:
    filtering, tables = grammar
    return marshal.dumps(_plain((
        FORMAT,
        (filtering.dropped, filtering.kept_by_rule, filtering.rules),
        (tables.start, tables.end, tables.ignore, tables.unseen, tables.actions, tables.gotos,
         [tuple(r) for r in tables.reductions], tables.state_lexers,
         [tuple(spec) for spec in tables.lexers]),
    )))


def _plain(value: Any) -> Any:
    """`value` with only the exact built-in types marshal writes: a grammar Lark has just
    built names its symbols with Lark's Token, a `str` subclass."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (list, tuple, frozenset)):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    return value


def load(data: bytes) -> GrammarTables | None:
    """The tables `dump` wrote, or None for data of another format or none at all."""
    try:
        fmt, filtering, tables = marshal.loads(data)
        if fmt != FORMAT:
            return None
        start, end, ignore, unseen, actions, gotos, reductions, state_lexers, lexers = tables
        return GrammarTables(
            Filtering(*filtering),
            LalrTables(start, end, ignore, unseen, actions, gotos,
                       [Reduction(*r) for r in reductions], state_lexers,
                       [LexerSpec(*spec) for spec in lexers]))
    except (EOFError, ValueError, TypeError):
        return None
