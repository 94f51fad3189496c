"""Each parser state's lexer, taken from Lark's contextual lexer for the parse loop.

Lark builds, for every parser state, one regular expression of the terminals that state can
take (so `key` or `type` is a keyword only where the grammar wants one). The parse loop runs
those expressions itself; where it is safe, a state's expression also swallows the blanks
before the token, which saves the loop a turn per blank run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from lark.lexer import BasicLexer, UnlessCallback

from .regex_start import character_run, may_start_with


class Scanner(NamedTuple):
    """One parser state's lexer: the terminals it may take, as one alternation."""

    match: Callable[[str, int], Any]  # skips the blanks before the token where that is safe
    exact: Callable[[str, int], Any]  # Lark's own: one token or blank run at the position
    keywords: dict[str, dict[str, str]]  # terminal → {text → type it lexes as}, as met
    unless: dict[str, UnlessCallback]  # Lark's: a NAME whose text is a keyword is that keyword

    def keyword(self, kind: str, text: str) -> str:
        """The type a `kind` token reading `text` has in this state (Lark's "unless" rule)."""
        resolved: str | None = self.unless[kind].scanner.fullmatch(text)
        return kind if resolved is None else resolved


def scanner_for(lexer: BasicLexer) -> Scanner:
    """Lark's lexer for one set of terminals, as the driver calls it."""
    expressions = lexer.scanner._mres  # one alternation of every terminal, in Lark's order
    if len(expressions) != 1:
        raise ValueError("the driver expects each state's terminals in one regular expression")
    exact = expressions[0]
    unless: dict[str, UnlessCallback] = {}
    for kind, callback in lexer.callback.items():
        if not isinstance(callback, UnlessCallback):
            raise ValueError(f"terminal {kind}: only Lark's keyword callbacks are supported")
        unless[kind] = callback
    blanks = _skippable_blanks(lexer)
    match = exact.match
    if blanks is not None:
        skip = "[" + "".join(re.escape(c) for c in blanks) + "]*+"
        match = re.compile(f"{skip}(?:{exact.pattern})", exact.flags).match
    return Scanner(match, exact.match, {kind: {} for kind in unless}, unless)


def _skippable_blanks(lexer: BasicLexer) -> str | None:
    """The blanks (an ignored run like `[ \\t\\n]+`) that may be skipped before a token in
    the token's own match: those no terminal tried before them can begin with."""
    order = lexer.scanner.terminals
    for index, terminal in enumerate(order):
        if terminal.name not in lexer.ignore_types:
            continue
        blanks = character_run(terminal.pattern.to_regexp())
        if blanks is None:
            continue
        if any(may_start_with(t.pattern.to_regexp(), blanks) for t in order[:index]):
            return None
        return blanks
    return None
