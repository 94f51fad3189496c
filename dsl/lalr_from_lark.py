"""The parse loop's tables, read out of a Lark parser: done once, then kept (lalr_tables.py).

Private Lark internals read here: the LALR frontend's `parse_table`, the contextual lexer's
`lexers` per state and `root_lexer`, and `lark.lexer._create_unless` (which terminals
become keywords of NAME). Lark is pinned `>=1.2,<2`; tests/dsl/test_lalr_driver.py compares
the loop with Lark's own parse on every file we have.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from lark import Lark
from lark.grammar import Rule, Terminal
from lark.lexer import BasicLexer, ContextualLexer, UnlessCallback, _create_unless
from lark.parsers.lalr_analysis import Shift

from .build_base import Filtering
from .lalr_rules import GrammarRules
from .lalr_scanner import match_pattern
from .lalr_tables import GrammarTables, LalrTables, LexerSpec, Reduction
from .regex_programs import program
from .regex_start import character_run, may_start_with


def grammar_tables(lark: Lark) -> GrammarTables:
    filtering = filtering_of(lark)
    return GrammarTables(filtering, tables_from_lark(lark, filtering.drops()))


def filtering_of(lark: Lark) -> Filtering:
    """Which tokens the plain parser's tree leaves out, rule by rule."""
    dropped: dict[str, set[str]] = {}  # terminal → rules whose tree leaves it out
    kept: dict[str, set[str]] = {}  # terminal → rules whose tree keeps it
    for rule in lark.rules:
        name = str(rule.alias or rule.origin.name)
        for symbol in rule.expansion:
            if isinstance(symbol, Terminal):
                (dropped if symbol.filter_out else kept).setdefault(symbol.name, set()).add(name)
    return Filtering(
        frozenset(dropped),
        {rule: frozenset(t for t in dropped if rule in kept.get(t, ()))
         for rules in kept.values() for rule in rules},
        frozenset(str(rule.alias or rule.origin.name) for rule in lark.rules),
    )


def tables_from_lark(lark: Lark, drops: Mapping[str, frozenset[str]]) -> LalrTables:
    """`lark`'s tables for a loop whose rule methods never see the token types `drops`
    names (per rule)."""
    frontend: Any = lark.parser
    table = frontend.parser.parser.parse_table
    lexer = frontend.lexer
    if not isinstance(lexer, ContextualLexer):
        raise TypeError("the driver runs Lark's contextual lexer only")
    terminals = {t.name for t in lark.terminals} | {"$END"}
    rules = GrammarRules(lark.rules)
    rule_index: dict[Rule, int] = {}
    reductions: list[Reduction] = []
    size = max(table.states) + 1
    actions: list[dict[str, int]] = [{} for _ in range(size)]  # ~index: reduce that rule
    gotos: list[dict[str, int]] = [{} for _ in range(size)]
    for state, state_actions in table.states.items():
        for symbol, (action, argument) in state_actions.items():
            if action is Shift:
                (actions if symbol in terminals else gotos)[state][symbol] = argument
            else:
                if argument not in rule_index:
                    rule_index[argument] = len(reductions)
                    reductions.append(rules.reduction(argument, drops))
                actions[state][symbol] = ~rule_index[argument]
    lexers: list[LexerSpec] = []
    made: dict[int, int] = {}  # id() of Lark's lexer, which states share → its index
    state_lexers = [-1] * size
    for state, basic in lexer.lexers.items():
        if id(basic) not in made:
            made[id(basic)] = len(lexers)
            lexers.append(lexer_spec(basic))
        state_lexers[state] = made[id(basic)]
    root: Any = lexer.root_lexer
    return LalrTables(table.start_states["start"], table.end_states["start"],
                      frozenset(root.ignore_types), rules.never_seen(drops), actions, gotos,
                      reductions, state_lexers, lexers)


def lexer_spec(lexer: Any) -> LexerSpec:
    """Lark's lexer for one set of terminals: the alternation Lark would compile
    (`_create_unless` takes out the keywords that NAME spells, to be recognised after NAME
    matched), and the blanks the loop may skip inside a token's own match."""
    if not isinstance(lexer, BasicLexer):
        raise TypeError("the driver runs Lark's own BasicLexer per state only")
    if lexer.user_callbacks or lexer.use_bytes:
        raise ValueError("the driver runs Lark's text lexers without terminal callbacks only")
    terminals, callbacks = _create_unless(  # type: ignore[no-untyped-call]
        lexer.terminals, lexer.g_regex_flags, lexer.re, lexer.use_bytes)
    unless: dict[str, str] = {}
    for kind, callback in callbacks.items():
        if not isinstance(callback, UnlessCallback):
            raise ValueError(f"terminal {kind}: only Lark's keyword callbacks are supported")
        unless[kind] = _alternation(callback.scanner.terminals)
    alternation = _alternation(terminals)
    blanks = _skippable_blanks(terminals, lexer.ignore_types)
    flags = lexer.g_regex_flags
    return LexerSpec(alternation, flags, blanks, unless,
                     program(match_pattern(alternation, blanks), flags))


def _alternation(terminals: list[Any]) -> str:
    return "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals)


def _skippable_blanks(order: list[Any], ignore: Collection[str]) -> str | None:
    """The blanks (an ignored run like `[ \\t\\n]+`) that may be skipped before a token in
    the token's own match: those no terminal tried before them can begin with."""
    for index, terminal in enumerate(order):
        if terminal.name not in ignore:
            continue
        blanks = character_run(terminal.pattern.to_regexp())
        if blanks is None:
            continue
        if any(may_start_with(t.pattern.to_regexp(), blanks) for t in order[:index]):
            return None
        return blanks
    return None
