"""Steps for declarative partitioning: `table … { … } partition by range|list|hash (…)`
and `partition NAME of PARENT for values …`, and `drop table` of a partition.

A partitioned table is a table of the model with its partition key (`TableModel.
partition_by`). A partition is kept apart (`SchemaModel.partitions`): its columns,
constraints and indexes are its parent's, which PostgreSQL gives it and keeps in step, so
the model holds only its name (in the schema's namespace of relations), its parent and its
bound; other statements change it through its parent.
"""

from __future__ import annotations

import dataclasses

from ..dsl import ast
from ..dsl.source import Span
from ..runner.locks import ACCESS_EXCLUSIVE
from .context import Context, Step
from .model import PartitionModel, TableModel
from .partition_tables import foreign_key_locks, recreate_attached
from .registry import builder_for, step
from .render import columns_list, table_ref
from .statement import Statement, locks


def create_partition_sql(partition: PartitionModel) -> str:
    return (f"CREATE TABLE {table_ref(*partition.key)} PARTITION OF"
            f" {table_ref(*partition.parent)} {partition.bound}")


def _keys_of(s: ast.CreateTable) -> list[tuple[str, tuple[str, ...], Span]]:
    """Each primary key and unique constraint the statement writes: kind, columns, where."""
    found: list[tuple[str, tuple[str, ...], Span]] = []
    for column in s.columns:
        for constraint in column.constraints:
            if isinstance(constraint, ast.PrimaryKey):
                found.append(("primary key", (column.name.value,), constraint.span))
            elif isinstance(constraint, ast.Unique):
                found.append(("unique constraint", (column.name.value,), constraint.span))
    for table_constraint in s.constraints:
        if isinstance(table_constraint, ast.PrimaryKeyConstraint):
            found.append(("primary key", tuple(n.value for n in table_constraint.columns),
                          table_constraint.span))
        elif isinstance(table_constraint, ast.UniqueConstraint):
            found.append(("unique constraint", tuple(n.value for n in table_constraint.columns),
                          table_constraint.span))
    return found


def check_partition_key(ctx: Context, table: TableModel, kind: str, columns: tuple[str, ...],
                        span: Span) -> None:
    """PostgreSQL refuses a primary key or unique constraint on a partitioned table that
    does not hold every column of the partition key (each partition enforces it alone)."""
    if table.partition_by is None:
        return
    missing = [c for c in table.partition_by[1] if c not in columns]
    if missing:
        raise ctx.error("partition-key", f"a {kind} of partitioned table '{table.name}' must"
                        f" include every column of its partition key: add"
                        f" {', '.join(repr(c) for c in missing)} to {columns_list(columns)}",
                        span)


@step(ast.CreatePartitionedTable)
def create_partitioned_table(ctx: Context, s: ast.CreatePartitionedTable) -> list[Step]:
    columns = {c.name.value for c in s.table.columns}
    for name in s.key:
        if name.value not in columns:
            raise ctx.error("unknown-column", f"table '{s.table.name}' has no column"
                            f" '{name.value}'{ctx.hint(name.value, columns)}", name.span)
    key = tuple(n.value for n in s.key)
    if s.strategy == "list" and len(key) > 1:
        raise ctx.error("bad-partition", "a list partition key has one column, not"
                        f" {len(key)}", s.key[1].span)
    probe = TableModel(*ctx.key(s.table.name), partition_by=(s.strategy, key))
    for kind, constrained, span in _keys_of(s.table):
        check_partition_key(ctx, probe, kind, constrained, span)
    built = builder_for(s.table)(ctx, s.table)
    steps = built if isinstance(built, list) else [built] if built is not None else []
    table = ctx.model.tables[ctx.key(s.table.name)]
    table.partition_by = (s.strategy, key)
    first = steps[0]
    first.up = [dataclasses.replace(statement, sql=_create_sql(statement.sql, table))
                for statement in first.up]
    first.node = s.table  # the lint reads the table as `table { }` wrote it
    return steps


def _create_sql(sql: str, table: TableModel) -> str:
    """The table's CREATE TABLE with its PARTITION BY; other statements unchanged."""
    if not sql.startswith(f"CREATE TABLE {table_ref(*table.key)} ("):
        return sql
    assert table.partition_by is not None
    strategy, key = table.partition_by
    return f"{sql} PARTITION BY {strategy.upper()} {columns_list(key)}"


def _bound_sql(bound: ast.PartitionBound) -> str:
    def values(group: tuple[ast.BoundValue, ...]) -> str:
        return "(" + ", ".join(v.sql for v in group) + ")"

    if bound.kind == "range":
        return f"FOR VALUES FROM {values(bound.values[0])} TO {values(bound.values[1])}"
    if bound.kind == "list":
        return f"FOR VALUES IN {values(bound.values[0])}"
    if bound.kind == "hash":
        modulus, remainder = (v.sql for v in bound.values[0])
        return f"FOR VALUES WITH (MODULUS {modulus}, REMAINDER {remainder})"
    return "DEFAULT"


def default_partition(ctx: Context, parent: TableModel) -> PartitionModel | None:
    return next((p for p in ctx.model.partitions.values()
                 if p.parent == parent.key and p.bound == "DEFAULT"), None)


