"""Steps for tables: create, drop, rename, and the columns and constraints inside them."""

from __future__ import annotations

from ..dsl import ast
from ..dsl.source import Span
from ..runner.locks import ACCESS_EXCLUSIVE, SHARE_ROW_EXCLUSIVE
from .context import Context, ForwardKey, Step, StepError
from .model import SERIAL_TYPES, ColumnModel, ConstraintModel, TableModel, owns_sequence
from .naming import choose_name, column_addition, make_object_name
from .partitions import check_partitions_dropped, drop_partition
from .quoting import quote_ident
from .recreate import (
    recreate_constraint,
    recreate_index,
    recreate_sequences,
    restore_comments,
)
from .registry import step
from .render import add_constraint_sql, create_table_sql, drop_constraint_sql, table_ref
from .routines import drop_triggers
from .security_render import restore_security
from .sequences import check_owned_sequences
from .sqltext import columns_named
from .statement import (
    Statement,
    add_constraint_statement,
    drop_constraint_statement,
    exclusive,
    foreign_key_targets,
    locks,
)
from .views import refuse_if_read

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
            if forward is not None and _created_later(ctx, table, written):
                forward.append(ForwardKey(table, key, written, None, column.span))
            else:
                constraints.append((_with_target(ctx, table, key, written), None))
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


