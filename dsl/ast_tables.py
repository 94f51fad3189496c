"""AST nodes of tables and indexes: `table NAME { … }`, the actions of `alter table NAME
{ … }`, `rename table`, `drop table`, and `index …` with its `rename` and `drop`
(re-exported by ast.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Literal as Kind

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from .ast_frozen import dataclass

from .ast_columns import (
    Column,
    Expression,
    Literal,
    Name,
    QualifiedName,
    RawExpression,
    TableConstraint,
    TypeName,
)
from .ast_partitions import AttachPartition, DetachPartition
from .ast_security import RowSecurity
from .source import Span


@dataclass(frozen=True, slots=True)
class CreateTable:
    name: QualifiedName
    columns: tuple[Column, ...]
    constraints: tuple[TableConstraint, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class AddColumn:
    column: Column
    span: Span


@dataclass(frozen=True, slots=True)
class DropColumn:
    column: Name
    cascade: bool
    span: Span


@dataclass(frozen=True, slots=True)
class RenameColumn:
    old: Name
    new: Name
    span: Span


@dataclass(frozen=True, slots=True)
class AlterColumnType:
    column: Name
    type: TypeName
    using: RawExpression | None
    span: Span


@dataclass(frozen=True, slots=True)
class SetDefault:
    column: Name
    value: Expression
    span: Span


@dataclass(frozen=True, slots=True)
class DropDefault:
    column: Name
    span: Span


@dataclass(frozen=True, slots=True)
class SetNotNull:
    column: Name
    span: Span


@dataclass(frozen=True, slots=True)
class DropNotNull:
    column: Name
    span: Span


@dataclass(frozen=True, slots=True)
class AddConstraint:
    """`add check …`, `add foreign key …`, …; `not valid` skips checking existing rows."""

    constraint: TableConstraint
    span: Span
    not_valid: bool = False


@dataclass(frozen=True, slots=True)
class AddConstraintUsingIndex:
    """`add constraint NAME unique using index INDEX`: a key adopts an index built before."""

    name: Name | None
    kind: Kind["unique", "primary key"]
    index: Name
    span: Span


@dataclass(frozen=True, slots=True)
class ValidateConstraint:
    """`validate constraint NAME`: check the existing rows of one added `not valid`."""

    name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class DropConstraint:
    name: Name
    cascade: bool
    span: Span


AlterAction = (
    AddColumn | DropColumn | RenameColumn | AlterColumnType | SetDefault | DropDefault
    | SetNotNull | DropNotNull | AddConstraint | AddConstraintUsingIndex | ValidateConstraint
    | DropConstraint | RowSecurity | AttachPartition | DetachPartition
)


@dataclass(frozen=True, slots=True)
class AlterTable:
    table: QualifiedName
    actions: tuple[AlterAction, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class RenameTable:
    table: QualifiedName
    new_name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class DropTable:
    table: QualifiedName
    cascade: bool
    span: Span


@dataclass(frozen=True, slots=True)
class IndexElement:
    """A column or a backticked expression, with optional operator class and ordering."""

    column: Name | None
    expression: RawExpression | None
    opclass: QualifiedName | None
    descending: bool | None
    nulls_first: bool | None
    span: Span


@dataclass(frozen=True, slots=True)
class IndexParameter:
    """One storage parameter from `with (…)`, such as `m = 16`."""

    name: Name
    value: Literal
    span: Span


@dataclass(frozen=True, slots=True)
class CreateIndex:
    name: Name
    table: QualifiedName
    unique: bool
    concurrently: bool
    method: Name | None
    elements: tuple[IndexElement, ...]
    include: tuple[Name, ...]
    parameters: tuple[IndexParameter, ...]
    where: RawExpression | None
    span: Span
    build: tuple[IndexParameter, ...] = ()  # `build (memory = '2GB', workers = 4)`


@dataclass(frozen=True, slots=True)
class RenameIndex:
    index: QualifiedName
    new_name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class DropIndex:
    index: QualifiedName
    concurrently: bool
    span: Span


__all__ = [
    "AddColumn",
    "AddConstraint",
    "AddConstraintUsingIndex",
    "AlterAction",
    "AlterColumnType",
    "AlterTable",
    "CreateIndex",
    "CreateTable",
    "DropColumn",
    "DropConstraint",
    "DropDefault",
    "DropIndex",
    "DropNotNull",
    "DropTable",
    "IndexElement",
    "IndexParameter",
    "RenameColumn",
    "RenameIndex",
    "RenameTable",
    "SetDefault",
    "SetNotNull",
    "ValidateConstraint",
]
