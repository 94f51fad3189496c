"""`attach partition` and `detach partition [concurrently]`, actions of `alter table PARENT`.

Attaching makes an existing table a partition: PostgreSQL scans it (under ACCESS
EXCLUSIVE) to prove every row fits the bound, takes only SHARE UPDATE EXCLUSIVE on the
parent, and scans the default partition, if any, under ACCESS EXCLUSIVE. It would build,
while holding those locks, each of the parent's indexes the table lacks: pgshift wants
them made first, by a statement of their own, so that the attach is quick and its Down
(DETACH) leaves the table as it was.

Detaching makes a partition a table of its own (partition_tables.py says which); without
CONCURRENTLY it takes ACCESS EXCLUSIVE on the parent, blocking every reader of the whole
partitioned table while it waits for its lock; CONCURRENTLY runs outside a transaction,
takes SHARE UPDATE EXCLUSIVE on the parent and adds a CHECK constraint of the bound.
"""

from __future__ import annotations

import re

from ..dsl import ast
from ..dsl.source import Span
from ..runner.locks import ACCESS_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE
from .alter import action
from .context import Context, Step
from .model import ConstraintModel, IndexModel, PartitionModel, TableModel
from .partition_tables import (
    attach_statement,
    bound_check,
    foreign_key_locks,
    standalone_table,
)
from .partitions import checked_bound, default_partition
from .quoting import quote_ident
from .render import table_ref
from .statement import Statement, locks


def _same_index(one: IndexModel, other: IndexModel) -> bool:
    """Would PostgreSQL take `other` as the partition's index for `one`?"""
    return (one.unique, one.method or "btree", one.elements, one.include, one.where) == (
        other.unique, other.method or "btree", other.elements, other.include, other.where)


def _refuse_own(ctx: Context, table: TableModel, span: Span) -> None:
    """What a table cannot bring into a partition in pgshift's model."""
    if table.partition_by is not None:
        raise ctx.error("bad-partition", f"table '{table.name}' is partitioned itself:"
                        " sub-partitions are not in the language (write them in a `sql`"
                        " block)", span)
    kept = [what for what, has in (
        ("triggers", bool(ctx.model.triggers.get(table.key))),
        ("policies", bool(table.policies)), ("row-level security", table.row_security),
        ("grants", bool(table.grants)), ("a comment", table.comment is not None),
        ("foreign keys pointing at it", bool(ctx.model.references_to(table.key))))
        if has]
    if kept:
        raise ctx.error("bad-partition", f"table '{table.name}' has {', '.join(kept)}: a"
                        " partition takes these from its parent; drop them before attaching"
                        " it", span)


def _check_columns(ctx: Context, parent: TableModel, table: TableModel, span: Span) -> None:
    for name in table.columns:
        if name not in parent.columns:
            raise ctx.error("bad-partition", f"table '{table.name}' has column '{name}',"
                            f" which '{parent.name}' has not: a partition has exactly its"
                            " parent's columns", span)
    for name, column in parent.columns.items():
        own = table.columns.get(name)
        if own is None:
            raise ctx.error("bad-partition", f"table '{table.name}' has no column '{name}'"
                            f" of '{parent.name}': a partition has exactly its parent's"
                            " columns", span)
        same_type = (own.type.base, own.type.modifiers, own.type.array_bounds,
                     own.type.schema) == (column.type.base, column.type.modifiers,
                                          column.type.array_bounds, column.type.schema)
        if not same_type or own.collation != column.collation:
            raise ctx.error("bad-partition", f"column '{table.name}.{name}' is not of the"
                            f" type (and collation) of '{parent.name}.{name}'", span)
        if own.generated != column.generated:
            raise ctx.error("bad-partition", f"column '{table.name}.{name}' must be"
                            f" generated as '{parent.name}.{name}' is", span)
        if own.identity is not None or own.sequence is not None:
            raise ctx.error("bad-partition", f"column '{table.name}.{name}' has a sequence"
                            " of its own (identity or serial): a partition's rows take"
                            " their parent's", span)
        if column.not_null and not own.not_null:
            raise ctx.error("bad-partition", f"column '{table.name}.{name}' must be NOT NULL"
                            f" as '{parent.name}.{name}' is: `alter column {name} set not"
                            " null` first", span)


