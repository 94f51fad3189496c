"""Property-based tests of the parser.

(a) Valid programs, generated from the language's building blocks with random names,
    keyword case, whitespace and comments, parse, and the AST says exactly what was
    written (every statement, name, type, constraint and value is compared).
(b) Damaged programs (truncated, a byte flipped, deleted or inserted) either parse or
    raise DiagnosticError whose diagnostics point inside the file and render cleanly:
    never any other exception.

The generator writes its own expectation next to the text, as nested tuples, and
`statement_summary()` turns the AST into the same shape, so a failure shows the difference.
Where the parser reserves a word it cannot use (LALR states shared between contexts) the
generator steers around it, and an xfail test at the end pins the case; strict, so a fix
makes it fail loudly and the workaround can go.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgshift.dsl import DiagnosticError, Source, ast, parse_file, parse_text, render, render_all
from pgshift.dsl.diagnostics import printable
from pgshift.dsl.parser import GRAMMAR
from pgshift.dsl.source import UndecodableSource, decode
from pgshift.dsl.transform import SPECIAL_VALUES
from pgshift.dsl.types import ALIASES, BUILTIN_TYPES, canonical, suggestion

Summary = tuple[Any, ...]
QName = tuple[str | None, str]
T = TypeVar("T")


@functools.cache
def _choice(options: tuple[Any, ...]) -> st.SearchStrategy[Any]:
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
    "distinct",
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
        return self.draw(_choice(tuple(options)))  # type: ignore[no-any-return]

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


# ------------------------------------------------------------------ values and types


def value(w: Writer, depth: int = 0) -> Summary:
    """A default: a literal, a function call, a special value or a backtick expression."""
    kind = w.pick(["literal", "call", "special", "raw"])
    if kind == "literal":
        return literal(w)
    if kind == "special":
        word = w.pick(sorted(SPECIAL_VALUES))
        w.kw(word)
        return ("special", word)
    if kind == "raw":
        return ("raw", backtick(w))
    return call(w, depth)


def call(w: Writer, depth: int) -> Summary:
    function = qname(w, VALUE_RESERVED)
    w.tok("(")
    arguments: list[Summary] = []
    for i in range(w.int(0, 2 if depth < 2 else 0)):
        if i:
            w.tok(",")
        kind = w.pick(["literal", "raw", "call"])
        if kind == "literal":
            arguments.append(literal(w))
        elif kind == "raw":
            arguments.append(("raw", backtick(w)))
        else:
            arguments.append(call(w, depth + 1))
    w.tok(")")
    return ("call", function, tuple(arguments))


def modifiers(w: Writer, most: int, largest: int = 1000) -> tuple[int, ...]:
    count = w.int(0, most)
    values = tuple(w.int(1, largest) for _ in range(count))
    if values:
        w.tok("(")
        for i, v in enumerate(values):
            if i:
                w.tok(",")
            w.tok(str(v))
        w.tok(")")
    return values


def custom_type_name(value: str) -> bool:
    return canonical(value) is None and suggestion(value) is None


# A plain type name must not be (or look like a typo of) a builtin; a quoted or
# schema-qualified one is always the user's own type.
CUSTOM_TYPES = idents(TYPE_RESERVED).filter(
    lambda i: i.text.startswith('"') or custom_type_name(i.value))


def column_type(w: Writer) -> Summary:
    """(canonical name, modifiers, array bounds, schema, builtin) of a drawn type."""
    kind = w.pick(
        ["simple", "double", "character", "bit", "time", "interval", "custom"])
    schema: str | None = None
    builtin = True
    if kind == "simple":
        spelling = w.pick(SIMPLE_TYPES)
        if w.int(0, 9) == 0:
            w.tok(w.case("pg_catalog"))
            w.tok(".")
        w.tok(w.case(spelling))
        known = canonical(spelling)
        assert known is not None
        largest = 16000 if known.name in ("vector", "halfvec", "sparsevec") else 1000
        type_name, mods = known.name, modifiers(w, known.max_modifiers, largest)
    elif kind == "double":
        w.multi("double", "precision")
        type_name, mods = "double precision", ()
    elif kind in ("character", "bit"):
        w.kw(w.pick(["char", "character"]) if kind == "character" else "bit")
        varying = w.flag()
        if varying:
            w.kw("varying")
        type_name = ("character" if kind == "character" else "bit") + " varying" * varying
        mods = modifiers(w, 1)
    elif kind == "time":
        base = w.pick(["time", "timestamp"])
        w.kw(base)
        mods = modifiers(w, 1, 6)
        zone = w.pick([None, "with", "without"])
        if zone:
            w.kw(zone)
            w.multi("time", "zone")
        type_name = f"{base} {'with' if zone == 'with' else 'without'} time zone"
    elif kind == "interval":
        w.kw("interval")
        fields = w.pick([None, *INTERVAL_FIELDS])
        if fields:  # INTERVAL_FIELDS starts with [ \t]+: on the line of `interval`
            w.multi(*fields.split(), sep="line")
        mods = modifiers(w, 1, 6)
        type_name = "interval" + (f" {fields}" if fields else "")
    else:
        ident = w.draw(CUSTOM_TYPES)
        w.tok(ident.text)
        type_name, mods, builtin = ident.value, (), False
        if w.flag():
            w.tok(".")
            second = w.draw(idents(FREE))
            w.tok(second.text)
            schema, type_name = ident.value, second.value
            known = canonical(type_name) if schema == "pg_catalog" else None
            if known is not None:
                type_name, builtin = known.name, True
    bounds: list[int | None] = []
    for _ in range(w.int(0, 2)):
        w.tok("[")
        bound = w.pick([None, 0, 1, 3, 10, 99])
        if bound is not None:
            w.tok(str(bound))
        w.tok("]")
        bounds.append(bound)
    return (type_name, mods, tuple(bounds), schema, builtin)


# ------------------------------------------------------------------ columns and constraints

ACTIONS = ["cascade", "restrict", "no action", "set null", "set default"]
COLUMN_CONSTRAINTS = ["not null", "null", "primary key", "unique", "default", "check",
                      "references", "identity", "generated", "collate"]


def references(w: Writer, count: int | None = None) -> Summary:
    """`references t [(columns)] [on delete ...] [on update ...]`; a foreign key passes its
    column count, which a target column list must match."""
    w.kw("references")
    table = qname(w)
    columns = column_list(w, count if count is not None else 1) if w.flag() else ()
    actions: dict[str, str] = {}
    for event in w.pick([(), ("delete",), ("update",), ("delete", "update"), ("update", "delete")]):
        action = w.pick(ACTIONS)
        w.kw("on", event)
        w.multi(*action.split())
        actions[event] = action
    return ("references", table, columns, actions.get("delete"), actions.get("update"))


CONSTRAINT_KINDS = st.lists(st.sampled_from(COLUMN_CONSTRAINTS), unique=True, max_size=4)


def column_constraint(w: Writer, kind: str) -> Summary:
    if kind in ("not null", "primary key", "null", "unique"):
        w.kw(*kind.split())
        w.no_paren_comment = kind in ("primary key", "unique")
        return (kind,)
    if kind == "default":
        w.kw("default")
        return ("default", value(w))
    if kind == "check":
        w.kw("check", sep="line")  # on the column's line, else it starts a table constraint
        return ("check", backtick(w))
    if kind == "references":
        return references(w)
    if kind == "identity":
        spelling = w.pick(["identity", "identity always",
                                           "generated always as identity",
                                           "generated by default as identity"])
        for word in spelling.split():
            if word == "by":
                w.multi("by", "default")
            elif word != "default":
                w.kw(word)
        return ("identity", "always" in spelling)
    if kind == "generated":
        w.kw("generated", "always", "as")
        sql = backtick(w)
        w.kw("stored")
        return ("generated", sql)
    assert kind == "collate"
    w.kw("collate")
    return ("collate", name(w, FREE))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent swaps counted as one edit."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            substitution = d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, substitution)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


CONSTRAINT_WORDS = ("not", "null", "primary", "unique", "default", "check", "references",
                    "identity", "generated", "collate", "cascade", "delete", "update")


def looks_like_a_keyword(word: str) -> bool:
    """A column named like a typo of a constraint word (`nott`) must start its own line:
    on the line of the column before, it is reported as a misspelt keyword."""
    return any(edit_distance(word, k) <= 2 for k in CONSTRAINT_WORDS)


def column(w: Writer, reserved: frozenset[str], sep: str = "any") -> Summary:
    ident = w.draw(idents(reserved))
    w.tok(ident.text, sep="newline" if looks_like_a_keyword(ident.value) else sep)
    column_name = ident.value
    type_ = column_type(w)
    kinds = list(w.draw(CONSTRAINT_KINDS))
    if "not null" in kinds and "null" in kinds:
        kinds.remove("null")
    if "identity" in kinds and "default" in kinds:
        kinds.remove("default")
    if "check" in kinds and w.flag():
        kinds.append("check")  # the one constraint that may repeat
    constraints = tuple(column_constraint(w, kind) for kind in kinds)
    return (column_name, type_, constraints)


def table_constraint(w: Writer, in_alter: bool = False) -> Summary:
    named = w.flag()
    kind = w.pick(["pk", "unique", "check", "fk"])
    constraint_name: str | None = None
    if named:
        w.kw("constraint")
        constraint_name = name(w, FREE)
    if kind == "pk":
        if named:
            w.kw("primary", "key")
            return ("pk", constraint_name, column_list(w))
        w.kw("primary", "key")  # TABLE_PRIMARY: `primary` when `key (` follows
        return ("pk", None, column_list(w))
    if kind == "unique":
        nulls = w.pick([(), ("nulls", "distinct"), ("nulls", "not", "distinct")])
        w.kw("unique")
        for word in nulls:  # TABLE_UNIQUE's lookahead: only whitespace up to `distinct`
            w.kw(word, sep="any" if named else "ws")
        return ("unique", constraint_name, column_list(w), "not" not in nulls)
    if kind == "check":
        if named:
            w.kw("check")
        elif in_alter and w.flag():
            w.kw("check", sep="line")  # `add check ...` on one line
        else:
            w.kw("check", sep="newline")  # TABLE_CHECK: `check` beginning a line
        return ("check", constraint_name, backtick(w))
    w.kw("foreign", "key")
    columns = column_list(w)
    target = references(w, len(columns))
    return ("fk", constraint_name, columns, target)


# ------------------------------------------------------------------ statements


TABLE_ITEMS = st.lists(st.sampled_from(["column", "column", "constraint"]), max_size=8)


def create_table(w: Writer) -> Summary:
    w.kw("table")
    table = qname(w)
    w.tok("{")
    columns: list[Summary] = []
    constraints: list[Summary] = []
    seen: set[str] = set()
    first = True
    for item in w.draw(TABLE_ITEMS):
        if item == "constraint":
            constraints.append(table_constraint(w))
        else:
            mark, last, closed = len(w.parts), w.last, w.closed_list
            reserved = (FIRST_COLUMN_RESERVED if first
                        else AFTER_LIST_RESERVED if w.closed_list else COLUMN_RESERVED)
            new = column(w, reserved)
            if new[0] in seen:  # a duplicate column is an error: take the column back
                del w.parts[mark:]
                w.last, w.closed_list = last, closed
                continue
            seen.add(new[0])
            columns.append(new)
        first = False
    w.tok("}")
    return ("table", table, tuple(columns), tuple(constraints))


def alter_action(w: Writer) -> Summary:
    kind = w.pick([
        "add column", "drop column", "rename column", "type", "set default", "drop default",
        "set not null", "drop not null", "add constraint", "drop constraint"])
    if kind == "add column":
        w.kw("add", "column")
        return ("add column", column(w, FREE))
    if kind in ("drop column", "drop constraint"):
        w.kw(*kind.split())
        dropped = name(w, FREE)
        cascade = w.flag()
        if cascade:
            w.kw("cascade")
        return (kind, dropped, cascade)
    if kind == "rename column":
        w.kw("rename", "column")
        old = name(w, FREE)
        w.kw("to")
        return (kind, old, name(w, FREE))
    if kind == "add constraint":
        w.kw("add")
        return (kind, table_constraint(w, in_alter=True))
    w.kw("alter", "column")
    target = name(w, FREE)
    if kind == "type":
        w.kw("type")
        new_type = column_type(w)
        using = None
        if w.flag():
            w.kw("using")
            using = backtick(w)
        return (kind, target, new_type, using)
    if kind == "set default":
        w.kw("set", "default")
        return (kind, target, value(w))
    w.kw(*kind.split())
    return (kind, target)


def alter_table(w: Writer) -> Summary:
    w.kw("alter", "table")
    table = qname(w)
    w.tok("{")
    actions = tuple(alter_action(w) for _ in range(w.int(1, 5)))
    w.tok("}")
    return ("alter table", table, actions)


VECTOR_OPCLASSES = ["vector_l2_ops", "vector_ip_ops", "vector_cosine_ops", "vector_l1_ops",
                    "halfvec_cosine_ops", "bit_hamming_ops", "sparsevec_l2_ops"]


def index_element(w: Writer, method: str | None) -> Summary:
    column_name: str | None = None
    sql: str | None = None
    if w.int(0, 3) == 0:
        sql = backtick(w)
    else:
        column_name = name(w, FREE)
    opclass: QName | None = None
    if method in ("hnsw", "ivfflat"):
        opclass = (None, w.pick(VECTOR_OPCLASSES))
        w.tok(opclass[1])
    elif w.flag():
        opclass = qname(w, frozenset({"asc", "desc", "nulls"}))
    descending = w.pick([None, False, True])
    if descending is not None:
        w.kw("desc" if descending else "asc")
    nulls_first = w.pick([None, False, True])
    if nulls_first is not None:
        w.kw("nulls", "first" if nulls_first else "last")
    return (column_name, sql, opclass, descending, nulls_first)


def index_parameter(w: Writer) -> Summary:
    kind = w.pick(["number", "name", "string", "boolean"])
    if kind == "number":
        return ("lit", "number", number(w))
    if kind == "string":
        return ("lit", "string", string_literal(w))
    if kind == "boolean":
        word = w.pick(["true", "false"])
        w.kw(word)
        return ("lit", "boolean", word)
    return ("lit", "string", name(w, VALUE_RESERVED - {"null"}))


INDEX_OPTIONS = st.lists(st.sampled_from(["include", "with", "where"]), unique=True, max_size=3)


def create_index(w: Writer) -> Summary:
    unique = w.flag()
    if unique:
        w.kw("unique")
    w.kw("index")
    concurrently = w.flag()
    if concurrently:
        w.kw("concurrently")
    index_name = name(w, FREE if concurrently else frozenset({"concurrently"}))
    w.kw("on")
    table = qname(w)
    method = w.pick([None, "hnsw", "ivfflat", "btree", "gin", "other"])
    if method == "other":
        w.kw("using")
        method = name(w, FREE)
    elif method is not None:
        w.kw("using")
        w.tok(w.case(method))
    w.tok("(")
    elements = []
    for i in range(w.int(1, 3)):
        if i:
            w.tok(",")
        elements.append(index_element(w, method))
    if w.flag():
        w.tok(",")
    w.tok(")")
    include: tuple[str, ...] = ()
    parameters: tuple[Summary, ...] = ()
    where: str | None = None
    for option in w.draw(INDEX_OPTIONS):
        w.kw(option)
        if option == "include":
            include = column_list(w)
        elif option == "where":
            where = backtick(w)
        else:
            known = {"hnsw": ["m", "ef_construction"], "ivfflat": ["lists"]}.get(method or "")
            keys = known or [i.value for i in distinct_names(w, w.int(1, 3), FREE)]
            w.tok("(")
            found = []
            for i, key in enumerate(keys):
                if i:
                    w.tok(",")
                w.tok(key if known else quote(key))
                w.tok("=")
                found.append((key, index_parameter(w)))
            if w.flag():
                w.tok(",")
            w.tok(")")
            parameters = tuple(found)
    return ("index", index_name, table, unique, concurrently, method, tuple(elements), include,
            parameters, where)


PLAIN_LABELS = idents(FREE).filter(lambda i: not i.text.startswith('"'))


def enum_label(w: Writer) -> str:
    """A label: a 'string', a "quoted" name (both unescaped), or a plain word (as written)."""
    kind = w.pick(["string", "quoted", "plain"])
    if kind == "string":
        return string_literal(w)
    if kind == "plain":
        word = w.draw(PLAIN_LABELS).text
        w.tok(word)
        return word
    label = w.draw(QUOTED)
    w.tok(quote(label))
    return label


def create_enum(w: Writer) -> Summary:
    w.kw("enum")
    enum = qname(w)
    w.tok("(")
    labels: list[str] = []
    for _ in range(w.int(1, 4)):
        mark, last = len(w.parts), w.last
        if labels:
            w.tok(",")
        label = enum_label(w)
        if label in labels:  # a repeated label is an error: take it back
            del w.parts[mark:]
            w.last = last
        else:
            labels.append(label)
    if w.flag():
        w.tok(",")
    w.tok(")")
    return ("enum", enum, tuple(labels))


def alter_enum(w: Writer) -> Summary:
    w.kw("alter", "enum")
    enum = qname(w)
    if w.flag():
        w.kw("rename", "value")
        old = enum_label(w)
        w.kw("to")
        return ("rename value", enum, old, enum_label(w))
    w.kw("add", "value")
    label = enum_label(w)
    position = w.pick([None, "before", "after"])
    neighbor = None
    if position:
        w.kw(position)
        neighbor = enum_label(w)
    return ("add value", enum, label, position, neighbor)


def simple_statement(w: Writer) -> Summary:
    kind = w.pick([
        "extension", "drop extension", "drop enum", "rename table", "drop table",
        "rename index", "drop index", "comment", "sql", "irreversible"])
    if kind in ("extension", "drop extension"):
        w.kw(*kind.split())
        return (kind, name(w, FREE))
    if kind == "drop enum":
        w.kw("drop", "enum")
        return (kind, qname(w))
    if kind in ("rename table", "rename index"):
        w.kw(*kind.split())
        old = qname(w)
        w.kw("to")
        return (kind, old, name(w, FREE))
    if kind == "drop table":
        w.kw("drop", "table")
        table = qname(w)
        cascade = w.flag()
        if cascade:
            w.kw("cascade")
        return (kind, table, cascade)
    if kind == "drop index":
        w.kw("drop", "index")
        concurrently = w.flag()
        if concurrently:
            w.kw("concurrently")
        return (kind, qname(w, FREE if concurrently else frozenset({"concurrently"})),
                concurrently)
    if kind == "comment":
        return comment(w)
    if kind == "sql":
        w.kw("sql")
        up = triple(w, nonblank=True)
        down = None
        if w.flag():
            w.kw("down")
            down = triple(w, nonblank=False)
        return ("sql", up, down)
    w.kw("irreversible")
    return ("irreversible", string_literal(w) if w.flag() else None)


def comment(w: Writer) -> Summary:
    w.kw("comment", "on")
    target = w.pick(["table", "column", "index"])
    w.tok(w.case(target))
    parts = [name(w, FREE)]
    for _ in range(w.int(1, 2) if target == "column" else w.int(0, 1)):
        w.tok(".")
        parts.append(name(w, FREE))
    w.kw("is")
    if w.flag():
        w.kw("null")
        text = None
    else:
        text = string_literal(w)
    column_name = parts.pop() if target == "column" else None
    obj = (parts[0] if len(parts) == 2 else None, parts[-1])
    return ("comment", target, obj, column_name, text)


STATEMENTS: dict[str, Callable[[Writer], Summary]] = {
    "table": create_table, "alter table": alter_table, "index": create_index,
    "enum": create_enum, "alter enum": alter_enum, "other": simple_statement,
}


@dataclass(frozen=True)
class Program:
    text: str
    header: tuple[int | None, int | None] | None
    statements: tuple[Summary, ...]


def header(w: Writer) -> tuple[int | None, int | None]:
    w.kw("migration")
    w.tok("{")
    found: dict[str, int] = {}
    for setting in w.pick([(), ("lock_timeout",), ("statement_timeout",),
                           ("lock_timeout", "statement_timeout"),
                           ("statement_timeout", "lock_timeout")]):
        w.tok(w.pick([w.case(setting), quote(setting)]))
        amount = w.int(0, 10_000)
        unit = w.pick(sorted(DURATION_UNITS))
        w.tok(f"{amount}{unit}")
        found[setting] = amount * DURATION_UNITS[unit]
    w.tok("}")
    return found.get("lock_timeout"), found.get("statement_timeout")


@st.composite
def programs(draw: st.DrawFn, max_statements: int = 6) -> Program:
    w = Writer(draw)
    head = header(w) if w.flag() else None
    kinds = draw(st.lists(_choice(tuple(STATEMENTS)), min_size=1, max_size=max_statements))
    statements = tuple(STATEMENTS[kind](w) for kind in kinds)
    return Program(w.text(), head, statements)


# ------------------------------------------------------------------ the AST, summarised


def qn(q: ast.QualifiedName) -> QName:
    return (q.schema, q.name)


def expression(e: ast.Expression) -> Summary:
    if isinstance(e, ast.Literal):
        return ("lit", e.kind, e.value)
    if isinstance(e, ast.FunctionCall):
        return ("call", qn(e.name), tuple(expression(a) for a in e.arguments))
    if isinstance(e, ast.SpecialValue):
        return ("special", e.name)
    return ("raw", e.sql)


def type_summary(t: ast.TypeName) -> Summary:
    return (t.name, t.modifiers, t.array_bounds, t.schema, t.builtin)


def references_summary(r: ast.References) -> Summary:
    return ("references", qn(r.table), tuple(c.value for c in r.columns), r.on_delete,
            r.on_update)


def column_constraint_summary(c: ast.ColumnConstraint) -> Summary:
    simple: dict[type, str] = {ast.NotNull: "not null", ast.Nullable: "null",
                               ast.PrimaryKey: "primary key", ast.Unique: "unique"}
    if type(c) in simple:
        return (simple[type(c)],)
    if isinstance(c, ast.Default):
        return ("default", expression(c.value))
    if isinstance(c, ast.Check):
        return ("check", c.expression.sql)
    if isinstance(c, ast.References):
        return references_summary(c)
    if isinstance(c, ast.Identity):
        return ("identity", c.always)
    if isinstance(c, ast.Generated):
        return ("generated", c.expression.sql)
    assert isinstance(c, ast.Collate)
    return ("collate", c.collation.value)


def column_summary(c: ast.Column) -> Summary:
    return (c.name.value, type_summary(c.type),
            tuple(column_constraint_summary(k) for k in c.constraints))


def names(items: Sequence[ast.Name]) -> tuple[str, ...]:
    return tuple(i.value for i in items)


def table_constraint_summary(c: ast.TableConstraint) -> Summary:
    label = c.name.value if c.name else None
    if isinstance(c, ast.PrimaryKeyConstraint):
        return ("pk", label, names(c.columns))
    if isinstance(c, ast.UniqueConstraint):
        return ("unique", label, names(c.columns), c.nulls_distinct)
    if isinstance(c, ast.CheckConstraint):
        return ("check", label, c.expression.sql)
    return ("fk", label, names(c.columns), references_summary(c.references))


def action_summary(a: ast.AlterAction) -> Summary:
    if isinstance(a, ast.AddColumn):
        return ("add column", column_summary(a.column))
    if isinstance(a, ast.DropColumn):
        return ("drop column", a.column.value, a.cascade)
    if isinstance(a, ast.RenameColumn):
        return ("rename column", a.old.value, a.new.value)
    if isinstance(a, ast.AlterColumnType):
        return ("type", a.column.value, type_summary(a.type), a.using.sql if a.using else None)
    if isinstance(a, ast.SetDefault):
        return ("set default", a.column.value, expression(a.value))
    if isinstance(a, ast.AddConstraint):
        return ("add constraint", table_constraint_summary(a.constraint))
    if isinstance(a, ast.DropConstraint):
        return ("drop constraint", a.name.value, a.cascade)
    kinds: dict[type, str] = {ast.DropDefault: "drop default", ast.SetNotNull: "set not null",
                              ast.DropNotNull: "drop not null"}
    return (kinds[type(a)], a.column.value)


def element_summary(e: ast.IndexElement) -> Summary:
    return (e.column.value if e.column else None, e.expression.sql if e.expression else None,
            qn(e.opclass) if e.opclass else None, e.descending, e.nulls_first)


def statement_summary(s: ast.Statement) -> Summary:
    if isinstance(s, ast.CreateExtension):
        return ("extension", s.name.value)
    if isinstance(s, ast.DropExtension):
        return ("drop extension", s.name.value)
    if isinstance(s, ast.CreateEnum):
        return ("enum", qn(s.name), tuple(label.value for label in s.labels))
    if isinstance(s, ast.AddEnumValue):
        return ("add value", qn(s.enum), s.label.value, s.position,
                s.neighbor.value if s.neighbor else None)
    if isinstance(s, ast.RenameEnumValue):
        return ("rename value", qn(s.enum), s.old.value, s.new.value)
    if isinstance(s, ast.DropEnum):
        return ("drop enum", qn(s.name))
    if isinstance(s, ast.CreateTable):
        return ("table", qn(s.name), tuple(column_summary(c) for c in s.columns),
                tuple(table_constraint_summary(c) for c in s.constraints))
    if isinstance(s, ast.AlterTable):
        return ("alter table", qn(s.table), tuple(action_summary(a) for a in s.actions))
    if isinstance(s, ast.RenameTable):
        return ("rename table", qn(s.table), s.new_name.value)
    if isinstance(s, ast.DropTable):
        return ("drop table", qn(s.table), s.cascade)
    if isinstance(s, ast.CreateIndex):
        return ("index", s.name.value, qn(s.table), s.unique, s.concurrently,
                s.method.value if s.method else None,
                tuple(element_summary(e) for e in s.elements), names(s.include),
                tuple((p.name.value, expression(p.value)) for p in s.parameters),
                s.where.sql if s.where else None)
    if isinstance(s, ast.RenameIndex):
        return ("rename index", qn(s.index), s.new_name.value)
    if isinstance(s, ast.DropIndex):
        return ("drop index", qn(s.index), s.concurrently)
    if isinstance(s, ast.Comment):
        return ("comment", s.target, qn(s.object), s.column.value if s.column else None, s.text)
    if isinstance(s, ast.RawSql):
        return ("sql", s.up, s.down)
    assert isinstance(s, ast.Irreversible)
    return ("irreversible", s.reason)


def header_summary(h: ast.MigrationHeader | None) -> tuple[int | None, int | None] | None:
    if h is None:
        return None
    lock, statement = h.lock_timeout, h.statement_timeout
    return (lock.milliseconds if lock else None, statement.milliseconds if statement else None)


# ------------------------------------------------------------------ (a) valid programs parse


def test_keyword_list_covers_the_grammar() -> None:
    """The generator's notion of a keyword is the grammar's (a new keyword must be seen here)."""
    assert {"table", "index", "column", "check", "primary", "references"} <= KEYWORDS
    assert not COLUMN_RESERVED - KEYWORDS


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_valid_programs_parse_to_what_was_written(program: Program) -> None:
    parsed = parse_text(program.text.removeprefix("\ufeff"), "generated.shift")
    assert len(parsed.statements) == len(program.statements)
    got = tuple(statement_summary(s) for s in parsed.statements)
    assert [g[0] for g in got] == [e[0] for e in program.statements]
    tables = [s for s in got if s[0] == "table"]
    expected_tables = [s for s in program.statements if s[0] == "table"]
    assert [t[1] for t in tables] == [t[1] for t in expected_tables]
    assert [[c[0] for c in t[2]] for t in tables] == [[c[0] for c in t[2]] for t in expected_tables]
    assert [[c[1][0] for c in t[2]] for t in tables] == [
        [c[1][0] for c in t[2]] for t in expected_tables]
    for statement, expected in zip(got, program.statements, strict=True):
        assert statement == expected
    assert header_summary(parsed.header) == program.header


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=programs())
def test_valid_programs_parse_from_bytes(program: Program, fuzz_dir: Path) -> None:
    """The file path (bytes → decode → parse) gives the same AST as parse_text."""
    path = fuzz_dir / "valid.shift"
    path.write_bytes(program.text.encode("utf-8"))
    from_file = parse_file(path)
    assert tuple(statement_summary(s) for s in from_file.statements) == program.statements


SKETCH = (Path(__file__).parent / "testdata" / "design_sketch.shift").read_text(encoding="utf-8")


def test_design_sketch_parses() -> None:
    parsed = parse_text(SKETCH)
    assert [type(s).__name__ for s in parsed.statements] == [
        "CreateExtension", "CreateEnum", "CreateTable", "CreateIndex", "CreateIndex",
        "CreateIndex", "AlterTable", "RenameTable", "DropIndex", "RawSql"]
    table = parsed.statements[2]
    assert isinstance(table, ast.CreateTable)
    assert [(c.name.value, str(c.type)) for c in table.columns] == [
        ("id", "bigint"), ("content_part_id", "integer"), ("embedding", "vector(1536)"),
        ("created_at", "timestamp with time zone"), ("note", "text")]


# ------------------------------------------------------------------ (b) damaged files


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


MARKERS = ("__ANON", "$END", "Token(")


def check_outcome(data: bytes, path: Path) -> None:
    """Parse `data` as a file: success, or positioned diagnostics that render cleanly."""
    path.write_bytes(data)
    try:
        parse_file(path)
    except DiagnosticError as failure:
        check_diagnostics(failure, data, str(path))


def check_diagnostics(failure: DiagnosticError, data: bytes, path: str) -> None:
    source: Source | None
    try:
        source = decode(path, data)
        text = source.text
    except UndecodableSource:
        source, text = None, data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    assert failure.diagnostics
    for diagnostic in failure.diagnostics:
        span = diagnostic.span
        assert span is not None, diagnostic
        assert span.file == path
        assert 1 <= span.line <= len(lines), (span, len(lines))
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1, (span, lines[span.line - 1])
        assert span.end_line >= span.line
        assert span.end_line > span.line or span.end_column >= span.column
        head = render(diagnostic, None)
        for marker in MARKERS:
            assert marker not in head or marker in text, head
        # (A message quoting a token that spans lines has a line break in it: see
        # test_messages_are_one_line. Then the rendered block cannot be split into lines.)
        if source is not None and "\n" not in diagnostic.message:  # quotes its own line
            block = render(diagnostic, source).split("\n")
            assert block[1] == printable(lines[span.line - 1].removesuffix("\r")), block
    rendered = render_all(failure.diagnostics, {path: source} if source else {})
    for marker in MARKERS:
        assert marker not in rendered or marker in text, rendered
    assert str(failure)


INTERESTING_BYTES = [ord(c) for c in "\"'`{}()[],.=-\n\r\t *;\\"] + [
    0x00, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xEF, 0xF0, 0xFF]


VALID_TEXTS = st.one_of(st.just(SKETCH), programs(max_statements=4).map(lambda p: p.text))


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A valid file with one truncation, byte flip, byte deletion or byte insertion."""
    text = draw(VALID_TEXTS)
    data = text.encode("utf-8")
    kind = draw(st.sampled_from(["truncate", "flip", "delete", "insert"]))
    at = draw(st.integers(0, len(data)))
    byte = draw(st.one_of(st.sampled_from(INTERESTING_BYTES), st.integers(0, 255)))
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + bytes([byte]) + data[at:]
    at = min(at, len(data) - 1)
    if kind == "delete":
        return data[:at] + data[at + 1:]
    return data[:at] + bytes([data[at] ^ (byte or 0xFF)]) + data[at + 1:]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=damaged())
