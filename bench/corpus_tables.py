"""Table statements for bench/corpus.py: create, alter, drop and rename a table.

Each one updates the schema as it writes, so later statements name only what exists: a
dropped column is gone, a renamed table's foreign keys and indexes follow it, a table some
foreign key points at is never dropped, and locked columns are never dropped or retyped.
"""

from __future__ import annotations

import random

from corpus_columns import column_line, default_for, new_column
from corpus_indexes import vector_index
from corpus_schema import (
    BIGINT,
    TABLE_NOUNS,
    VECTOR_DIMENSIONS,
    Column,
    ColumnType,
    Schema,
    Table,
    Writer,
)


def create_table(r: random.Random, schema: Schema, w: Writer) -> None:
    table = Table(schema.fresh(r.choice(TABLE_NOUNS)))
    table.columns["id"] = Column("id", BIGINT, locked=True)
    parents = list(schema.tables)
    if parents and r.random() < 0.5:
        parent = r.choice(parents)
        column = Column(f"{parent[:40]}_id", BIGINT, True, references=parent, locked=True)
        table.columns[column.name] = column
    vector = None
    if r.random() < 0.25:
        kind = "vector" if r.random() < 0.8 else "halfvec"
        dimension = r.choice(VECTOR_DIMENSIONS[kind])
        vector = Column("embedding", ColumnType(f"{kind}({dimension})", kind, dimension),
                        r.random() < 0.5)
        table.columns["embedding"] = vector
    for _ in range(r.randint(4, 9)):
        column = new_column(r, schema, table)
        table.columns[column.name] = column
    table.columns["created_at"] = Column("created_at", ColumnType("timestamptz",
                                         "timestamptz"), True, "now()")
    width = max(len(c) for c in table.columns)
    lines = [f"table {table.name} {{"]
    lines.append(f"    {'id':<{width}} bigint identity primary key")
    lines += [column_line(r, c, width) for c in table.columns.values() if c.name != "id"]
    plain = [c for c in table.columns.values() if c.type.family in ("text", "varchar",
             "int", "bigint", "uuid", "date") and not c.references and c.name != "id"]
    if len(plain) >= 2 and r.random() < 0.2:
        pair = r.sample(plain, 2)
        for c in pair:
            c.locked = True
        lines.append(f"    unique ({pair[0].name}, {pair[1].name})")
    numeric = [c for c in table.columns.values() if c.type.family in ("int", "numeric")]
    if numeric and r.random() < 0.15:
        c = r.choice(numeric)
        c.locked = True
        lines.append(f"    check `{c.name} >= 0`")
    lines.append("}")
    schema.tables[table.name] = table
    w.block(*lines)
    w.actions.append(f"create_{table.name}")
    if vector is not None:
        vector_index(r, schema, w, table, vector)
    if r.random() < 0.45:
        w.block(f"comment on table {table.name} is 'The {table.name.split('_')[0]}"
                " of the application.'")


def alter_table(r: random.Random, schema: Schema, w: Writer) -> None:
    table = schema.pick_table(r)
    if table is None:
        return
    lines = [f"alter table {table.name} {{"]
    added: list[Column] = []
    for _ in range(r.choice((1, 2, 3, 3, 4, 4))):
        action = r.random()
        free = [c for c in table.columns.values() if not c.locked and c not in added]
        if action < 0.36 or not free:
            column = new_column(r, schema, table)
            if column.not_null and column.default is None:
                column.default = default_for(r, column.type)
                column.not_null = column.default is not None
            table.columns[column.name] = column
            added.append(column)
            lines.append("    add column " + column_line(r, column, 0).strip())
        elif action < 0.50:
            column = r.choice(free)
            del table.columns[column.name]
            lines.append(f"    drop column {column.name}")
        elif action < 0.66:
            column = r.choice(free)
            old = column.name
            new = f"{old[:40]}_{r.choice(('old', 'v2', 'raw', 'text', 'new'))}"
            while new in table.columns:
                new = f"{old[:40]}_{r.randint(2, 999)}"
            del table.columns[old]
            column.name = new
            table.columns[new] = column
            lines.append(f"    rename column {old} to {new}")
        elif action < 0.80:
            column = r.choice(free)
            widened = column.type.widened()
            if widened is None or column.references:
                column.default = default_for(r, column.type)
                lines.append(f"    alter column {column.name} set default"
                             f" {column.default or 'null'}")
                continue
            column.type = widened
            lines.append(f"    alter column {column.name} type {widened.spelling}")
        elif action < 0.90:
            column = r.choice(free)
            if column.not_null:
                column.not_null = False
                lines.append(f"    alter column {column.name} drop not null")
            elif column.default is not None:
                column.not_null = True
                lines.append(f"    alter column {column.name} set not null")
            else:
                lines.append(f"    alter column {column.name} drop default")
        else:
            column = r.choice(free)
            default = default_for(r, column.type)
            if default is None or column.references:
                lines.append(f"    alter column {column.name} drop default")
                column.default = None
            else:
                column.default = default
                lines.append(f"    alter column {column.name} set default {default}")
    lines.append("}")
    w.block(*lines)
    w.actions.append(f"alter_{table.name}")


def drop_table(r: random.Random, schema: Schema, w: Writer) -> None:
    referenced = schema.referenced()
    droppable = [t for t in schema.tables.values() if t.name not in referenced]
    if len(schema.tables) < 8 or not droppable:
        return
    table = r.choice(droppable)
    for index in table.indexes:
        del schema.indexes[index]
    del schema.tables[table.name]
    w.block(f"drop table {table.name}")
    w.actions.append(f"drop_{table.name}")


def rename_table(r: random.Random, schema: Schema, w: Writer) -> None:
    table = schema.pick_table(r)
    if table is None:
        return
    old = table.name
    suffix = r.choice(("v2", "archive", "legacy", "main"))
    table.name = schema.fresh(f"{old.rsplit('_', 1)[0]}_{suffix}")
    del schema.tables[old]
    schema.tables[table.name] = table
    for other in schema.tables.values():
        for column in other.columns.values():
            if column.references == old:
                column.references = table.name
    for index in table.indexes:
        schema.indexes[index].table = table.name
    w.block(f"rename table {old} to {table.name}")
    w.actions.append(f"rename_{old}")
