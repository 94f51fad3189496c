"""A column as written, into its model: type, identity, sequence, NOT NULL, default.

Apart from the table steps because two statements build a column the same way, `table { }`
(tables.py) and `add column` (alter.py), and its NOT NULL is marked alike by a primary key,
`set not null` and an external table. The constraints written on a column come back
unnamed, for the table to name (tables.py); a `references` resolves its target here, as a
table-level foreign key does.
"""

from __future__ import annotations

from ..dsl import ast
from .context import Context, ForwardKey
from .model import SERIAL_TYPES, ColumnModel, ConstraintModel, TableModel, owns_sequence
from .naming import choose_name, make_object_name

INTEGER_TYPES = frozenset({"smallint", "integer", "bigint"})


Pending = list[tuple[ConstraintModel, ast.Name | None]]


def build_column(
    ctx: Context, table: TableModel, column: ast.Column,
    forward: list[ForwardKey] | None = None,
) -> tuple[ColumnModel, Pending]:
    """The column's model, and the constraints written on it (not yet named); given
    `forward`, a foreign key to a table this migration creates later goes there."""
    ctx.check_identifier(column.name.value, column.name.span, "column name")
    model = ColumnModel(column.name.value, ctx.column_type(column.type))
    constraints: list[tuple[ConstraintModel, ast.Name | None]] = []
    for written in column.constraints:
        if isinstance(written, ast.NotNull):
            model.not_null = True
        elif isinstance(written, ast.Nullable):
            model.not_null = False
        elif isinstance(written, ast.Default):
            check_enum_value(ctx, model, written.value)
            model.default = ctx.expression_sql(written.value)
        elif isinstance(written, ast.PrimaryKey):
            model.not_null = True
            constraints.append((ConstraintModel("", "primary key", (model.name,)), None))
        elif isinstance(written, ast.Unique):
            constraints.append((ConstraintModel("", "unique", (model.name,)), None))
        elif isinstance(written, ast.Check):
            expression = ctx.expression_sql(written.expression, wrap_raw=False)
            constraints.append((ConstraintModel("", "check", (model.name,), expression), None))
        elif isinstance(written, ast.References):
            key = ConstraintModel("", "foreign key", (model.name,), on_delete=written.on_delete,
                                  on_update=written.on_update)
            if forward is not None and created_later(ctx, table, written):
                forward.append(ForwardKey(table, key, written, None, column.span))
            else:
                constraints.append((with_target(ctx, table, key, written), None))
        elif isinstance(written, ast.Identity):
            if model.type.name not in INTEGER_TYPES or model.type.array_bounds:
                raise ctx.error("identity-type",
                                f"an identity column must be smallint, integer or bigint, not"
                                f" {model.type.name}", written.span)
            model.identity = "always" if written.always else "by default"
            model.not_null = True
        elif isinstance(written, ast.Generated):
            model.generated = ctx.expression_sql(written.expression, wrap_raw=False)
        elif isinstance(written, ast.Collate):
            model.collation = written.collation.value
    if owns_sequence(model):
        model.not_null = True
        model.sequence = sequence_name(ctx, table, model)
        model.sequence_type = SERIAL_TYPES.get(model.type.name, model.type.name)
    if model.not_null:
        mark_not_null(table, model)
    return model, constraints


def sequence_name(ctx: Context, table: TableModel, column: ColumnModel) -> str:
    """The name of a serial or identity column's sequence: PostgreSQL's own choice, the first
    free table_column_seq, …seq1, …seq2 (ChooseRelationName), free here of every relation
    the model holds, this table and its other sequences included, and of every enum (a
    sequence has a row type). Where PostgreSQL would choose otherwise (it picks the names
    of one statement before creating any) the sequence is made by name (render.py)."""
    def taken(name: str) -> bool:
        return (ctx.model.relation_taken(table.schema, name)
                or ctx.model.type_taken(table.schema, name))

    return choose_name(table.name, column.name, "seq", taken)


def mark_not_null(table: TableModel, column: ColumnModel) -> None:
    """NOT NULL, and the name PostgreSQL 18 gives that constraint (kept through renames)."""
    column.not_null = True
    if column.not_null_name is None:
        column.not_null_name = make_object_name(table.name, column.name, "not_null")


def check_enum_value(ctx: Context, column: ColumnModel, value: ast.Expression) -> None:
    """A string default on an enum column must be one of its labels."""
    if column.type.builtin or not isinstance(value, ast.Literal) or value.kind != "string":
        return
    key = (column.type.schema or "public", column.type.name)
    enum = ctx.model.enums.get(key)
    if enum is None:
        return
    if value.value in ctx.added_enum_labels.get(key, set()):
        ctx.report("enum-value-in-same-migration",
                   f"'{value.value}' is added to enum '{enum.name}' in this same migration;"
                   " PostgreSQL cannot use a new enum value in the transaction that adds it:"
                   " use it in a later migration", value.span)
    elif value.value not in enum.labels:
        ctx.report("unknown-enum-value",
                   f"'{value.value}' is not a value of enum '{enum.name}'"
                   f"{ctx.hint(value.value, enum.labels)}", value.span)


def with_target(ctx: Context, table: TableModel, constraint: ConstraintModel,
                references: ast.References) -> ConstraintModel:
    """Resolve a foreign key's target table and columns, checking they can be referenced."""
    key = ctx.key(references.table)
    target = table if key == table.key else ctx.table(references.table)
    constraint.ref_table = target.key
    if references.columns:
        constraint.ref_columns = ctx.columns(target, references.columns)
    elif key == table.key:
        constraint.ref_columns = ()  # resolved once the table's own primary key is known
    else:
        primary = target.primary_key
        if primary is None:
            raise ctx.error("no-primary-key",
                            f"table '{target.name}' has no primary key: name the referenced"
                            f" columns, like `references {target.name} (id)`", references.span)
        constraint.ref_columns = primary.columns
    return constraint


def created_later(ctx: Context, table: TableModel, references: ast.References) -> bool:
    """Does the foreign key point at a table a `table { }` further down this migration
    creates, and no table of that name exists now?"""
    key = ctx.key(references.table)
    return (key != table.key and key not in ctx.model.tables
            and ctx.tables_to_come.get(key, 0) > 0)