def _own_names(ctx: Context, parent: TableModel, table: TableModel,
               span: Span) -> dict[str, str]:
    """The table's index and constraint for each of its parent's, by the parent's name; a
    check constraint the parent has must be there under its name (PostgreSQL's rule)."""
    names: dict[str, str] = {}
    own = {c.name: c for c in table.constraints.values()}
    for constraint in parent.constraints.values():
        if constraint.kind == "check":
            match = own.get(constraint.name)
            if match is None or match.kind != "check" or (
                    match.expression != constraint.expression):
                raise ctx.error("bad-partition", f"table '{table.name}' needs the check"
                                f" constraint '{constraint.name}' of '{parent.name}', under"
                                " that name and with that expression", span)
            continue
        for candidate in own.values():
            if (candidate.kind, candidate.columns, candidate.ref_table,
                    candidate.ref_columns, candidate.on_delete, candidate.on_update,
                    candidate.nulls_distinct) == (
                    constraint.kind, constraint.columns, constraint.ref_table,
                    constraint.ref_columns, constraint.on_delete, constraint.on_update,
                    constraint.nulls_distinct):
                names[constraint.name] = candidate.name
                break
        else:
            if constraint.kind != "foreign key":  # PostgreSQL copies a missing foreign key
                raise ctx.error("bad-partition", f"table '{table.name}' needs a"
                                f" {constraint.kind} on ({', '.join(constraint.columns)}),"
                                f" as '{parent.name}' has ('{constraint.name}'): add it"
                                " before attaching", span)
    for constraint in own.values():
        if constraint.name not in names.values() and constraint.kind != "check":
            raise ctx.error("bad-partition", f"{constraint.kind} '{constraint.name}' of"
                            f" '{table.name}' is not one of '{parent.name}': drop it before"
                            " attaching", span)
    indexes = ctx.model.indexes_of(table.key)
    for index in ctx.model.indexes_of(parent.key):
        twin = next((i for i in indexes if _same_index(index, i)), None)
        if twin is None:
            raise ctx.error("bad-partition", f"table '{table.name}' has no index like"
                            f" '{index.name}' of '{parent.name}': make it first (PostgreSQL"
                            " would build it while the attach holds its locks)", span)
        names[index.name] = twin.name
        indexes.remove(twin)
    if indexes:
        raise ctx.error("bad-partition", f"index '{indexes[0].name}' of '{table.name}' is"
                        f" none of '{parent.name}': drop it before attaching (or make it on"
                        f" '{parent.name}')", span)
    return names


@action(ast.AttachPartition)
def attach_partition(ctx: Context, parent: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.AttachPartition)
    bound = checked_bound(ctx, parent, a.bound, a.bound.span)
    table = ctx.table(a.name, "attach")
    if table.key == parent.key:
        raise ctx.error("bad-partition", f"table '{parent.name}' cannot be a partition of"
                        " itself", a.name.span)
    _refuse_own(ctx, table, a.name.span)
    _check_columns(ctx, parent, table, a.name.span)
    names = _own_names(ctx, parent, table, a.name.span)
    checks = {c.name: c for c in table.constraints.values()
              if c.kind == "check" and c.name not in parent.constraints}
    partition = PartitionModel(
        table.schema, table.name, parent.key, bound, names,
        {name: column.default for name, column in table.columns.items()
         if column.default != parent.columns[name].default or (
             parent.columns[name].sequence is not None)},
        {name: column.not_null_name for name, column in table.columns.items()
         if column.not_null and (not parent.columns[name].not_null or (
             column.not_null_name != parent.columns[name].not_null_name))},
        checks)
    cloned = [c.name for c in parent.constraints.values()
              if c.kind == "foreign key" and c.name not in names]
    for index in ctx.model.indexes_of(table.key):
        ctx.model.detach_index(index)
    ctx.model.detach_table(table)
    ctx.model.partitions[table.key] = partition
    ctx.model.owned_relations[table.key] = "partition"
    default = default_partition(ctx, parent)
    also = [(default.key, ACCESS_EXCLUSIVE)] if default is not None else []
    parent_ref, ref = table_ref(*parent.key), table_ref(*table.key)
    twins = {c.name for c in parent.constraints.values()
             if c.kind == "foreign key" and c.name in names}
    up = Statement(f"ALTER TABLE {parent_ref} ATTACH PARTITION {ref} {bound}",
                   locks((parent, SHARE_UPDATE_EXCLUSIVE), (table, ACCESS_EXCLUSIVE), *also,
                         *foreign_key_locks(parent, ACCESS_EXCLUSIVE, twins),
                         *foreign_key_locks(parent)), "scan")
    down = [Statement(f"ALTER TABLE {parent_ref} DETACH PARTITION {ref}",
                      locks((parent, ACCESS_EXCLUSIVE), (table, ACCESS_EXCLUSIVE), *also,
                            *foreign_key_locks(parent)))]
    down += [Statement(f"ALTER TABLE {ref} DROP CONSTRAINT {quote_ident(name)}",
                       locks((table, ACCESS_EXCLUSIVE),
                             *foreign_key_locks(parent, ACCESS_EXCLUSIVE, {name})))
             for name in cloned]
    return Step([up], down, a.span, node=a)


