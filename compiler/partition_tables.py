"""A partition as a table of its own: what `detach partition` leaves, and what Down makes
again before attaching a dropped partition that was a table of its own.

A partition's columns, constraints and indexes are its parent's (the model keeps only its
name and bound: model.PartitionModel). Detached, it keeps them under the names PostgreSQL
gave them when it cloned them: the parent's names for check constraints, foreign keys and
NOT NULLs, and `PARTITION_pkey`, `PARTITION_a_b_key`, `PARTITION_a_idx` for the indexes
(ChooseIndexName), unless the partition was a table attached with its own (`names`).
A column's identity does not stay; a serial column keeps its default, the parent's
sequence.
"""

from __future__ import annotations

import dataclasses
import re

from ..runner.locks import ACCESS_EXCLUSIVE, SHARE_ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE
from .model import (
    SERIAL_TYPES,
    ColumnModel,
    ConstraintModel,
    IndexModel,
    Key,
    PartitionModel,
    SchemaModel,
    TableModel,
)
from .naming import choose_name, column_addition
from .quoting import quote_literal
from .recreate import create_index_statement
from .render import create_table_sql, table_ref
from .statement import Statement, locks

_FUNCTION_CALL = re.compile(r"\s*\(*\s*([A-Za-z_][A-Za-z0-9_$]*)\s*\(")


def index_column_names(index: IndexModel) -> list[str]:
    """The names PostgreSQL gives an index's columns (key and include): a column's name, a
    function call's function, `expr` for other expressions; repeats get a number."""
    names: list[str] = []
    for element in index.elements:
        if element.column is not None:
            name = element.column
        else:
            call = _FUNCTION_CALL.match(element.expression or "")
            name = call.group(1).lower() if call else "expr"
        names.append(name)
    names += index.include
    unique: list[str] = []
    for name in names:
        chosen, number = name, 0
        while chosen in unique:
            number += 1
            chosen = f"{name}{number}"
        unique.append(chosen)
    return unique


def partition_index_name(model: SchemaModel, partition: PartitionModel, parent_name: str,
                         label: str, columns: list[str]) -> str:
    """The name of a partition's counterpart of its parent's index or key `parent_name`."""
    own = partition.names.get(parent_name)
    if own is not None:
        return own
    addition = None if label == "pkey" else column_addition(columns)
    return choose_name(partition.name, addition, label,
                       lambda name: model.relation_taken(partition.schema, name))


def _column(column: ColumnModel, partition: PartitionModel, parent: TableModel) -> ColumnModel:
    default = column.default
    not_null = column.not_null or column.name in partition.not_null
    not_null_name = partition.not_null.get(column.name, column.not_null_name)
    column_type = column.type
    if column.identity is not None:
        default, not_null = None, True
    elif column.type.name in SERIAL_TYPES and column.sequence is not None:
        sequence = column.sequence if parent.schema == "public" else (
            f"{parent.schema}.{column.sequence}")
        default = f"nextval({quote_literal(sequence)}::regclass)"
        column_type = dataclasses.replace(column.type, name=SERIAL_TYPES[column.type.name])
        not_null = True
    if column.name in partition.defaults:
        default = partition.defaults[column.name]
    return dataclasses.replace(column, type=column_type, default=default, not_null=not_null,
                               not_null_name=not_null_name, identity=None, sequence=None,
                               sequence_type=None, comment=None)