def _with_target(ctx: Context, table: TableModel, constraint: ConstraintModel,
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


def _created_later(ctx: Context, table: TableModel, references: ast.References) -> bool:
    """Does the foreign key point at a table a `table { }` further down this migration
    creates, and no table of that name exists now?"""
    key = ctx.key(references.table)
    return (key != table.key and key not in ctx.model.tables
            and ctx.tables_to_come.get(key, 0) > 0)


def _add_forward_keys(ctx: Context, target: TableModel) -> list[Step]:
    """The foreign keys that waited for `target`, now that it exists: each checked as any
    foreign key is, named, and added by an ALTER TABLE of its own (its Down drops it before
    Down drops `target`). A table dropped meanwhile took its keys along."""
    waiting = [k for k in ctx.forward_keys if ctx.key(k.references.table) == target.key]
    ctx.forward_keys = [k for k in ctx.forward_keys if k not in waiting]
    steps = []
    for forward in waiting:
        table, constraint = forward.table, forward.constraint
        if ctx.model.tables.get(table.key) is not table:
            continue
        try:
            missing = [c for c in constraint.columns if c not in table.columns]
            if missing:
                raise ctx.error("unknown-column", f"table '{table.name}' has no column"
                                f" '{missing[0]}' by the time '{target.name}' is created, where"
                                " its foreign key to that table is added", forward.span)
            _with_target(ctx, table, constraint, forward.references)
            check_foreign_key(ctx, table, constraint, forward.span)
            name_constraint(ctx, table, constraint, forward.name, forward.span)
        except StepError:
            continue
        ctx.model.attach_constraint(table, constraint)
        add = add_constraint_statement(table, constraint, add_constraint_sql(table, constraint))
        drop = drop_constraint_statement(table, constraint,
                                         drop_constraint_sql(table, constraint.name))
        steps.append(Step([add], [drop], forward.span, node=forward.references))
    return steps


def check_foreign_key(ctx: Context, table: TableModel, constraint: ConstraintModel,
                      span: Span) -> None:
    assert constraint.ref_table is not None
    target = table if constraint.ref_table == table.key else ctx.model.tables[constraint.ref_table]
    if not constraint.ref_columns:
        primary = target.primary_key
        if primary is None:
            raise ctx.error("no-primary-key",
                            f"table '{target.name}' has no primary key: name the referenced"
                            " columns", span)
        constraint.ref_columns = primary.columns
    if len(constraint.ref_columns) != len(constraint.columns):
        raise ctx.error("foreign-key-arity",
                        f"the foreign key has {len(constraint.columns)} column(s) but references"
                        f" {len(constraint.ref_columns)}", span)
    keys = [set(c.columns) for c in target.constraints.values()
            if c.kind in ("primary key", "unique")]
    if set(constraint.ref_columns) not in keys:
        raise ctx.error("foreign-key-target",
                        f"({', '.join(constraint.ref_columns)}) of table '{target.name}' is not"
                        " a primary key or unique: PostgreSQL can only reference those", span)
    for mine, theirs in zip(constraint.columns, constraint.ref_columns, strict=True):
        own = table.columns[mine].type
        other = target.columns[theirs].type
        if (own.base, own.array_bounds, own.schema) != (other.base, other.array_bounds,
                                                         other.schema):
            raise ctx.error("foreign-key-type",
                            f"foreign key column '{mine}' is {own.base} but"
                            f" '{target.name}.{theirs}' is {other.base}: the types must match",
                            span)


def name_constraint(ctx: Context, table: TableModel, constraint: ConstraintModel,
                    explicit: ast.Name | None, span: Span) -> None:
    """Give a constraint its explicit name or the one PostgreSQL would choose."""
    schema = table.schema
    indexed = constraint.kind in ("primary key", "unique")

    def not_null_owner(name: str) -> str | None:
        """The column whose NOT NULL constraint PostgreSQL 18 named `name`, if any."""
        if not name.endswith("not_null"):
            return None
        return next((c.name for c in table.columns.values()
                     if c.not_null and make_object_name(table.name, c.name, "not_null") == name),
                    None)

    def taken(name: str) -> bool:
        return (name in table.constraints or ctx.constraint_name_taken(schema, name)
                or ctx.model.relation_taken(schema, name) or not_null_owner(name) is not None)

    if explicit is not None:
        name = explicit.value
        ctx.check_identifier(name, explicit.span, "constraint name")
        owner = not_null_owner(name)
        if owner is not None:
            raise ctx.error("duplicate-name",
                            f"the name '{name}' is already used by the NOT NULL constraint of"
                            f" column '{table.name}.{owner}'", explicit.span)
        if name in table.constraints:
            raise ctx.error("duplicate-name",
                            f"table '{table.name}' already has a constraint named '{name}'",
                            explicit.span)
        if indexed and ctx.model.relation_taken(schema, name):
            raise ctx.error("duplicate-name",
                            f"the name '{name}' is already used in schema '{schema}' (the index"
                            " behind this constraint shares the namespace of tables and"
                            " indexes)", explicit.span)
        constraint.name = name
        return
    columns = column_addition(constraint.columns)
    if constraint.kind == "primary key":
        constraint.name = choose_name(table.name, None, "pkey", taken)
    elif constraint.kind == "unique":
        constraint.name = choose_name(table.name, columns, "key", taken)
    elif constraint.kind == "foreign key":
        constraint.name = choose_name(table.name, columns, "fkey", taken)
    else:  # PostgreSQL names a check after the one column its expression uses, if just one
        used = columns_named(constraint.expression, table.columns)
        constraint.name = choose_name(table.name, used[0] if len(used) == 1 else None, "check",
                                      taken)


def table_constraint(ctx: Context, table: TableModel,
                     written: ast.TableConstraint) -> ConstraintModel:
    """A table-level constraint's model, its columns checked against the table."""
    if isinstance(written, ast.CheckConstraint):
        return ConstraintModel("", "check", (), ctx.expression_sql(written.expression, False))
    columns = ctx.columns(table, written.columns)
    if isinstance(written, ast.PrimaryKeyConstraint):
        for column in columns:
            mark_not_null(table, table.columns[column])
        return ConstraintModel("", "primary key", columns)
    if isinstance(written, ast.UniqueConstraint):
        return ConstraintModel("", "unique", columns, nulls_distinct=written.nulls_distinct)
    constraint = ConstraintModel("", "foreign key", columns,
                                 on_delete=written.references.on_delete,
                                 on_update=written.references.on_update)
    return _with_target(ctx, table, constraint, written.references)


def add_constraints(ctx: Context, table: TableModel,
                    pending: list[tuple[ConstraintModel, ast.Name | None, Span]]) -> None:
    """Name and register constraints: keys first, foreign keys last (they may need the keys)."""
    keys_first = sorted(pending, key=lambda item: item[0].kind == "foreign key")
    for constraint, name, span in keys_first:
        if constraint.kind == "primary key" and table.primary_key is not None:
            raise ctx.error("multiple-primary-keys",
                            f"table '{table.name}' already has a primary key", span)
        if constraint.kind == "foreign key":
            check_foreign_key(ctx, table, constraint, span)
        name_constraint(ctx, table, constraint, name, span)
        ctx.model.attach_constraint(table, constraint)


@step(ast.CreateTable)
def create_table(ctx: Context, s: ast.CreateTable) -> list[Step]:
    key = ctx.key(s.name)
    if ctx.tables_to_come.get(key, 0) > 0:
        ctx.tables_to_come[key] -= 1
    ctx.check_qualified(s.name, "table name")
    if ctx.model.relation_taken(*key) or key in ctx.model.enums:
        raise ctx.error("duplicate-name", f"'{s.name}' already exists in schema '{key[0]}'",
                        s.name.span)
    table = TableModel(*key)
    pending: list[tuple[ConstraintModel, ast.Name | None, Span]] = []
    forward: list[ForwardKey] = []
    ctx.model.attach_table(table)
    try:
        for written in s.columns:
            column, constraints = build_column(ctx, table, written, forward)
            ctx.model.attach_column(table, column)
            pending += [(c, n, written.span) for c, n in constraints]
        for written_constraint in s.constraints:
            if isinstance(written_constraint, ast.ForeignKeyConstraint) and _created_later(
                    ctx, table, written_constraint.references):
                forward.append(ForwardKey(table, ConstraintModel(
                    "", "foreign key", ctx.columns(table, written_constraint.columns),
                    on_delete=written_constraint.references.on_delete,
                    on_update=written_constraint.references.on_update),
                    written_constraint.references, written_constraint.name,
                    written_constraint.span))
                continue
            constraint = table_constraint(ctx, table, written_constraint)
            pending.append((constraint, written_constraint.name, written_constraint.span))
        add_constraints(ctx, table, pending)
    except StepError:
        ctx.model.detach_table(table)
        raise
    ctx.created_tables.add(key)
    ctx.forward_keys += forward
    before, after = recreate_sequences(table)  # sequences `serial` would not name itself
    create = Statement(create_table_sql(table),
                       locks(*foreign_key_targets(table, SHARE_ROW_EXCLUSIVE)))
    drop = exclusive(table, f"DROP TABLE {table_ref(*key)}", "catalog",
                     *foreign_key_targets(table, ACCESS_EXCLUSIVE))
    return [Step([*before, create, *after], [drop], s.span, node=s),
            *_add_forward_keys(ctx, table)]


@step(ast.DropTable)
def drop_table(ctx: Context, s: ast.DropTable) -> Step:
    if ctx.key(s.table) in ctx.model.partitions:
        return drop_partition(ctx, s)
    table = ctx.table(s.table, "drop")
    check_partitions_dropped(ctx, table, s.span)
    refuse_if_read(ctx, table.key, None, "drop", s.table.span)
    referencing = ctx.model.references_to(table.key)
    if referencing and not s.cascade:
        other, constraint = referencing[0]
        raise ctx.error("still-referenced",
                        f"table '{table.name}' is referenced by foreign key '{constraint.name}'"
                        f" of table '{other.name}': drop that first, or write"
                        f" `drop table {s.table} cascade`", s.span)
    check_owned_sequences(ctx, table, None, s.span)
    cascade = " CASCADE" if s.cascade else ""
    before, after = recreate_sequences(table)
    valid = [c for c in table.constraints.values() if c.validated]
    create = Statement(create_table_sql(table, valid),
                       locks(*foreign_key_targets(table, SHARE_ROW_EXCLUSIVE, valid)))
    down = [*before, create, *after]
    down += [recreate_constraint(table, c) for c in table.constraints.values()
             if not c.validated]
    for index in ctx.model.indexes_of(table.key):
        down += recreate_index(index)
        ctx.model.detach_index(index)
    down += restore_comments(table)
    down += drop_triggers(ctx.model, table)
    down += restore_security(table)
    for other, constraint in referencing:
        down.append(recreate_constraint(other, constraint))
        ctx.model.detach_constraint(other, constraint.name)
    drop = exclusive(table, f"DROP TABLE {table_ref(*table.key)}{cascade}", "catalog",
                     *foreign_key_targets(table, ACCESS_EXCLUSIVE),
                     *[(other, ACCESS_EXCLUSIVE) for other, _ in referencing])
    ctx.model.detach_table(table)
    return Step([drop], down, s.span, node=s)


@step(ast.RenameTable)
def rename_table(ctx: Context, s: ast.RenameTable) -> Step:
    table = ctx.table(s.table, "rename")
    refuse_if_read(ctx, table.key, None, "rename", s.table.span)
    new = s.new_name.value
    ctx.check_identifier(new, s.new_name.span, "table name")
    if ctx.model.relation_taken(table.schema, new) or (table.schema, new) in ctx.model.enums:
        raise ctx.error("duplicate-name", f"'{new}' already exists in schema '{table.schema}'",
                        s.new_name.span)
    old_ref = table_ref(*table.key)
    old_key = table.key
    ctx.model.rename_table(table, new)
    if old_key in ctx.created_tables:
        ctx.created_tables.discard(old_key)
        ctx.created_tables.add(table.key)
    return Step([exclusive(old_key, f"ALTER TABLE {old_ref} RENAME TO {quote_ident(new)}")],
                [exclusive(table, f"ALTER TABLE {table_ref(*table.key)} RENAME TO"
                                  f" {quote_ident(old_key[1])}")],
                s.span, node=s)
