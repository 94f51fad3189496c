"""Typed, frozen AST of one migration file; every node that can be blamed has a span.

Nodes are named after the grammar rules that build them (`create_index` → CreateIndex).
Names are stored as PostgreSQL will see them: unquoted identifiers folded to lower case,
quoted ones exactly as written.

The `Statement` union, the statements no other module holds (`sql`, `irreversible`,
`external`) and the file are here. The other statements are in ast_objects (schemas,
extensions, enums, comments), ast_tables (tables, alter-table actions, indexes),
ast_routines, ast_views, ast_security, ast_sequences and ast_partitions; the parts they are
made of (names, types, values, constraints, columns) in ast_columns. All are re-exported
here, so `ast.CreateTable` works wherever the node lives. Nodes are frozen for the type
checker only (see ast_frozen).
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING

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
from .ast_objects import (
    AddEnumValue,
    Comment,
    CommentOnFunction,
    CreateEnum,
    CreateExtension,
    CreateSchema,
    DropEnum,
    DropExtension,
    DropSchema,
    EnumLabel,
    RenameEnumValue,
)
from .ast_partitions import (
    AttachPartition,
    BoundValue,
    CreatePartition,
    CreatePartitionedTable,
    DetachPartition,
    PartitionBound,
)
from .ast_routines import (
    ArgumentMode,
    CreateFunction,
    CreateProcedure,
    CreateTrigger,
    DropFunction,
    DropProcedure,
    DropTrigger,
    ExternalFunction,
    FunctionArgument,
    FunctionSetting,
    ReturnsColumn,
    TriggerEvent,
)
from .ast_security import (
    AlterPolicy,
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
from .ast_tables import (
    AddColumn,
    AddConstraint,
    AddConstraintUsingIndex,
    AlterAction,
    AlterColumnType,
    AlterTable,
    CreateIndex,
    CreateTable,
    DropColumn,
    DropConstraint,
    DropDefault,
    DropIndex,
    DropNotNull,
    DropTable,
    IndexElement,
    IndexParameter,
    RenameColumn,
    RenameIndex,
    RenameTable,
    SetDefault,
    SetNotNull,
    ValidateConstraint,
)
from .ast_views import AlterView, CreateView, DropView, RefreshView, ViewOption
from .source import Span

# ---------------------------------------------------------------- statements


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
    """`external schema|table|enum|type|role|function …`: an object that exists without the
    migrations (a platform's, another tool's, a `sql` block's). The checks use it; Up and
    Down never touch it. `object` is the declaration as the statement of that kind would
    parse it."""

    object: (CreateSchema | CreateTable | CreateEnum | ExternalType | ExternalRole
             | ExternalFunction)
    span: Span


Statement = (
    CreateSchema | DropSchema | CreateExtension | DropExtension | CreateEnum | AddEnumValue
    | RenameEnumValue | DropEnum | CreateTable | AlterTable | RenameTable | DropTable
    | CreateIndex | RenameIndex | DropIndex | Comment | RawSql | Irreversible | External
    | CommentOnFunction
    | CreateFunction | DropFunction | CreateTrigger | DropTrigger | CreateProcedure
    | DropProcedure
    | CreateSequence | DropSequence | CreatePartitionedTable | CreatePartition
    | CreateView | DropView | RefreshView | AlterView
    | CreatePolicy | DropPolicy | AlterPolicy | Grant
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
    "AlterPolicy",
    "AlterTable",
    "AlterView",
    "ArgumentMode",
    "AttachPartition",
    "BoundValue",
    "Check",
    "CheckConstraint",
    "Collate",
    "Column",
    "ColumnConstraint",
    "Comment",
    "CommentOnFunction",
    "CreateEnum",
    "CreateExtension",
    "CreateFunction",
    "CreateIndex",
    "CreatePartition",
    "CreatePartitionedTable",
    "CreatePolicy",
    "CreateProcedure",
    "CreateSchema",
    "CreateSequence",
    "CreateTable",
    "CreateTrigger",
    "CreateView",
    "Default",
    "DetachPartition",
    "DropColumn",
    "DropConstraint",
    "DropDefault",
    "DropEnum",
    "DropExtension",
    "DropFunction",
    "DropIndex",
    "DropNotNull",
    "DropPolicy",
    "DropProcedure",
    "DropSchema",
    "DropSequence",
    "DropTable",
    "DropTrigger",
    "DropView",
    "Duration",
    "EnumLabel",
    "Expression",
    "External",
    "ExternalFunction",
    "ExternalRole",
    "ExternalType",
    "ForeignKeyConstraint",
    "FunctionArgument",
    "FunctionCall",
    "FunctionSetting",
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
    "ViewOption",
]
