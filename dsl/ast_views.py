"""AST nodes of views and materialized views (re-exported by ast.py)."""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from .ast_frozen import dataclass

from .ast_columns import QualifiedName
from .source import Span


@dataclass(frozen=True, slots=True)
class CreateView:
    """`[materialized] view NAME as \"\"\"query\"\"\" [with [no] data]`; a plain view of a name
    that already has one replaces its query."""

    name: QualifiedName
    query: str
    materialized: bool
    with_data: bool
    span: Span
    # Where the query's block stands (its quotes), for diagnostics pointing inside it.
    query_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class DropView:
    """`drop [materialized] view NAME`."""

    name: QualifiedName
    materialized: bool
    span: Span


@dataclass(frozen=True, slots=True)
class RefreshView:
    """`refresh materialized view NAME [concurrently]`."""

    name: QualifiedName
    concurrently: bool
    span: Span


__all__ = ["CreateView", "DropView", "RefreshView"]
