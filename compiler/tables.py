"""Steps for tables: create, drop, rename, and the constraints inside them (a column's
model is built in columns.py)."""

from __future__ import annotations

from ..dsl import ast
from ..dsl.source import Span
from ..runner.locks import ACCESS_EXCLUSIVE, SHARE_ROW_EXCLUSIVE
from .columns import build_column, created_later, mark_not_null, with_target
from .context import Context, ForwardKey, Step, StepError
from .model import ConstraintModel, TableModel
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
            with_target(ctx, table, constraint, forward.references)
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
    return with_target(ctx, table, constraint, written.references)


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
            if isinstance(written_constraint, ast.ForeignKeyConstraint) and created_later(
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
