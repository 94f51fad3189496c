"""Each parser state's lexer, as Lark's contextual lexer would run it, for the parse loop.

Lark builds, for every parser state, one regular expression of the terminals that state can
take (so `key` or `type` is a keyword only where the grammar wants one). The parse loop runs
those expressions itself (lalr_tables.LexerSpec); where it is safe, a state's expression
also swallows the blanks before the token, which saves the loop a turn per blank run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from .lalr_tables import LexerSpec
from .regex_programs import compiled


class Scanner(NamedTuple):
    """One parser state's lexer: the terminals it may take, as one alternation."""

    match: Callable[[str, int], Any]  # skips the blanks before the token where that is safe
    exact: Callable[[str, int], Any]  # Lark's: one token or blank run (compiled when needed)
    blanks: str  # what `match` skips before a token ('' where nothing may be skipped)
    keywords: dict[str, dict[str, str]]  # terminal → {text → type it lexes as}, as met
    unless: dict[str, str]  # terminal → the keywords it may spell, as an alternation
    flags: int

    def keyword(self, kind: str, text: str) -> str:
        """The type a `kind` token reading `text` has in this state: a NAME whose text is a
        keyword is that keyword (Lark's "unless" rule, a full match of its keywords)."""
        found = _compiled(self.unless[kind], self.flags).fullmatch(text)
        return kind if found is None else str(found.lastgroup)


def scanner_for(spec: LexerSpec) -> Scanner:
    """The lexer of a state; its expression is compiled now (from the kept program), Lark's
    exact one only when a token does not match the faster one."""
    alternation, flags, blanks, unless, program = spec
    exact: Callable[[str, int], Any] = functools.partial(_exact_match, alternation, flags)
    match = compiled(match_pattern(alternation, blanks), flags, program).match
    if blanks is None:
        exact = match
    return Scanner(match, exact, blanks or "", {kind: {} for kind in unless}, unless, flags)


def match_pattern(alternation: str, blanks: str | None) -> str:
    """The state's expression: Lark's alternation, after the blanks it may skip, if any."""
    if blanks is None:
        return alternation
    return "[" + "".join(re.escape(c) for c in blanks) + f"]*+(?:{alternation})"


def _exact_match(alternation: str, flags: int, text: str, pos: int) -> Any:
    return _compiled(alternation, flags).match(text, pos)


@functools.cache
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)
