"""Steps for `alter table { … }`: each action is its own ALTER TABLE with its own reverse.

The column actions are here, with the registry of actions (`@action`) that `alter_table`
dispatches on; the constraint actions are in alter_constraints.py and row-level security
in security.py, each registering its own.
"""

from __future__ import annotations

from collections.abc import Callable

from ..dsl import ast
from ..runner.locks import ACCESS_EXCLUSIVE
from .columns import INTEGER_TYPES, build_column, check_enum_value, mark_not_null
from .context import Context, Step, StepError
from .model import ColumnModel, IndexElementModel, IndexModel, TableModel
from .naming import make_object_name
from .partition_alter import alter_partition
from .partitions import check_partition_key, follow_key_rename, refuse_key_column
from .pgvector import VECTOR_METHODS
from .quoting import quote_ident
from .recreate import recreate_constraint, recreate_index, recreate_sequences
from .registry import step
from .render import column_sql, comment_sql, table_ref, type_sql
from .routines import rename_trigger_column, trigger_using_column
from .security_render import policy_using_column, rename_policy_column, restore_grants_sql
from .sequences import check_owned_sequences, follow_column_rename
from .sqltext import mentions, rename_in
from .statement import Statement, Work, comment_on, exclusive, foreign_key_targets
from .table_work import proves_not_null, type_change_work, why_add_column_rewrites
from .tables import add_constraints
from .views import refuse_if_read

ActionBuilder = Callable[[Context, TableModel, ast.AlterAction], Step]
ACTIONS: dict[type, ActionBuilder] = {}


def action(node: type) -> Callable[[ActionBuilder], ActionBuilder]:
    def register(function: ActionBuilder) -> ActionBuilder:
        ACTIONS[node] = function
        return function

    return register


@step(ast.AlterTable)
def alter_table(ctx: Context, s: ast.AlterTable) -> list[Step]:
    if ctx.key(s.table) in ctx.model.partitions:
        return alter_partition(ctx, s, ACTIONS)
    table = ctx.table(s.table, "alter")
    steps: list[Step] = []
    for change in s.actions:
        try:
            steps.append(ACTIONS[type(change)](ctx, table, change))
        except StepError:
            continue
    return steps


def _alter(table: TableModel, clause: str, work: Work = "catalog",
           *also: tuple[TableModel | tuple[str, str], str]) -> Statement:
    """ALTER TABLE with ACCESS EXCLUSIVE on the table, the lock nearly every action takes."""
    return exclusive(table, f"ALTER TABLE {table_ref(table.schema, table.name)} {clause}",
                     work, *also)


def _index_uses(index: IndexModel, column: str) -> bool:
    return (any(e.column == column or mentions(e.expression, column) for e in index.elements)
            or column in index.include or mentions(index.where, column))


@action(ast.AddColumn)
def add_column(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.AddColumn)
    written = a.column
    for written_constraint in written.constraints:
        if isinstance(written_constraint, (ast.PrimaryKey, ast.Unique)):
            kind = "primary key" if isinstance(written_constraint, ast.PrimaryKey) else (
                "unique constraint")
            check_partition_key(ctx, table, kind, (written.name.value,), written_constraint.span)
    if written.name.value in table.columns:
        raise ctx.error("duplicate-column",
                        f"table '{table.name}' already has a column '{written.name.value}'",
                        written.name.span)
    column, constraints = build_column(ctx, table, written)
    ctx.model.attach_column(table, column)
    before = set(table.constraints)
    try:
        add_constraints(ctx, table, [(c, n, written.span) for c, n in constraints])
    except StepError:
        for name in set(table.constraints) - before:
            ctx.model.detach_constraint(table, name)
        ctx.model.detach_column(table, column.name)
        raise
    added = [table.constraints[n] for n in table.constraints if n not in before]
    rewrites = why_add_column_rewrites(column)
    sequence_first, sequence_owned = recreate_sequences(table, [column])
    up = [*sequence_first, _alter(table, f"ADD COLUMN {column_sql(column, table)}",
                                  "rewrite" if rewrites else "catalog"), *sequence_owned]
    up += [recreate_constraint(table, c) for c in added]
    drop = _alter(table, f"DROP COLUMN {quote_ident(column.name)}", "catalog",
                  *foreign_key_targets(table, ACCESS_EXCLUSIVE, added))
    return Step(up, [drop], a.span, node=a)