def standalone_table(model: SchemaModel, partition: PartitionModel,
                     extra_checks: tuple[ConstraintModel, ...] = ()
                     ) -> tuple[TableModel, list[IndexModel]]:
    """The partition as the table (and indexes) PostgreSQL leaves when it is detached."""
    parent = model.tables[partition.parent]
    table = TableModel(partition.schema, partition.name)
    for column in parent.columns.values():
        table.columns[column.name] = _column(column, partition, parent)
    for constraint in parent.constraints.values():
        name = constraint.name
        if constraint.kind in ("primary key", "unique"):
            label = "pkey" if constraint.kind == "primary key" else "key"
            name = partition_index_name(model, partition, name, label, list(constraint.columns))
        else:
            name = partition.names.get(name, name)
        table.constraints[name] = dataclasses.replace(constraint, name=name, comment=None)
    for check in (*partition.checks.values(), *extra_checks):
        table.constraints[check.name] = check
    indexes = [dataclasses.replace(
        index, table=partition.name, comment=None,
        name=partition_index_name(model, partition, index.name, "idx",
                                  index_column_names(index)))
        for index in model.indexes_of(parent.key)]
    return table, indexes


def bound_check(model: SchemaModel, partition: PartitionModel,
                parent: TableModel) -> ConstraintModel | None:
    """The CHECK constraint DETACH PARTITION CONCURRENTLY adds, holding the partition's rows
    to its bound (None: PostgreSQL adds none for a hash partition). A range key of one
    column and a list key only: partitions.py refuses the others."""
    assert parent.partition_by is not None
    strategy, key = parent.partition_by
    if strategy == "hash":
        return None
    column = key[0]
    parts = [f"{column} IS NOT NULL"]
    bound = partition.bound
    if strategy == "range":
        found = re.fullmatch(r"FOR VALUES FROM \((.*)\) TO \((.*)\)", bound)
        assert found is not None
        low, high = found.groups()
        if low != "MINVALUE":
            parts.append(f"{column} >= {low}")
        if high != "MAXVALUE":
            parts.append(f"{column} < {high}")
    else:
        listed = re.fullmatch(r"FOR VALUES IN \((.*)\)", bound)
        assert listed is not None
        values = listed.group(1)
        parts.append(f"{column} = ANY (ARRAY[{values}])")
    name = choose_name(partition.name, column, "check",
                       lambda name: model.constraint_taken(partition.schema, name))
    return ConstraintModel(name, "check", (), " AND ".join(parts))



def foreign_key_locks(table: TableModel, mode: str = SHARE_ROW_EXCLUSIVE,
                      names: set[str] | None = None) -> list[tuple[Key, str]]:
    """Each table the foreign keys of `table` (those named, if given) reference, in `mode`.
    Making a partition (PARTITION OF, DETACH, ATTACH of a table without its parent's foreign
    key, which PostgreSQL copies) takes SHARE ROW EXCLUSIVE there, as adding a foreign key
    does; ATTACH of a table with its own twin of the key takes ACCESS EXCLUSIVE, to drop its
    triggers on the referenced table."""
    return [(c.ref_table, mode) for c in table.constraints.values()
            if c.ref_table is not None and (names is None or c.name in names)]


def attach_statement(parent: TableModel, partition: PartitionModel, also: list[tuple[Key, str]]
                     ) -> Statement:
    """ATTACH again of what was a partition: it has its parent's foreign keys."""
    return Statement(
        f"ALTER TABLE {table_ref(*parent.key)} ATTACH PARTITION"
        f" {table_ref(*partition.key)} {partition.bound}",
        locks((parent, SHARE_UPDATE_EXCLUSIVE), (partition.key, ACCESS_EXCLUSIVE), *also,
              *foreign_key_locks(parent, ACCESS_EXCLUSIVE)), "scan")


def recreate_attached(model: SchemaModel, partition: PartitionModel,
                      also: list[tuple[Key, str]]) -> list[Statement]:
    """Down of dropping a partition that was a table attached with its own names, defaults
    or checks: the table as it was, then ATTACH (PARTITION OF would not give those back)."""
    parent = model.tables[partition.parent]
    table, indexes = standalone_table(model, partition)
    statements = [Statement(create_table_sql(table), locks(*foreign_key_locks(table)))]
    statements += [create_index_statement(index) for index in indexes]
    statements.append(attach_statement(parent, partition, also))
    return statements
