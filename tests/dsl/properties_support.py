"""The vocabulary of the .shift property tests: keywords, separators and the Writer.

Shared by the generators in properties_tables_support.py and properties_programs_support.py:
every generated token goes through a Writer, which draws what stands between tokens.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis import strategies as st

from pgshift.dsl.parser import GRAMMAR
from pgshift.dsl.types import ALIASES, BUILTIN_TYPES

Summary = tuple[Any, ...]
QName = tuple[str | None, str]
T = TypeVar("T")


@functools.cache
def choice(options: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    """sampled_from, built once per option list (building strategies is what costs)."""
    return st.sampled_from(options)


@functools.cache
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


# ------------------------------------------------------------------ keywords

# Every word the grammar spells as a keyword, plus the words inside its regex terminals.
KEYWORDS = frozenset(re.findall(r'"([a-z_]+)"i', GRAMMAR.read_text(encoding="utf-8"))) | {
    "unique", "check", "null", "true", "false", "cascade", "restrict", "delete", "update",
    "always", "concurrently", "before", "after", "asc", "desc", "first", "last", "varying",
    "bit", "with", "without", "table", "column", "index", "no", "action", "set", "by",
    "double", "precision", "character", "char", "time", "timestamp", "zone", "interval",
    "year", "month", "day", "hour", "minute", "second", "primary", "key", "nulls", "not",
    "distinct", "out", "inout", "variadic", "safe", "restricted", "unsafe",
}
# Words the parser can take right after a complete column (a constraint, the next table
# item, a continuation of the column's type or last constraint): a column name that
# follows another column must avoid them, or be quoted. Every other keyword (`key`,
# `type`, `value`, `table`, `index`, ...) is an ordinary column name there.
COLUMN_RESERVED = frozenset({
    "not", "null", "primary", "unique", "default", "check", "references", "identity",
    "generated", "collate", "constraint", "foreign", "with", "without", "varying", "year",
    "month", "day", "hour", "minute", "second", "on", "always",
    # Not takeable here, yet lexed as keywords: LALR shares the states after a column with
    # `alter table`'s `add column` and `alter column ... type` (test_leaked_keyword...).
    "add", "drop", "rename", "alter", "using",
})
# After a `)` that closes a column list (`references t (id)`, `unique (a)`) the leak is
# wider: that state is shared with `index ... include (...)`, so statement keywords and
# index options are lexed as keywords too. The generator avoids every keyword there.
AFTER_LIST_RESERVED = KEYWORDS
FIRST_COLUMN_RESERVED = frozenset({"constraint", "foreign", "check"})
# Words that start a type of their own terminal: a type name spelled like one is not a NAME.
TYPE_RESERVED = frozenset({"time", "timestamp", "char", "character", "bit", "double", "interval"})
VALUE_RESERVED = frozenset({"true", "false", "null"})
FREE: frozenset[str] = frozenset()

# ------------------------------------------------------------------ types

# Spellings the lexer reads as one NAME: single-word builtins and aliases. `char`,
# `time`, `timestamp`, `bit`, `interval` and `character` have terminals of their own.
SIMPLE_TYPES = sorted(
    spelling
    for spelling in [*BUILTIN_TYPES, *ALIASES]
    if " " not in spelling and spelling not in TYPE_RESERVED
)
INTERVAL_FIELDS = [
    "year", "month", "day", "hour", "minute", "second", "year to month", "day to hour",
    "day to minute", "day to second", "hour to minute", "hour to second", "minute to second",
]
DURATION_UNITS = {"ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}

# ------------------------------------------------------------------ separators

ANY_SEPARATORS = [
    " ", "\n", "\t", "  ", "\n\n    ", " -- a comment\n", "\r\n", "--\n",
    "\n-- ünïcödé ✓ \"\"\" ' ` { } ( -- \n\t", " \t\r\n ", "\f", "\n  -- one\n  -- two\n  ",
]
LINE_SEPARATORS = [" ", "\t", "   "]
# What may stand before `check` for it to start a table constraint (TABLE_CHECK).
NEWLINE_SEPARATORS = ["\n", "\n    ", " -- c\n\t", "\r\n  ", "\n\n", "  --x\n--y\n ", "\f\n"]
# Pure whitespace, for the insides of multi-word terminals and TABLE_UNIQUE's lookahead.
WS_SEPARATORS = [" ", "\n", "\t", "  \n  ", "\r\n", "\f"]
EDGE_SEPARATORS = ["", " ", "\n", "-- leading comment\n", "\ufeff"]
PUNCTUATION = frozenset("{}()[],.=")
_BOOLEANS = st.booleans()
CASES: list[Callable[[str], str]] = [
    str.lower, str.upper, str.title,
    lambda word: "".join(c.upper() if i % 2 else c for i, c in enumerate(word)),
]


class Writer:
    """Collects tokens, drawing a separator (whitespace, comments) between each two."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.parts: list[str] = []
        self.last = ""
        self.closed_list = False  # the last token closed a column list
        self.no_paren_comment = False  # no comment holding "(" may follow the last token

    def separator(self, kind: str, before: str) -> str:
        if kind == "line":
            return self.pick(LINE_SEPARATORS)
        if kind == "newline":
            return self.pick(NEWLINE_SEPARATORS)
        if kind == "ws":
            return self.pick(WS_SEPARATORS)
        assert kind == "any"
        tight = self.last in PUNCTUATION or before in PUNCTUATION
        choices = [" ", "", *ANY_SEPARATORS[1:]] if tight else ANY_SEPARATORS
        if self.no_paren_comment:  # see test_comment_with_paren_after_column_unique
            choices = [c for c in choices if "(" not in c]
        return self.pick(choices)

    def pick(self, options: Sequence[T]) -> T:
        return self.draw(choice(tuple(options)))  # type: ignore[no-any-return]

    def flag(self) -> bool:
        return self.draw(_BOOLEANS)

    def int(self, low: int, high: int) -> int:
        return self.draw(_integers(low, high))

    def tok(self, text: str, sep: str = "any") -> None:
        if self.parts:
            self.parts.append(self.separator(sep, text))
        self.parts.append(text)
        self.last = text
        self.closed_list = False
        self.no_paren_comment = False

    def case(self, word: str) -> str:
        return self.pick(CASES)(word)

    def kw(self, *words: str, sep: str = "any") -> None:
        """Keywords, each in a random case, separated by anything the lexer ignores."""
        for i, word in enumerate(words):
            self.tok(self.case(word), sep if i == 0 else "any")

    def multi(self, *words: str, sep: str = "any") -> None:
        """One terminal spelled as several words (`double precision`): whitespace only."""
        text = self.case(words[0])
        for word in words[1:]:
            text += self.pick(WS_SEPARATORS) + self.case(word)
        self.tok(text, sep)

    def text(self) -> str:
        lead = self.pick(EDGE_SEPARATORS)
        trail = self.pick([*EDGE_SEPARATORS[:4], " -- no newline at the end"])
        return lead + "".join(self.parts) + trail