def test_damaged_files_fail_with_positioned_diagnostics(data: bytes, fuzz_dir: Path) -> None:
    check_outcome(data, fuzz_dir / "damaged.shift")


def mutations(data: bytes, kind: str) -> Iterator[bytes]:
    """Every mutation of one kind, deterministically (one byte value per position)."""
    for at in range(len(data) + (kind in ("truncate", "insert"))):
        byte = INTERESTING_BYTES[at % len(INTERESTING_BYTES)]
        if kind == "truncate":
            yield data[:at]
        elif kind == "delete":
            yield data[:at] + data[at + 1:]
        elif kind == "insert":
            yield data[:at] + bytes([byte]) + data[at:]
        else:
            yield data[:at] + bytes([data[at] ^ (1 << (at % 8))]) + data[at + 1:]


@pytest.mark.parametrize("kind", ["truncate", "delete", "insert", "flip"])
def test_every_mutation_of_the_sketch(kind: str, fuzz_dir: Path) -> None:
    """Every truncation point, every byte deleted, a byte inserted at every position, one
    bit flipped in every byte of the design's sketch."""
    for data in mutations(SKETCH.encode("utf-8"), kind):
        check_outcome(data, fuzz_dir / f"sketch_{kind}.shift")


# ------------------------------------------------------------------ known bugs