_NULL = re.compile(r"'(?:[^']|'')*'|\bNULL\b")


@action(ast.DetachPartition)
def detach_partition(ctx: Context, parent: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.DetachPartition)
    key = ctx.key(a.name)
    partition = ctx.model.partitions.get(key)
    if partition is None or partition.parent != parent.key:
        known = [p.name for p in ctx.model.partitions.values() if p.parent == parent.key]
        raise ctx.error("unknown-table", f"'{a.name}' is not a partition of"
                        f" '{parent.name}'{ctx.hint(a.name.name, known)}", a.name.span)
    default = default_partition(ctx, parent)
    extra: tuple[ConstraintModel, ...] = ()
    if a.concurrently:
        if default is not None:
            raise ctx.error("bad-partition", f"table '{parent.name}' has a default partition"
                            f" ('{default.name}'): PostgreSQL detaches concurrently only"
                            " without one; leave out `concurrently`", a.span)
        assert parent.partition_by is not None
        strategy, key_columns = parent.partition_by
        if (strategy == "range" and len(key_columns) > 1) or (
                strategy == "list" and any(m.group() == "NULL"
                                           for m in _NULL.finditer(partition.bound))):
            raise ctx.error("bad-partition", "pgshift detaches concurrently a partition of a"
                            " one-column range key, a list without NULL, or a hash: leave"
                            " out `concurrently`", a.span)
        check = bound_check(ctx.model, partition, parent)
        extra = (check,) if check is not None else ()
    table, indexes = standalone_table(ctx.model, partition, extra)
    del ctx.model.partitions[key]
    ctx.model.owned_relations.pop(key, None)
    ctx.model.attach_table(table)
    for index in indexes:
        ctx.model.attach_index(index)
    also = [(default.key, ACCESS_EXCLUSIVE)] if default is not None else []
    parent_ref, ref = table_ref(*parent.key), table_ref(*key)
    if a.concurrently:
        up = Statement(f"ALTER TABLE {parent_ref} DETACH PARTITION {ref} CONCURRENTLY",
                       locks((parent, SHARE_UPDATE_EXCLUSIVE), (key, ACCESS_EXCLUSIVE)),
                       concurrently=True)
    else:
        up = Statement(f"ALTER TABLE {parent_ref} DETACH PARTITION {ref}",
                       locks((parent, ACCESS_EXCLUSIVE), (key, ACCESS_EXCLUSIVE), *also,
                             *foreign_key_locks(parent)))
    down = [attach_statement(parent, partition, also)]
    down += [Statement(f"ALTER TABLE {ref} DROP CONSTRAINT {quote_ident(check.name)}",
                       locks((key, ACCESS_EXCLUSIVE))) for check in extra]
    return Step([up], down, a.span, node=a)
