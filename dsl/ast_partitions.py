"""AST nodes of declarative partitioning: `table … { … } partition by range|list|hash (…)`,
`partition NAME of PARENT for values …`, and `attach|detach partition` in `alter table`
(re-exported by ast.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Literal as Kind

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from .ast_frozen import dataclass

from .ast_columns import Name, QualifiedName
from .source import Span

if TYPE_CHECKING:
    from .ast_tables import CreateTable

PartitionStrategy = Kind["range", "list", "hash"]


@dataclass(frozen=True, slots=True)
class CreatePartitionedTable:
    """`table NAME { … } partition by STRATEGY (columns)`: `table` is the table as `table
    NAME { … }` alone would make it."""

    table: CreateTable
    strategy: PartitionStrategy
    key: tuple[Name, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class BoundValue:
    """One value of a partition bound as SQL writes it: a quoted string, a number, true,
    false, null, MINVALUE or MAXVALUE."""

    sql: str
    span: Span


@dataclass(frozen=True, slots=True)
class PartitionBound:
    """`for values from (…) to (…)`, `in (…)`, `with (modulus M, remainder R)`, or
    `default`: `values` holds from and to, the list, or modulus and remainder."""

    kind: Kind["range", "list", "hash", "default"]
    values: tuple[tuple[BoundValue, ...], ...]
    span: Span


@dataclass(frozen=True, slots=True)
class CreatePartition:
    """`partition NAME of PARENT BOUND`: a table of the partitioned table's columns."""

    name: QualifiedName
    parent: QualifiedName
    bound: PartitionBound
    span: Span


@dataclass(frozen=True, slots=True)
class AttachPartition:
    """`attach partition TABLE BOUND` in `alter table PARENT { }`: an existing table becomes
    a partition."""

    name: QualifiedName
    bound: PartitionBound
    span: Span


@dataclass(frozen=True, slots=True)
class DetachPartition:
    """`detach partition NAME [concurrently]` in `alter table PARENT { }`: the partition
    becomes a table of its own, with its rows."""

    name: QualifiedName
    concurrently: bool
    span: Span


__all__ = ["AttachPartition", "BoundValue", "CreatePartition", "CreatePartitionedTable",
           "DetachPartition", "PartitionBound"]
