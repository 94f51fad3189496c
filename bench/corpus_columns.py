"""Columns for bench/corpus.py: random types, defaults that fit them, new columns and the
line that declares one.

Shared by `create table` and `alter table ... add column`, which must draw them alike. Every
function draws from the caller's `random.Random` in a fixed order: the corpus is only
reproducible while that order stays as it is.
"""

from __future__ import annotations

import random

from corpus_schema import BIGINT, COLUMN_WORDS, Column, ColumnType, Schema, Table

# Cumulative odds of the types `random_type` draws, after text (0.22) and varchar (0.34)
# and before an enum (0.985, when there is one) or else an interval.
FIXED_TYPES = (
    (0.44, ColumnType("integer", "int")),
    (0.50, BIGINT),
    (0.53, ColumnType("smallint", "smallint")),
    (0.59, ColumnType("numeric(12, 2)", "numeric", 12)),
    (0.66, ColumnType("boolean", "bool")),
    (0.76, ColumnType("timestamptz", "timestamptz")),
    (0.79, ColumnType("timestamp", "timestamp")),
    (0.83, ColumnType("date", "date")),
    (0.88, ColumnType("jsonb", "jsonb")),
    (0.91, ColumnType("uuid", "uuid")),
    (0.93, ColumnType("text[]", "array")),
    (0.95, ColumnType("real", "real")),
    (0.97, ColumnType("double precision", "double")),
)


def random_type(r: random.Random, schema: Schema) -> ColumnType:
    """One roll picks the type; varchar and enum draw once more for their size or name."""
    roll = r.random()
    if roll < 0.22:
        return ColumnType("text", "text")
    if roll < 0.34:
        size = r.choice((20, 50, 100, 200, 500))
        return ColumnType(f"varchar({size})", "varchar", size)
    for threshold, column_type in FIXED_TYPES:
        if roll < threshold:
            return column_type
    if roll < 0.985 and schema.enums:
        return ColumnType(r.choice(sorted(schema.enums)), "enum")
    return ColumnType("interval", "interval")


def default_for(r: random.Random, column_type: ColumnType) -> str | None:
    """A default of the type's family, or None (enums). Draws three times whatever the
    family (the table is built whole), which the corpus's draw order depends on."""
    return {
        "text": r.choice(("''", "'unknown'")),
        "varchar": "''",
        "int": str(r.choice((0, 1, 10))),
        "bigint": "0",
        "smallint": "0",
        "numeric": "0",
        "bool": r.choice(("false", "true")),
        "timestamptz": "now()",
        "timestamp": "current_timestamp",
        "date": "current_date",
        "jsonb": "'{}'",
        "uuid": "gen_random_uuid()",
        "array": "'{}'",
        "real": "0",
        "double": "0",
        "enum": None,
        "interval": "'1 day'",
    }.get(column_type.family)


def column_line(r: random.Random, column: Column, width: int) -> str:
    """The column's line in a table body, name padded to `width`; a check it gets locks it."""
    parts = [f"{column.name:<{width}} {column.type.spelling}"]
    if column.not_null:
        parts.append("not null")
    if column.default is not None:
        parts.append(f"default {column.default}")
    if column.references:
        action = r.choice(("", " on delete cascade", " on delete set null",
                           " on delete restrict"))
        if action == " on delete set null" and column.not_null:
            action = " on delete cascade"
        parts.append(f"references {column.references} (id){action}")
    if column.type.family in ("text", "varchar") and r.random() < 0.06:
        parts.append(f"check `length({column.name}) > 0`")
        column.locked = True  # the check names the column: keep it as it is
    return "    " + " ".join(parts)


def new_column(r: random.Random, schema: Schema, table: Table) -> Column:
    """A column `table` does not have yet: now and then a foreign key to another table."""
    name = r.choice(COLUMN_WORDS)
    while name in table.columns or name == "id":
        name = f"{r.choice(COLUMN_WORDS)}_{r.randint(2, 99)}"
    others = [t for t in schema.tables if t != table.name]
    if others and r.random() < 0.06:
        target = r.choice(others)
        name = f"{target[:40]}_id"
        while name in table.columns:
            name = f"{target[:36]}_{r.randint(2, 999)}_id"
        return Column(name, BIGINT, r.random() < 0.5, references=target)
    column_type = random_type(r, schema)
    not_null = r.random() < 0.35
    default = default_for(r, column_type) if r.random() < 0.3 else None
    if not_null and default is None and r.random() < 0.5:
        default = default_for(r, column_type)
    return Column(name, column_type, not_null, default)