@action(ast.DropColumn)
def drop_column(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.DropColumn)
    column = ctx.column(table, a.column)
    name = column.name
    refuse_if_read(ctx, table.key, name, "drop", a.column.span)
    check_owned_sequences(ctx, table, name, a.column.span)
    refuse_key_column(ctx, table, name, "drop", a.column.span)
    referencing = [(other, c) for other, c in ctx.model.references_to(table.key, True)
                   if name in c.ref_columns and not (other is table and name in c.columns)]
    generated = [c for c in table.columns.values()
                 if c is not column and mentions(c.generated, name)]
    if generated and not a.cascade:
        raise ctx.error("still-used",
                        f"column '{table.name}.{name}' is used by generated column"
                        f" '{generated[0].name}': drop that first, or write"
                        " `drop column ... cascade`", a.column.span)
    trigger = trigger_using_column(ctx.model, table, name)
    if trigger is not None:
        raise ctx.error("still-used", f"column '{table.name}.{name}' is used by trigger"
                        f" '{trigger}' (its `update of` or `when`): drop the trigger first",
                        a.column.span)
    policy = policy_using_column(table, name)
    if policy is not None:
        raise ctx.error("still-used", f"column '{table.name}.{name}' is used by policy"
                        f" '{policy}': drop the policy first", a.column.span)
    if referencing and not a.cascade:
        other, constraint = referencing[0]
        raise ctx.error("still-referenced",
                        f"column '{table.name}.{name}' is referenced by foreign key"
                        f" '{constraint.name}' of table '{other.name}': drop that first, or"
                        " write `drop column ... cascade`", a.column.span)
    lost_constraints = [c for c in table.constraints.values()
                        if name in c.columns or mentions(c.expression, name)]
    lost_indexes = [i for i in ctx.model.indexes_of(table.key) if _index_uses(i, name)]
    before, after = recreate_sequences(table, [column])
    regrant = [] if column.sequence is None else restore_grants_sql(  # DROP takes them along
        f"SEQUENCE {table_ref(table.schema, column.sequence)}",
        table.sequence_grants.pop(column.sequence, {}))
    down = [*before, _alter(table, f"ADD COLUMN {column_sql(column, table)}",
                            "rewrite" if why_add_column_rewrites(column) else "catalog"),
            *after, *map(Statement, regrant)]
    down += [_alter(table, f"ADD COLUMN {column_sql(c, table)}", "rewrite")
             for c in generated]
    down += [recreate_constraint(table, c) for c in lost_constraints]
    for index in lost_indexes:
        down += recreate_index(index)
        ctx.model.detach_index(index)
    if column.comment is not None:
        down.append(comment_on(table, comment_sql(
            "column", f"{table_ref(*table.key)}.{quote_ident(name)}", column.comment)))
    for other, constraint in referencing:
        down.append(recreate_constraint(other, constraint))
        ctx.model.detach_constraint(other, constraint.name)
    also = [*foreign_key_targets(table, ACCESS_EXCLUSIVE, lost_constraints),
            *[(other, ACCESS_EXCLUSIVE) for other, _ in referencing if other is not table]]
    for constraint in lost_constraints:
        ctx.model.detach_constraint(table, constraint.name)
    for dependent in generated:
        ctx.model.detach_column(table, dependent.name)
    ctx.model.detach_column(table, name)
    cascade = " CASCADE" if a.cascade else ""
    return Step([_alter(table, f"DROP COLUMN {quote_ident(name)}{cascade}", "catalog", *also)],
                down, a.span, node=a)


