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

# A view option: its name and its value as PostgreSQL keeps it in pg_class.reloptions.
ViewOption = tuple[str, str]


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
    # `with (name = value, …)`, check_option included (`with local check option`), values
    # as PostgreSQL keeps them (`true`, `false`, `local`, `cascaded`), sorted by name.
    options: tuple[ViewOption, ...] = ()


@dataclass(frozen=True, slots=True)
class AlterView:
    """`alter view NAME set (option = value, …)` or `alter view NAME reset (option, …)`."""

    name: QualifiedName
    set: tuple[ViewOption, ...]
    reset: tuple[str, ...]
    span: Span


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


__all__ = ["AlterView", "CreateView", "DropView", "RefreshView", "ViewOption"]
