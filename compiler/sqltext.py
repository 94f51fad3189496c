"""What the compiler can tell about SQL text it passes through: which columns it names.

Backtick expressions are not parsed; a column counts as named when its name stands as a
word outside string literals and is not a function's name (`length(...)`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .quoting import quote_ident

_STRING = re.compile(r"'(?:[^']|'')*'")


@functools.lru_cache(maxsize=8192)
def _word(column: str) -> re.Pattern[str]:
    """`column` named in SQL: bare, or in double quotes (a quote inside doubled)."""
    bare = re.escape(column)
    quoted = re.escape(column.replace('"', '""'))
    return re.compile(rf'(?<![\w$".]){bare}(?![\w$"])(?!\s*\()|"{quoted}"')


def mentions(expression: str | None, column: str) -> bool:
    """Whether SQL text names `column`, outside string literals and function calls."""
    if not expression:
        return False
    return _word(column).search(_STRING.sub("''", expression)) is not None


def columns_named(expression: str | None, columns: Iterable[str]) -> list[str]:
    return [c for c in columns if mentions(expression, c)]


def rename_in(expression: str | None, old: str, new: str) -> str | None:
    """Rewrite a column name inside SQL text, leaving string literals and functions alone."""
    if not expression:
        return expression
    pattern = _word(old)
    written = quote_ident(new)

    def replacement(_: re.Match[str]) -> str:
        return written  # as written: a new name is no template (`\1`, `\g<0>`, `\n`)

    parts = re.split(r"('(?:[^']|'')*')", expression)
    return "".join(p if p.startswith("'") else pattern.sub(replacement, p) for p in parts)
