"""AST nodes for functions, procedures and triggers: `function`, `drop function`,
`procedure`, `drop procedure`, `trigger`, `drop trigger`, `external function`
(re-exported from ast)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Literal as Kind

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from .ast_frozen import dataclass

from .ast_columns import Expression, Literal, Name, QualifiedName, RawExpression, TypeName
from .source import Span

ArgumentMode = Kind["in", "out", "inout", "variadic"]


@dataclass(frozen=True, slots=True)
class FunctionArgument:
    """`[in|out|inout|variadic] name type [default value]` in a function's signature."""

    name: Name
    type: TypeName
    default: Expression | None
    span: Span
    mode: ArgumentMode = "in"


@dataclass(frozen=True, slots=True)
class FunctionSetting:
    """`set NAME = value, …` (or `to`): a setting the function runs with, such as the
    `search_path` a `security definer` function should fix."""

    name: str  # as written, `plpgsql.extra_warnings` with its dot
    values: tuple[Name | Literal, ...]
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
    [security definer|invoker] [parallel safe|restricted|unsafe] [set NAME = value]… as
    \"\"\"body\"\"\"`: CREATE OR REPLACE FUNCTION when a function of the same name and input
    argument types exists. The body is kept verbatim."""

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
    parallel: Kind["safe", "restricted", "unsafe"] | None = None
    settings: tuple[FunctionSetting, ...] = ()


@dataclass(frozen=True, slots=True)
class CreateProcedure:
    """`procedure NAME (args) [language L] [security definer|invoker] [set NAME = value]…
    as \"\"\"body\"\"\"`: a routine `call` runs, which returns nothing and may commit; CREATE
    OR REPLACE PROCEDURE when one of the same name and input argument types exists."""

    name: QualifiedName
    arguments: tuple[FunctionArgument, ...]
    language: Name | None
    security_definer: bool
    settings: tuple[FunctionSetting, ...]
    body: str
    span: Span
    body_span: Span | None = None


@dataclass(frozen=True, slots=True)
class DropProcedure:
    """`drop procedure NAME (arg types)`."""

    name: QualifiedName
    argument_types: tuple[TypeName, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class DropFunction:
    """`drop function NAME (arg types)`."""

    name: QualifiedName
    argument_types: tuple[TypeName, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ExternalFunction:
    """`function NAME (arg types) returns [setof] T` after `external`: a function made
    elsewhere (a platform's `auth.uid()`), which a trigger may execute and no statement may
    change."""

    name: QualifiedName
    argument_types: tuple[TypeName, ...]
    returns: TypeName
    setof: bool
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
    "ArgumentMode",
    "CreateFunction",
    "CreateProcedure",
    "CreateTrigger",
    "DropFunction",
    "DropProcedure",
    "DropTrigger",
    "ExternalFunction",
    "FunctionArgument",
    "FunctionSetting",
    "ReturnsColumn",
    "TriggerEvent",
]
