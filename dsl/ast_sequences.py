"""AST nodes of standalone sequences: `sequence NAME [options] [owned by table.column]` and
`drop sequence NAME` (re-exported by ast.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Literal as Kind

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from .ast_frozen import dataclass

from .ast_columns import Name, QualifiedName
from .source import Span

SequenceOptionKind = Kind["as", "increment", "start", "minvalue", "maxvalue", "cache", "cycle"]


@dataclass(frozen=True, slots=True)
class SequenceOption:
    """One option of CREATE SEQUENCE: `as bigint` (value: the type as PostgreSQL names it),
    `increment by 5`, `start with 1`, `minvalue 1` or `no minvalue` (value None),
    `cache 20`, `cycle` or `no cycle` (True or False)."""

    kind: SequenceOptionKind
    value: int | str | bool | None
    span: Span


@dataclass(frozen=True, slots=True)
class SequenceOwner:
    """`owned by [schema.]table.column`: the sequence is dropped with that column."""

    table: QualifiedName
    column: Name
    span: Span


@dataclass(frozen=True, slots=True)
class CreateSequence:
    name: QualifiedName
    options: tuple[SequenceOption, ...]
    owned_by: SequenceOwner | None
    span: Span


@dataclass(frozen=True, slots=True)
class DropSequence:
    name: QualifiedName
    span: Span


__all__ = ["CreateSequence", "DropSequence", "SequenceOption", "SequenceOwner"]
