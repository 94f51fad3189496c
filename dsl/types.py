"""The column types the language knows, in PostgreSQL's canonical spelling.

Aliases (`int`, `varchar`, `timestamptz`) fold to the canonical name so later stages
compare types the way PostgreSQL's `format_type` prints them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BuiltinType:
    name: str
    max_modifiers: int = 0


_BUILTINS = [
    BuiltinType("smallint"), BuiltinType("integer"), BuiltinType("bigint"),
    BuiltinType("smallserial"), BuiltinType("serial"), BuiltinType("bigserial"),
    BuiltinType("numeric", 2), BuiltinType("real"), BuiltinType("double precision"),
    BuiltinType("money"), BuiltinType("boolean"),
    BuiltinType("text"), BuiltinType("character varying", 1), BuiltinType("character", 1),
    BuiltinType("citext"), BuiltinType("name"), BuiltinType("bytea"),
    BuiltinType("uuid"), BuiltinType("json"), BuiltinType("jsonb"), BuiltinType("xml"),
    BuiltinType("date"), BuiltinType("time without time zone", 1),
    BuiltinType("time with time zone", 1), BuiltinType("timestamp without time zone", 1),
    BuiltinType("timestamp with time zone", 1), BuiltinType("interval", 1),
    BuiltinType("bit", 1), BuiltinType("bit varying", 1),
    BuiltinType("inet"), BuiltinType("cidr"), BuiltinType("macaddr"), BuiltinType("macaddr8"),
    BuiltinType("tsvector"), BuiltinType("tsquery"),
    BuiltinType("point"), BuiltinType("line"), BuiltinType("lseg"), BuiltinType("box"),
    BuiltinType("path"), BuiltinType("polygon"), BuiltinType("circle"),
    BuiltinType("int4range"), BuiltinType("int8range"), BuiltinType("numrange"),
    BuiltinType("tsrange"), BuiltinType("tstzrange"), BuiltinType("daterange"),
    BuiltinType("int4multirange"), BuiltinType("int8multirange"),
    BuiltinType("nummultirange"), BuiltinType("tsmultirange"),
    BuiltinType("tstzmultirange"), BuiltinType("datemultirange"),
    BuiltinType("oid"), BuiltinType("regclass"), BuiltinType("pg_lsn"),
    # pgvector
    BuiltinType("vector", 1), BuiltinType("halfvec", 1), BuiltinType("sparsevec", 1),
]

BUILTIN_TYPES: dict[str, BuiltinType] = {t.name: t for t in _BUILTINS}

ALIASES: dict[str, str] = {
    "int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint",
    "serial4": "serial", "serial8": "bigserial", "serial2": "smallserial",
    "decimal": "numeric", "float4": "real", "float8": "double precision",
    "float": "double precision", "bool": "boolean", "varchar": "character varying",
    "char": "character", "bpchar": "character", "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone", "timetz": "time with time zone",
    "time": "time without time zone", "varbit": "bit varying",
}

# Names people bring from other languages, and the PostgreSQL type they mean.
FOREIGN_HINTS: dict[str, str] = {
    "string": "text", "str": "text", "int64": "bigint", "int32": "integer",
    "long": "bigint", "double": "double precision", "float64": "double precision",
    "datetime": "timestamp with time zone", "blob": "bytea", "binary": "bytea",
    "boolean_": "boolean", "number": "numeric", "timestampz": "timestamptz",
}


def canonical(name: str) -> BuiltinType | None:
    """The builtin type a (lower-cased) spelling stands for, or None."""
    return BUILTIN_TYPES.get(ALIASES.get(name, name))


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, previous2[j - 2] + 1)
            current.append(best)
        previous2, previous = previous, current
    return previous[-1]


def _shared_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


@functools.lru_cache(maxsize=4096)
def suggestion(name: str) -> str | None:
    """A builtin spelling that `name` looks like a typo of, for a did-you-mean.

    Only near misses count (one edit for short names, two for long ones), so an enum
    with a name of its own is never mistaken for a misspelt builtin.
    """
    if name in FOREIGN_HINTS:
        return FOREIGN_HINTS[name]
    allowed = 0 if len(name) < 4 else 1 if len(name) < 8 else 2
    if allowed == 0:
        return None
    # A spelling whose length differs by more than `allowed` is further than that.
    scored = sorted((edit_distance(name, s), -_shared_prefix(name, s), s)
                    for s in _spellings() if abs(len(s) - len(name)) <= allowed)
    if scored and 0 < scored[0][0] <= allowed:
        return scored[0][2]
    return None


@functools.cache
def _spellings() -> tuple[str, ...]:
    """The one-word builtin spellings a typo may be of (not the geometric types, whose
    names are common words)."""
    return tuple(sorted(s for s in {*BUILTIN_TYPES, *ALIASES} - {"name", "line", "path",
                                                                  "point", "box"}
                        if " " not in s))