# ------------------------------------------------------------------ names and literals


@dataclass(frozen=True)
class Ident:
    text: str  # as written
    value: str  # as the AST stores it


def _plain_words() -> list[str]:
    """Plain identifiers: everyday ones first (they shrink there), then random ones."""
    chosen = random.Random(2026)
    first, rest = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_", "0123456789_$"
    words = ["id", "name", "documents", "embedding", "created_at", "Status", "x1", "_tmp",
             "a$b", "text", "vector", "users", "DATA", "_", "Z9"]
    for _ in range(300):
        length = chosen.randint(0, 12)
        words.append(chosen.choice(first) + "".join(chosen.choice(first + rest)
                                                    for _ in range(length)))
    return [w for w in dict.fromkeys(words) if w.lower() not in KEYWORDS]


PLAIN_WORDS = _plain_words()
# Any character but NUL, which the language rejects (PostgreSQL cannot store it).
CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00")
QUOTED = st.text(CHARACTERS, min_size=1, max_size=10)


def quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@functools.cache
def idents(reserved: frozenset[str] = KEYWORDS) -> st.SearchStrategy[Ident]:
    """A name: plain (any case, folded), a keyword where the parser cannot take it as
    one, or quoted with arbitrary characters (unicode, control characters, `""`)."""
    plain = st.sampled_from(PLAIN_WORDS).map(lambda w: Ident(w, w.lower()))
    quoted = QUOTED.map(lambda v: Ident(quote(v), v))
    allowed = sorted(KEYWORDS - reserved)
    if not allowed:
        return plain | quoted
    keyword = st.tuples(st.sampled_from(allowed), st.sampled_from(CASES)).map(
        lambda pair: Ident(pair[1](pair[0]), pair[0]))
    return plain | quoted | keyword