def parses_to(text: str) -> tuple[Summary, ...]:
    return tuple(statement_summary(s) for s in parse_text(text).statements)


INT = ("integer", (), (), None, True)


def test_fixed_corner_cases() -> None:
    """Once-broken inputs, kept as examples: plain enum labels, comments inside an unnamed
    `primary key (...)` / `unique (...)`, a form feed before a table check."""
    assert parses_to("enum e (draft, Published)") == (
        ("enum", (None, "e"), ("draft", "Published")),)
    assert parses_to("table t {\n a int\n primary key -- natural key\n (a)\n}") == (
        ("table", (None, "t"), (("a", INT, ()),), (("pk", None, ("a",)),)),)
    assert parses_to("table t {\n a int\n unique -- one per a\n (a)\n}") == (
        ("table", (None, "t"), (("a", INT, ()),), (("unique", None, ("a",), True),)),)
    (table,) = parses_to("table t {\n a int\f\n check `a > 0`\n}")
    assert table[3] == (("check", None, "a > 0"),)


def test_diagnostic_quotes_its_own_line_after_a_form_feed() -> None:
    text = "\f-- a form feed is whitespace\ntable t { a int ) }\n"
    with pytest.raises(DiagnosticError) as failure:
        parse_text(text, "f.shift")
    (diagnostic,) = failure.value.diagnostics
    block = render(diagnostic, Source("f.shift", text)).split("\n")
    assert block[1] == "table t { a int ) }"


