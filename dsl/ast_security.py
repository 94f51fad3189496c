"""AST nodes of row-level security: `enable|disable|force|no force row level security`
inside `alter table { }`, `policy … on …`, `drop policy … on …`; and `external role`.

Re-exported from ast.py, like ast_columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Literal as Kind

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from .ast_frozen import dataclass

from .ast_columns import Name, QualifiedName, RawExpression, TypeName
from .source import Span

RowSecurityChange = Kind["enable", "disable", "force", "no force"]
PolicyCommand = Kind["all", "select", "insert", "update", "delete"]


@dataclass(frozen=True, slots=True)
class RowSecurity:
    """`enable|disable|force|no force row level security`, an action of `alter table`."""

    change: RowSecurityChange
    span: Span


@dataclass(frozen=True, slots=True)
class CreatePolicy:
    """`policy NAME on TABLE [as permissive|restrictive] [for COMMAND] [to ROLE, …]
    [using `…`] [with check `…`]`: PostgreSQL's CREATE POLICY. Absent clauses are
    PostgreSQL's defaults (permissive, all, public)."""

    name: Name
    table: QualifiedName
    restrictive: bool
    command: PolicyCommand
    roles: tuple[Name, ...]
    using: RawExpression | None
    check: RawExpression | None
    span: Span


@dataclass(frozen=True, slots=True)
class DropPolicy:
    name: Name
    table: QualifiedName
    span: Span


@dataclass(frozen=True, slots=True)
class AlterPolicy:
    """`alter policy NAME on TABLE [rename to NEW] [to ROLE, …] [using `…`] [with check
    `…`]`: PostgreSQL's ALTER POLICY. None is a clause not written (left as it is); the
    grammar asks for one at least."""

    name: Name
    table: QualifiedName
    rename: Name | None
    roles: tuple[Name, ...] | None
    using: RawExpression | None
    check: RawExpression | None
    span: Span


@dataclass(frozen=True, slots=True)
class ExternalRole:
    """`role NAME` after `external`: a role the platform makes (roles are the cluster's,
    never a migration's); policies may name it."""

    name: Name
    span: Span


GrantTarget = Kind["table", "schema", "sequence", "function"]


@dataclass(frozen=True, slots=True)
class Grant:
    """`grant PRIVILEGE, … on [table] TABLE|schema SCHEMA|sequence SEQUENCE|function
    FUNCTION(TYPE, …) to ROLE, …`; `revoke` is the same with `from` (`revoke` true).
    Privileges are names, checked by the compiler; `arguments` are a function's types."""

    privileges: tuple[Name, ...]
    target: GrantTarget
    object: QualifiedName
    roles: tuple[Name, ...]
    revoke: bool
    span: Span
    arguments: tuple[TypeName, ...] = ()


__all__ = ["AlterPolicy", "CreatePolicy", "DropPolicy", "ExternalRole", "Grant", "GrantTarget",
           "PolicyCommand", "RowSecurity", "RowSecurityChange"]
