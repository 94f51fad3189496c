"""AST nodes for functions and triggers: `function`, `drop function`, `trigger`, `drop
trigger` (re-exported from ast)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Literal as Kind

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from .ast_frozen import dataclass

from .ast_columns import Expression, Name, QualifiedName, RawExpression, TypeName
from .source import Span


@dataclass(frozen=True, slots=True)
class FunctionArgument:
    """`name type [default value]` in a function's signature."""

    name: Name
    type: TypeName
    default: Expression | None
    span: Span


@dataclass(frozen=True, slots=True)
class ReturnsColumn:
    """One column of `returns table (…)`."""

    name: Name
    type: TypeName
    span: Span


@dataclass(frozen=True, slots=True)
class CreateFunction:
    """`function NAME (args) returns T [language L] [immutable|stable|volatile] [strict]
    [security definer|invoker] as \"\"\"body\"\"\"`: CREATE OR REPLACE FUNCTION when a function
    of the same name and argument types exists. The body is kept verbatim."""

    name: QualifiedName
    arguments: tuple[FunctionArgument, ...]
    returns: TypeName | None  # None: `returns table (…)`
    setof: bool
    returns_table: tuple[ReturnsColumn, ...]
    language: Name | None
    volatility: Kind["immutable", "stable", "volatile"] | None
    strict: bool
    security_definer: bool
    body: str
    span: Span
    body_span: Span | None = None


@dataclass(frozen=True, slots=True)
class DropFunction:
    """`drop function NAME (arg types)`."""

    name: QualifiedName
    argument_types: tuple[TypeName, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class TriggerEvent:
    """`insert`, `update [of a, b]`, `delete` or `truncate`."""

    kind: Kind["insert", "update", "delete", "truncate"]
    columns: tuple[Name, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class CreateTrigger:
    """`trigger NAME before|after|instead of EVENT [or EVENT…] on TABLE for each
    row|statement [when `…`] execute function F('arg', …)`."""

    name: Name
    timing: Kind["before", "after", "instead of"]
    events: tuple[TriggerEvent, ...]
    table: QualifiedName
    for_each: Kind["row", "statement"]
    when: RawExpression | None
    function: QualifiedName
    arguments: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class DropTrigger:
    """`drop trigger NAME on TABLE`."""

    name: Name
    table: QualifiedName
    span: Span


__all__ = [
    "CreateFunction", "CreateTrigger", "DropFunction", "DropTrigger", "FunctionArgument",
    "ReturnsColumn", "TriggerEvent",
]
