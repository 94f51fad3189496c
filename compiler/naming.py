"""The names PostgreSQL would choose for unnamed constraints and sequences.

pgshift always writes these names into the SQL it emits, so Down can drop and recreate
exactly what Up made; choosing them the way PostgreSQL's `makeObjectName` and
`ChooseConstraintName` do keeps the catalog looking as if the SQL had been hand-written.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

NAMEDATALEN = 64
MAX_IDENTIFIER_BYTES = NAMEDATALEN - 1


def _clip(text: str, limit: int) -> str:
    """The longest prefix of `text` within `limit` bytes that does not split a character."""
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


@functools.lru_cache(maxsize=65536)
def make_object_name(name1: str, name2: str | None, label: str) -> str:
    """name1_name2_label, shortening the longer of name1/name2 to fit 63 bytes."""
    overhead = len(label.encode()) + 1 + (1 if name2 else 0)
    available = MAX_IDENTIFIER_BYTES - overhead
    chars1 = len(name1.encode())
    chars2 = len(name2.encode()) if name2 else 0
    while chars1 + chars2 > available:
        if chars1 > chars2:
            chars1 -= 1
        else:
            chars2 -= 1
    parts = [_clip(name1, chars1)]
    if name2:
        parts.append(_clip(name2, chars2))
    parts.append(label)
    return "_".join(parts)


def choose_name(name1: str, name2: str | None, label: str, taken: Callable[[str], bool]) -> str:
    """The first of name1_name2_label, …label1, …label2 that is not already taken."""
    candidate = make_object_name(name1, name2, label)
    attempt = 0
    while taken(candidate):
        attempt += 1
        candidate = make_object_name(name1, name2, f"{label}{attempt}")
    return candidate


def column_addition(columns: Sequence[str]) -> str:
    """Column names joined with '_' as PostgreSQL builds them into index and key names."""
    joined = ""
    for column in columns:
        piece = column if not joined else f"_{column}"
        if len((joined + piece).encode()) > MAX_IDENTIFIER_BYTES:
            break
        joined += piece
    return joined
