"""Whether a regular expression's match can begin with one of some characters.

The parse loop lets a state's lexer skip the blanks before a token inside the token's own
match, which is only right where no terminal tried before the blanks could itself begin
with a blank (TABLE_CHECK and INTERVAL_FIELDS can). The answer comes from the expression as
Python's `re` parser reads it; whatever this module does not understand counts as "can", so
a wrong answer only ever costs speed.
"""

from __future__ import annotations

import functools
import importlib
import re
from typing import Any

try:
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # a Python whose `re` is laid out otherwise: assume the worst
    _parser = None

_ZERO_WIDTH = {"AT", "ASSERT", "ASSERT_NOT"}
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


@functools.cache
def may_start_with(pattern: str, chars: str) -> bool:
    """True unless no match of `pattern` can begin with a character of `chars`, which must
    have no case (blanks, punctuation), so that flags like `(?i)` cannot matter."""
    assert all(c.lower() == c.upper() for c in chars)
    parsed = _parsed(pattern)
    if parsed is None:
        return True
    may, _ = _sequence(parsed, set(chars))
    return may


def _parsed(pattern: str) -> list[tuple[Any, Any]] | None:
    """The pattern as Python's `re` parser reads it; None when that is not to be had."""
    if _parser is None:
        return None
    try:
        return list(_parser.parse(pattern))
    except re.error:
        return None


def _sequence(items: list[tuple[Any, Any]], chars: set[str]) -> tuple[bool, bool]:
    """(may begin with one of chars, may match the empty string) for items in a row."""
    for op, argument in items:
        may, empty = _item(str(op), argument, chars)
        if may:
            return True, False
        if not empty:
            return False, False
    return False, True


def _item(op: str, argument: Any, chars: set[str]) -> tuple[bool, bool]:
    if op == "LITERAL":
        return chr(argument) in chars, False
    if op == "IN":
        return _in_class(argument, chars), False
    if op in _ZERO_WIDTH:
        return False, True  # lookarounds and anchors consume nothing (a lookahead can only
        # narrow what follows, so ignoring it errs on the side of "may")
    if op == "SUBPATTERN":
        return _sequence(list(argument[-1]), chars)
    if op == "BRANCH":
        results = [_sequence(list(branch), chars) for branch in argument[1]]
        return any(m for m, _ in results), any(e for _, e in results)
    if op in _REPEATS:
        low, _, body = argument
        may, empty = _sequence(list(body), chars)
        return may, empty or low == 0
    return True, True  # ANY, NOT_LITERAL, group references, …: could be anything


def _in_class(members: list[tuple[Any, Any]], chars: set[str]) -> bool:
    for op, argument in members:
        kind = str(op)
        if kind == "LITERAL":
            if chr(argument) in chars:
                return True
        elif kind == "RANGE":
            if any(argument[0] <= ord(c) <= argument[1] for c in chars):
                return True
        elif not (kind == "CATEGORY" and str(argument) in _NO_BLANK_OR_DASH
                  and chars <= _BLANKS_AND_DASH):
            return True  # a negated class, \s, …
    return False


_NO_BLANK_OR_DASH = {"CATEGORY_DIGIT", "CATEGORY_WORD"}  # \d, \w
_BLANKS_AND_DASH = set(" \t\n\r\f\v-")


@functools.cache
def character_run(pattern: str) -> str | None:
    """The characters of a pattern that is one run of listed characters (`[ \\t\\n]+`), else
    None."""
    parsed = _parsed(pattern)
    if parsed is None or len(parsed) != 1 or str(parsed[0][0]) != "MAX_REPEAT":
        return None
    low, _, body = parsed[0][1]
    body = list(body)
    if low != 1 or len(body) != 1 or str(body[0][0]) != "IN":
        return None
    members = body[0][1]
    if not all(str(op) == "LITERAL" for op, _ in members):
        return None
    return "".join(chr(code) for _, code in members)