@pytest.mark.parametrize("word", ["add", "drop", "rename", "alter", "using"])
def test_leaked_keyword_after_a_column(word: str) -> None:
    assert parses_to(f"table t {{\n a int\n {word} int\n}}") == (
        ("table", (None, "t"), (("a", INT, ()), (word, INT, ())), ()),)


@pytest.mark.parametrize(("before", "word"), [
    ("author_id int references users (id)", "comment"),
    ("author_id int references users (id)", "index"),
    ("author_id int\n unique (author_id)", "table"),
    ("author_id int\n primary key (author_id)", "with"),
    ("author_id int\n foreign key (author_id) references users (id)", "where"),
])
def test_leaked_keyword_after_a_column_list(before: str, word: str) -> None:
    (table,) = parses_to(f"table t {{\n {before}\n {word} int\n}}")
    assert table[2][-1] == (word, INT, ())


@pytest.mark.parametrize("constraint", ["unique", "primary key"])
def test_comment_with_paren_after_column_unique(constraint: str) -> None:
    (table,) = parses_to(f"table t {{\n id int {constraint} -- see (1)\n}}")
    assert table[2] == (("id", INT, ((constraint,),)),)


@pytest.mark.parametrize("text", ["'a\nb'", '"x\ny" int', "table t { a int 'x\ny' }"])
def test_messages_are_one_line(text: str) -> None:
    with pytest.raises(DiagnosticError) as failure:
        parse_text(text, "m.shift")
    for diagnostic in failure.value.diagnostics:
        assert "\n" not in diagnostic.message, diagnostic.message