def checked_bound(ctx: Context, parent: TableModel, bound: ast.PartitionBound,
                  parent_span: Span) -> str:
    """The bound's SQL, once it fits the parent's partition key (and its default partition);
    `parent_span` is where the statement names the parent."""
    if parent.partition_by is None:
        raise ctx.error("bad-partition", f"table '{parent.name}' is not partitioned: write"
                        " `partition by range|list|hash (…)` after its `table { … }`",
                        parent_span)
    strategy, columns = parent.partition_by
    if bound.kind == "default" and strategy == "hash":
        raise ctx.error("bad-partition", f"table '{parent.name}' is partitioned by hash,"
                        " which has no default partition", bound.span)
    if bound.kind not in ("default", strategy):
        words = {"range": "for values from (…) to (…)", "list": "for values in (…)",
                 "hash": "for values with (modulus …, remainder …)"}
        raise ctx.error("bad-partition", f"table '{parent.name}' is partitioned by"
                        f" {strategy}: its partitions take `{words[strategy]}`", bound.span)
    if bound.kind == "range" and len(bound.values[0]) != len(columns):
        raise ctx.error("bad-partition", f"the partition key of '{parent.name}' has"
                        f" {len(columns)} column(s): give as many values in each bound",
                        bound.span)
    default = default_partition(ctx, parent)
    if bound.kind == "default" and default is not None:
        raise ctx.error("bad-partition", f"table '{parent.name}' already has a default"
                        f" partition, '{default.name}'", bound.span)
    return _bound_sql(bound)


@step(ast.CreatePartition)
def create_partition(ctx: Context, s: ast.CreatePartition) -> Step:
    key = ctx.key(s.name)
    ctx.check_qualified(s.name, "partition name")
    if ctx.model.relation_taken(*key) or ctx.model.type_taken(*key):
        raise ctx.error("duplicate-name", f"'{s.name.name}' already exists in schema"
                        f" '{key[0]}'", s.name.span)
    parent = ctx.table(s.parent, "change")
    bound = checked_bound(ctx, parent, s.bound, s.parent.span)
    default = default_partition(ctx, parent)
    partition = PartitionModel(*key, parent.key, bound)
    ctx.model.partitions[key] = partition
    ctx.model.owned_relations[key] = "partition"
    # A new partition is checked against the rows of the default partition, which are
    # scanned under ACCESS EXCLUSIVE; the parent itself is locked ACCESS EXCLUSIVE.
    also = [(default.key, ACCESS_EXCLUSIVE)] if default is not None else []
    up = Statement(create_partition_sql(partition),
                   locks((parent, ACCESS_EXCLUSIVE), *also, *foreign_key_locks(parent)),
                   "scan" if default is not None else "catalog")
    down = Statement(f"DROP TABLE {table_ref(*key)}",
                     locks((key, ACCESS_EXCLUSIVE), (parent, ACCESS_EXCLUSIVE), *also))
    return Step([up], [down], s.span, node=s)


def drop_partition(ctx: Context, s: ast.DropTable) -> Step:
    """`drop table P` of a partition: its rows go; Down makes it again, empty (as the table
    it was, then attached, when it was a table attached with names or checks of its own)."""
    key = ctx.key(s.table)
    partition = ctx.model.partitions.pop(key)
    ctx.model.owned_relations.pop(key, None)
    # The default partition's implicit constraint changes with the other partitions: it is
    # locked too (and scanned when a partition is made again).
    parent = ctx.model.tables[partition.parent]
    default = default_partition(ctx, parent)
    also = [(default.key, ACCESS_EXCLUSIVE)] if default is not None else []
    cascade = " CASCADE" if s.cascade else ""
    up = Statement(f"DROP TABLE {table_ref(*key)}{cascade}",
                   locks((key, ACCESS_EXCLUSIVE), (partition.parent, ACCESS_EXCLUSIVE), *also))
    if partition.names or partition.defaults or partition.not_null or partition.checks:
        return Step([up], recreate_attached(ctx.model, partition, also), s.span, node=s)
    down = Statement(create_partition_sql(partition),
                     locks((partition.parent, ACCESS_EXCLUSIVE), *also,
                           *foreign_key_locks(parent)),
                     "scan" if default is not None else "catalog")
    return Step([up], [down], s.span, node=s)


def check_partitions_dropped(ctx: Context, table: TableModel, span: Span) -> None:
    """PostgreSQL drops a partitioned table's partitions with it; pgshift wants them dropped
    first, each with a Down that makes it again."""
    left = sorted(p.name for p in ctx.model.partitions.values() if p.parent == table.key)
    if left:
        raise ctx.error("has-partitions", f"table '{table.name}' still has partitions"
                        f" ({', '.join(left)}): drop them first (`drop table {left[0]}`)", span)


def refuse_key_column(ctx: Context, table: TableModel, column: str, change: str,
                      span: Span) -> None:
    """PostgreSQL refuses to drop or retype a column of the partition key."""
    if table.partition_by is not None and column in table.partition_by[1]:
        raise ctx.error("partition-key", f"column '{table.name}.{column}' is in the"
                        f" partition key of '{table.name}': PostgreSQL cannot {change} it",
                        span)


def refuse_on_partitioned(ctx: Context, table: TableModel, what: str, span: Span) -> None:
    """What PostgreSQL does not do on a partitioned table (`index concurrently`, a key
    `using index`)."""
    if table.partition_by is not None:
        raise ctx.error("bad-partition", f"table '{table.name}' is partitioned: PostgreSQL"
                        f" has no {what} on a partitioned table", span)


def follow_key_rename(table: TableModel, old: str, new: str) -> None:
    if table.partition_by is not None:
        strategy, key = table.partition_by
        table.partition_by = (strategy, tuple(new if c == old else c for c in key))
