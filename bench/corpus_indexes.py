"""Index statements for bench/corpus.py: b-tree, gin and vector indexes, and dropping or
renaming one.

Vector indexes get an operator class that fits the column's type and parameters in the
range hnsw and ivfflat accept; an indexed column is locked, so later alters leave it alone.
"""

from __future__ import annotations

import random

from corpus_schema import VECTOR_OPCLASSES, Column, Index, Schema, Table, Writer


def add_index(schema: Schema, name: str, table: Table, columns: list[str]) -> None:
    """Record the index and lock its columns (no draw)."""
    schema.indexes[name] = Index(name, table.name, columns)
    table.indexes.add(name)
    for c in columns:
        table.columns[c].locked = True


def vector_index(r: random.Random, schema: Schema, w: Writer, table: Table,
                 column: Column) -> None:
    method = "hnsw" if r.random() < 0.7 else "ivfflat"
    opclass = r.choice(VECTOR_OPCLASSES[column.type.family])
    name = schema.fresh(f"{table.name}_{column.name}_{method}")
    if method == "hnsw":
        m = r.choice((8, 16, 24, 32))
        params = f"m = {m}, ef_construction = {r.choice((2 * m, 64, 128, 200))}"
    else:
        params = f"lists = {r.choice((50, 100, 200, 1000))}"
    w.block(f"index {name} on {table.name} using {method} ({column.name} {opclass})",
            f"    with ({params})")
    add_index(schema, name, table, [column.name])


def create_index(r: random.Random, schema: Schema, w: Writer) -> None:
    table = schema.pick_table(r)
    if table is None:
        return
    candidates = [c for c in table.columns.values()
                  if c.name != "id" and c.type.family not in ("vector", "halfvec", "jsonb",
                                                              "array")]
    vectors = [c for c in table.columns.values() if c.type.family in ("vector", "halfvec")]
    if vectors and r.random() < 0.15:
        vector_index(r, schema, w, table, r.choice(vectors))
        return
    if not candidates:
        return
    columns = r.sample(candidates, min(len(candidates), r.choice((1, 1, 1, 2))))
    names = [c.name for c in columns]
    unique = len(columns) == 2 and r.random() < 0.3
    name = schema.fresh(f"{table.name}_{'_'.join(names)}_{'uniq' if unique else 'idx'}")
    head = f"{'unique ' if unique else ''}index {name} on {table.name}"
    elements = ", ".join(f"{n} desc" if r.random() < 0.1 else n for n in names)
    line = f"{head} ({elements})"
    deleted = table.columns.get("deleted_at")
    if deleted is not None and r.random() < 0.5:
        line += " where `deleted_at is null`"
    jsonb = [c for c in table.columns.values() if c.type.family == "jsonb"]
    if jsonb and r.random() < 0.1:
        column = r.choice(jsonb)
        name = schema.fresh(f"{table.name}_{column.name}_gin")
        line = f"index {name} on {table.name} using gin ({column.name} jsonb_path_ops)"
        names = [column.name]
    w.block(line)
    add_index(schema, name, table, names)


def drop_or_rename_index(r: random.Random, schema: Schema, w: Writer) -> None:
    if not schema.indexes:
        return
    index = schema.indexes[r.choice(sorted(schema.indexes))]
    table = schema.tables[index.table]
    drop = r.random() < 0.6
    del schema.indexes[index.name]  # either way the old name is gone
    table.indexes.discard(index.name)
    if drop:
        w.block(f"drop index {index.name}")
        w.actions.append(f"drop_{index.name}")
        return
    new = schema.fresh(f"{index.name[:50]}_renamed")
    w.block(f"rename index {index.name} to {new}")
    index.name = new
    schema.indexes[new] = index
    table.indexes.add(new)