def name(w: Writer, reserved: frozenset[str] = KEYWORDS) -> str:
    ident = w.draw(idents(reserved))
    w.tok(ident.text)
    return ident.value


def distinct_names(w: Writer, count: int, reserved: frozenset[str]) -> list[Ident]:
    found: dict[str, Ident] = {}
    for _ in range(count):
        ident = w.draw(idents(reserved))
        found.setdefault(ident.value, ident)
    return list(found.values())


def qname(w: Writer, reserved: frozenset[str] = FREE) -> QName:
    if w.flag():
        schema = name(w, reserved)
        w.tok(".")
        return schema, name(w, FREE)
    return None, name(w, reserved)


STRING_BODIES = st.text(CHARACTERS, max_size=12)
BACKTICK_BODIES = st.text(CHARACTERS, min_size=1, max_size=20).filter(
    lambda s: "`" not in s and s.strip())
TRIPLE_BODIES = st.text(CHARACTERS, max_size=40).filter(
    lambda s: '"""' not in s and not s.endswith('"'))
NUMBERS = st.one_of(
    st.from_regex(r"[0-9]{1,6}", fullmatch=True),
    st.from_regex(r"-[0-9]{1,6}", fullmatch=True),
    st.from_regex(r"-?[0-9]{1,4}\.[0-9]{1,4}", fullmatch=True),
)


def string_literal(w: Writer) -> str:
    value = w.draw(STRING_BODIES)
    w.tok("'" + value.replace("'", "''") + "'")
    return value


def backtick(w: Writer) -> str:
    sql = w.draw(BACKTICK_BODIES)
    w.tok(f"`{sql}`")
    return sql


def triple(w: Writer, nonblank: bool) -> str:
    body = w.draw(TRIPLE_BODIES)
    if nonblank and not body.strip():
        body = f"SELECT 1 {body}"
    w.tok(f'"""{body}"""')
    return body


def number(w: Writer) -> str:
    text = w.draw(NUMBERS)
    w.tok(text)
    return text


def literal(w: Writer) -> Summary:
    kind = w.pick(["string", "number", "true", "false", "null"])
    if kind == "string":
        return ("lit", "string", string_literal(w))
    if kind == "number":
        return ("lit", "number", number(w))
    w.kw(kind)
    return ("lit", "null" if kind == "null" else "boolean", kind)


def column_list(w: Writer, count: int | None = None) -> tuple[str, ...]:
    n = count if count is not None else w.int(1, 3)
    names = distinct_names(w, n, FREE)
    taken = {i.value for i in names}
    while len(names) < n:  # two drawn names folded to one: top up with fresh ones
        fresh = next(f"fresh{k}" for k in range(n + len(taken) + 1) if f"fresh{k}" not in taken)
        names.append(Ident(fresh, fresh))
        taken.add(fresh)
    w.tok("(")
    for i, ident in enumerate(names):
        if i:
            w.tok(",")
        w.tok(ident.text)
    if w.flag():
        w.tok(",")
    w.tok(")")
    w.closed_list = True
    return tuple(i.value for i in names)
