"""Typed, frozen AST of one migration file; every node that can be blamed has a span.

Nodes are named after the grammar rules that build them (`create_index` → CreateIndex).
Names are stored as PostgreSQL will see them: unquoted identifiers folded to lower case,
quoted ones exactly as written.

Statements and the file are here; the parts they are made of (names, types, values,
constraints, columns) are in ast_columns and re-exported. Nodes are frozen for the type
checker only (see ast_frozen).
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING
from typing import Literal as Kind

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from .ast_frozen import dataclass

from .ast_columns import (
    Check,
    CheckConstraint,
    Collate,
    Column,
    ColumnConstraint,
    Default,
    Expression,
    ForeignKeyConstraint,
    FunctionCall,
    Generated,
    Identity,
    Literal,
    Name,
    NotNull,
    Nullable,
    PrimaryKey,
    PrimaryKeyConstraint,
    QualifiedName,
    RawExpression,
    References,
    ReferentialAction,
    SpecialValue,
    TableConstraint,
    TypeName,
    Unique,
    UniqueConstraint,
)
from .ast_partitions import (
    BoundValue,
    CreatePartition,
    CreatePartitionedTable,
    PartitionBound,
)
from .ast_routines import (
    CreateFunction,
    CreateTrigger,
    DropFunction,
    DropTrigger,
    FunctionArgument,
    ReturnsColumn,
    TriggerEvent,
)
from .ast_security import (
    CreatePolicy,
    DropPolicy,
    ExternalRole,
    Grant,
    GrantTarget,
    PolicyCommand,
    RowSecurity,
    RowSecurityChange,
)
from .ast_sequences import CreateSequence, DropSequence, SequenceOption, SequenceOwner
from .ast_views import CreateView, DropView, RefreshView
from .source import Span

# ---------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class CreateSchema:
    name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class DropSchema:
    name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class CreateExtension:
    """`extension X [with schema S]`: S holds its objects (pgvector's types, operator
    classes); without it, `public`."""

    name: Name
    span: Span
    schema: Name | None = None


@dataclass(frozen=True, slots=True)
class DropExtension:
    name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class EnumLabel:
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class CreateEnum:
    name: QualifiedName
    labels: tuple[EnumLabel, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class AddEnumValue:
    """`alter enum E add value 'v' [before|after 'w']`."""

    enum: QualifiedName
    label: EnumLabel
    position: Kind["before", "after"] | None
    neighbor: EnumLabel | None
    span: Span


@dataclass(frozen=True, slots=True)
class RenameEnumValue:
    enum: QualifiedName
    old: EnumLabel
    new: EnumLabel
    span: Span


@dataclass(frozen=True, slots=True)
class DropEnum:
    name: QualifiedName
    span: Span


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
    | DropConstraint | RowSecurity
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


@dataclass(frozen=True, slots=True)
class Comment:
    """`comment on table|column|index X is 'text'` (`is null` removes it)."""

    target: Kind["table", "column", "index"]
    object: QualifiedName
    column: Name | None
    text: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class RawSql:
    """The escape hatch: SQL the language does not model, with its hand-written reverse."""

    up: str
    down: str | None
    span: Span
    # Where the up and the down text stand (their quotes), for diagnostics pointing inside.
    up_span: Span | None = field(default=None, compare=False)
    down_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Irreversible:
    """Declares that this migration may contain changes with no derivable Down."""

    reason: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class ExternalType:
    """`type NAME` after `external`: a type made elsewhere (a domain, an extension's type)."""

    name: QualifiedName
    span: Span


@dataclass(frozen=True, slots=True)
class External:
    """`external schema|table|enum|type …`: an object that exists without the migrations (a
    platform's, another tool's, a `sql` block's). The checks use it; Up and Down never touch
    it. `object` is the declaration as the statement of that kind would parse it."""

    object: CreateSchema | CreateTable | CreateEnum | ExternalType | ExternalRole
    span: Span


Statement = (
    CreateSchema | DropSchema | CreateExtension | DropExtension | CreateEnum | AddEnumValue
    | RenameEnumValue | DropEnum | CreateTable | AlterTable | RenameTable | DropTable
    | CreateIndex | RenameIndex | DropIndex | Comment | RawSql | Irreversible | External
    | CreateFunction | DropFunction | CreateTrigger | DropTrigger
    | CreateSequence | DropSequence | CreatePartitionedTable | CreatePartition
    | CreateView | DropView | RefreshView
    | CreatePolicy | DropPolicy | Grant
)

# ---------------------------------------------------------------- the file


@dataclass(frozen=True, slots=True)
class Duration:
    milliseconds: int
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class MigrationHeader:
    """The optional `migration { … }` block of settings for the whole migration."""

    lock_timeout: Duration | None
    statement_timeout: Duration | None
    span: Span


@dataclass(frozen=True, slots=True)
class MigrationFile:
    """One parsed `.shift` file."""

    path: str
    header: MigrationHeader | None
    statements: tuple[Statement, ...]
    # Every backtick expression in the file, in order: the compiler checks each is one
    # expression without walking the whole tree to find them.
    expressions: tuple[RawExpression, ...] = field(default=(), compare=False)

    @property
    def irreversible(self) -> bool:
        return any(isinstance(s, Irreversible) for s in self.statements)


__all__ = [
    "AddColumn",
    "AddConstraint",
    "AddConstraintUsingIndex",
    "AddEnumValue",
    "AlterAction",
    "AlterColumnType",
    "AlterTable",
    "BoundValue",
    "Check",
    "CheckConstraint",
    "Collate",
    "Column",
    "ColumnConstraint",
    "Comment",
    "CreateEnum",
    "CreateExtension",
    "CreateFunction",
    "CreateIndex",
    "CreatePartition",
    "CreatePartitionedTable",
    "CreatePolicy",
    "CreateSchema",
    "CreateSequence",
    "CreateTable",
    "CreateTrigger",
    "CreateView",
    "Default",
    "DropColumn",
    "DropConstraint",
    "DropDefault",
    "DropEnum",
    "DropExtension",
    "DropFunction",
    "DropIndex",
    "DropNotNull",
    "DropPolicy",
    "DropSchema",
    "DropSequence",
    "DropTable",
    "DropTrigger",
    "DropView",
    "Duration",
    "EnumLabel",
    "Expression",
    "External",
    "ExternalRole",
    "ExternalType",
    "ForeignKeyConstraint",
    "FunctionArgument",
    "FunctionCall",
    "Generated",
    "Grant",
    "GrantTarget",
    "Identity",
    "IndexElement",
    "IndexParameter",
    "Irreversible",
    "Literal",
    "MigrationFile",
    "MigrationHeader",
    "Name",
    "NotNull",
    "Nullable",
    "PartitionBound",
    "PolicyCommand",
    "PrimaryKey",
    "PrimaryKeyConstraint",
    "QualifiedName",
    "RawExpression",
    "RawSql",
    "References",
    "ReferentialAction",
    "RefreshView",
    "RenameColumn",
    "RenameEnumValue",
    "RenameIndex",
    "RenameTable",
    "ReturnsColumn",
    "RowSecurity",
    "RowSecurityChange",
    "SequenceOption",
    "SequenceOwner",
    "SetDefault",
    "SetNotNull",
    "SpecialValue",
    "Statement",
    "TableConstraint",
    "TriggerEvent",
    "TypeName",
    "Unique",
    "UniqueConstraint",
    "ValidateConstraint",
]
