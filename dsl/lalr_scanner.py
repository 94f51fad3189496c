"""Each parser state's lexer, taken from Lark's contextual lexer for the parse loop.

Lark builds, for every parser state, one regular expression of the terminals that state can
take (so `key` or `type` is a keyword only where the grammar wants one). The parse loop runs
those expressions itself; where it is safe, a state's expression also swallows the blanks
before the token, which saves the loop a turn per blank run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection
from typing import Any, NamedTuple

from lark.lexer import BasicLexer, UnlessCallback, _create_unless

from .regex_start import character_run, may_start_with


class Scanner(NamedTuple):
    """One parser state's lexer: the terminals it may take, as one alternation."""

    match: Callable[[str, int], Any]  # skips the blanks before the token where that is safe
    exact: Callable[[str, int], Any]  # Lark's: one token or blank run (compiled when needed)
    blanks: str  # what `match` skips before a token ('' where nothing may be skipped)
    keywords: dict[str, dict[str, str]]  # terminal → {text → type it lexes as}, as met
    unless: dict[str, UnlessCallback]  # Lark's: a NAME whose text is a keyword is that keyword

    def keyword(self, kind: str, text: str) -> str:
        """The type a `kind` token reading `text` has in this state (Lark's "unless" rule)."""
        resolved: str | None = self.unless[kind].scanner.fullmatch(text)
        return kind if resolved is None else resolved


def scanner_for(lexer: BasicLexer) -> Scanner:
    """Lark's lexer for one set of terminals, as the driver calls it.

    The alternation is the one Lark would compile (`_create_unless` takes out the keywords
    that NAME spells and lexes them through a callback instead); it is compiled here only
    when no faster expression will do, so a parse compiles one expression per state it meets.
    """
    if lexer.user_callbacks:
        raise ValueError("the driver runs Lark's lexers without terminal callbacks only")
    terminals, callbacks = _create_unless(  # type: ignore[no-untyped-call]
        lexer.terminals, lexer.g_regex_flags, lexer.re, lexer.use_bytes)
    unless: dict[str, UnlessCallback] = {}
    for kind, callback in callbacks.items():
        if not isinstance(callback, UnlessCallback):
            raise ValueError(f"terminal {kind}: only Lark's keyword callbacks are supported")
        unless[kind] = callback
    alternation = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals)
    flags = lexer.g_regex_flags
    exact: Callable[[str, int], Any] = functools.partial(_exact_match, alternation, flags)
    blanks = _skippable_blanks(terminals, lexer.ignore_types)
    if blanks is None:
        match = exact = re.compile(alternation, flags).match
    else:
        skip = "[" + "".join(re.escape(c) for c in blanks) + "]*+"
        match = re.compile(f"{skip}(?:{alternation})", flags).match
    return Scanner(match, exact, blanks or "", {kind: {} for kind in unless}, unless)


def _exact_match(alternation: str, flags: int, text: str, pos: int) -> Any:
    return _compiled(alternation, flags).match(text, pos)


@functools.cache
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


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
