"""Identifiers and literals written so PostgreSQL reads back exactly the value we mean."""

from __future__ import annotations

import re

# PostgreSQL's reserved keywords and those reserved except as a function or type name:
# the words that cannot stand unquoted as a column or table name.
RESERVED = frozenset(
    [
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "column",
        "constraint",
        "create",
        "current_catalog",
        "current_date",
        "current_role",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "from",
        "grant",
        "group",
        "having",
        "in",
        "initially",
        "intersect",
        "into",
        "lateral",
        "leading",
        "limit",
        "localtime",
        "localtimestamp",
        "not",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "placing",
        "primary",
        "references",
        "returning",
        "select",
        "session_user",
        "some",
        "symmetric",
        "system_user",
        "table",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "when",
        "where",
        "window",
        "with",
        "authorization",
        "binary",
        "collation",
        "concurrently",
        "cross",
        "current_schema",
        "freeze",
        "full",
        "ilike",
        "inner",
        "is",
        "isnull",
        "join",
        "left",
        "like",
        "natural",
        "notnull",
        "outer",
        "overlaps",
        "right",
        "similar",
        "tablesample",
        "verbose",
    ]
)

_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")


def quote_ident(name: str) -> str:
    """`name` as PostgreSQL must see it: bare when it would read back unchanged, else quoted.

    Remembered: a schema's few thousand names are quoted tens of thousands of times."""
    quoted = _QUOTED.get(name)
    if quoted is None:
        if _PLAIN.fullmatch(name) and name not in RESERVED:
            quoted = name
        else:
            quoted = '"' + name.replace('"', '""') + '"'
        _QUOTED[name] = quoted
    return quoted


_QUOTED: dict[str, str] = {}


def quote_qualified(name: str, schema: str | None) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}" if schema else quote_ident(name)


def quote_literal(value: str) -> str:
    """`value` as a string literal that reads the same whatever the server's
    standard_conforming_strings: with it off, a backslash in '…' is an escape, so `'x\\''`
    would end early and let the rest run as SQL. Text with a backslash is therefore written
    as an escape string, E'…' with the backslashes doubled, which every setting reads alike;
    any other text as a plain '…' ('' for a quote)."""
    quoted = "'" + value.replace("'", "''") + "'"
    if "\\" in value:
        return "E" + quoted.replace("\\", "\\\\")
    return quoted