@action(ast.RenameColumn)
def rename_column(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.RenameColumn)
    column = ctx.column(table, a.old)
    refuse_if_read(ctx, table.key, column.name, "rename", a.old.span)
    old, new = column.name, a.new.value
    ctx.check_identifier(new, a.new.span, "column name")
    if new in table.columns:
        raise ctx.error("duplicate-column", f"table '{table.name}' already has a column '{new}'",
                        a.new.span)
    table.columns = {(new if k == old else k): v for k, v in table.columns.items()}
    column.name = new
    follow_column_rename(ctx.model, table.key, old, new)
    follow_key_rename(table, old, new)
    for other in table.columns.values():
        other.default = rename_in(other.default, old, new)
        other.generated = rename_in(other.generated, old, new)
    rename_trigger_column(ctx.model, table, old, new)
    rename_policy_column(table, old, new)
    for constraint in table.constraints.values():
        constraint.columns = tuple(new if c == old else c for c in constraint.columns)
        constraint.expression = rename_in(constraint.expression, old, new)
    for _, constraint in ctx.model.references_to(table.key):
        constraint.ref_columns = tuple(new if c == old else c for c in constraint.ref_columns)
    for constraint in table.constraints.values():
        if constraint.ref_table == table.key:  # a self-reference
            constraint.ref_columns = tuple(new if c == old else c for c in constraint.ref_columns)
    for index in ctx.model.indexes_of(table.key):
        index.elements = tuple(IndexElementModel(
            new if e.column == old else e.column, rename_in(e.expression, old, new),
            e.opclass, e.descending, e.nulls_first) for e in index.elements)
        index.include = tuple(new if c == old else c for c in index.include)
        index.where = rename_in(index.where, old, new)
    return Step([_alter(table, f"RENAME COLUMN {quote_ident(old)} TO {quote_ident(new)}")],
                [_alter(table, f"RENAME COLUMN {quote_ident(new)} TO {quote_ident(old)}")],
                a.span, node=a)


def _storage_type(column: ColumnModel) -> str:
    """The type to name in ALTER COLUMN … TYPE: serial is not a real type there."""
    from .model import ColumnType

    return type_sql(ColumnType(column.type.base, column.type.modifiers, column.type.array_bounds,
                               column.type.schema, column.type.builtin))


@action(ast.AlterColumnType)
def alter_column_type(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.AlterColumnType)
    column = ctx.column(table, a.column)
    refuse_key_column(ctx, table, column.name, "change the type of", a.column.span)
    refuse_if_read(ctx, table.key, column.name, "retype", a.column.span)
    old_sql = _storage_type(column)
    new_type = ctx.column_type(a.type)
    if column.identity is not None and new_type.name not in INTEGER_TYPES:
        raise ctx.error("identity-type", f"an identity column must be smallint, integer or"
                        f" bigint, not {new_type.name}", a.type.span)
    users = [c for c in table.columns.values() if c is not column
             and mentions(c.generated, column.name)]
    if users:
        raise ctx.error("still-used", f"column '{table.name}.{column.name}' is used by generated"
                        f" column '{users[0].name}': PostgreSQL cannot change its type; drop"
                        " the generated column first and add it back after", a.type.span)
    trigger = trigger_using_column(ctx.model, table, column.name)
    if trigger is not None:
        raise ctx.error("still-used", f"column '{table.name}.{column.name}' is used by trigger"
                        f" '{trigger}' (its `update of` or `when`): PostgreSQL cannot change"
                        " its type; drop the trigger first and create it again after",
                        a.type.span)
    for index in ctx.model.indexes_of(table.key):
        if index.method in VECTOR_METHODS and any(e.column == column.name
                                                 for e in index.elements):
            raise ctx.error("vector-index-type",
                            f"column '{table.name}.{column.name}' carries {index.method} index"
                            f" '{index.name}', built for its current type: drop the index"
                            " before changing the type, and create it again after",
                            a.type.span)
    involved = [c for c in table.constraints.values()
                if c.kind == "foreign key" and column.name in c.columns]
    involved += [c for _, c in ctx.model.references_to(table.key) if column.name in c.ref_columns]
    if involved:
        raise ctx.error("foreign-key-type",
                        f"column '{table.name}.{column.name}' takes part in foreign key"
                        f" '{involved[0].name}', whose column types must stay equal: drop the"
                        " foreign key first and add it back after", a.type.span)
    ref = quote_ident(column.name)
    old_type = column.type
    column.type = new_type
    new_sql = _storage_type(column)
    using = f" USING {a.using.sql.strip()}" if a.using else ""
    if a.using:
        ctx.warn("lossy-down", f"Down converts '{column.name}' back with a plain cast to"
                 f" {old_sql}: check that it restores the values", a.span)
    # Back to the old type with an explicit cast (types such as enums have no implicit
    # one), the default set aside meanwhile as PostgreSQL cannot always cast it either.
    # The cast is written out, but it rewrites only when the plain change back would.
    back = [_alter(table, f"ALTER COLUMN {ref} TYPE {old_sql} USING {ref}::{old_sql}",
                   type_change_work(new_type, old_type))]
    if column.default is not None:
        back = [_alter(table, f"ALTER COLUMN {ref} DROP DEFAULT"), *back,
                _alter(table, f"ALTER COLUMN {ref} SET DEFAULT {column.default}")]
    work = type_change_work(old_type, new_type, using=a.using is not None)
    return Step([_alter(table, f"ALTER COLUMN {ref} TYPE {new_sql}{using}", work)], back,
                a.span, node=a)


@action(ast.SetDefault)
def set_default(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.SetDefault)
    column = ctx.column(table, a.column)
    if column.identity is not None:
        raise ctx.error("identity-default", f"identity column '{column.name}' takes its values"
                        " from its sequence and cannot have a default", a.span)
    check_enum_value(ctx, column, a.value)
    previous = column.default
    column.default = ctx.expression_sql(a.value)
    ref = quote_ident(column.name)
    back = f"SET DEFAULT {previous}" if previous is not None else "DROP DEFAULT"
    return Step([_alter(table, f"ALTER COLUMN {ref} SET DEFAULT {column.default}")],
                [_alter(table, f"ALTER COLUMN {ref} {back}")], a.span, node=a)


@action(ast.DropDefault)
def drop_default(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.DropDefault)
    column = ctx.column(table, a.column)
    previous = column.default
    ref = quote_ident(column.name)
    column.default = None
    down = []
    if previous is not None:
        down.append(_alter(table, f"ALTER COLUMN {ref} SET DEFAULT {previous}"))
    return Step([_alter(table, f"ALTER COLUMN {ref} DROP DEFAULT")], down, a.span, node=a)


@action(ast.SetNotNull)
def set_not_null(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.SetNotNull)
    column = ctx.column(table, a.column)
    ref = quote_ident(column.name)
    was = column.not_null
    work: Work = "catalog" if was or proves_not_null(table, column.name) else "scan"
    mark_not_null(table, column)
    down = [] if was else [_alter(table, f"ALTER COLUMN {ref} DROP NOT NULL")]
    return Step([_alter(table, f"ALTER COLUMN {ref} SET NOT NULL", work)], down, a.span,
                node=a)


@action(ast.DropNotNull)
def drop_not_null(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.DropNotNull)
    column = ctx.column(table, a.column)
    primary = table.primary_key
    if primary is not None and column.name in primary.columns:
        raise ctx.error("primary-key-not-null",
                        f"column '{column.name}' is in the primary key of '{table.name}', which"
                        " keeps it NOT NULL", a.span)
    if column.identity is not None:
        raise ctx.error("identity-not-null",
                        f"identity column '{column.name}' is always NOT NULL", a.span)
    ref = quote_ident(column.name)
    was, name = column.not_null, column.not_null_name
    column.not_null = False
    column.not_null_name = None
    work: Work = "catalog" if proves_not_null(table, column.name) else "scan"
    if not was:
        down = []
    elif name is not None and name != make_object_name(table.name, column.name, "not_null"):
        # SET NOT NULL would name the constraint after the table's current name; the one
        # dropped kept the name it was given, before a rename of the table or the column.
        down = [_alter(table, f"ADD CONSTRAINT {quote_ident(name)} NOT NULL {ref}", work)]
    else:
        down = [_alter(table, f"ALTER COLUMN {ref} SET NOT NULL", work)]
    return Step([_alter(table, f"ALTER COLUMN {ref} DROP NOT NULL")], down, a.span, node=a)
