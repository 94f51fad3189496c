"""The constraint actions of `alter table { … }`: add, validate, drop, add using index.

Apart from the column actions (alter.py) because a constraint's life is its own: added
`not valid` and validated later, adopted from an index built `concurrently`, dropped with
the foreign keys that need it; each is its own ALTER TABLE with its own reverse, registered
with `@action` as alter.py's are (compiled_migration.py imports this module for that).
"""

from __future__ import annotations

from dataclasses import replace

from ..dsl import ast
from ..dsl.ast import QualifiedName
from ..runner.locks import ACCESS_EXCLUSIVE, ROW_SHARE, SHARE_UPDATE_EXCLUSIVE
from .alter import action
from .columns import mark_not_null
from .context import Context, Step
from .model import ConstraintModel, IndexModel, TableModel
from .partitions import check_partition_key, refuse_on_partitioned
from .quoting import quote_ident
from .recreate import recreate_constraint, recreate_index
from .render import add_constraint_sql, drop_constraint_sql, table_ref
from .statement import (
    Statement,
    add_constraint_statement,
    drop_constraint_statement,
    exclusive,
    locks,
)
from .tables import add_constraints, table_constraint


def _drop_not_null(table: TableModel, column: str) -> Statement:
    """Down's DROP NOT NULL for a column that only a primary key had made NOT NULL."""
    return exclusive(table, f"ALTER TABLE {table_ref(table.schema, table.name)} ALTER COLUMN"
                            f" {quote_ident(column)} DROP NOT NULL")


@action(ast.AddConstraint)
def add_constraint(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.AddConstraint)
    nullable = {c.name for c in table.columns.values() if not c.not_null}
    if isinstance(a.constraint, (ast.PrimaryKeyConstraint, ast.UniqueConstraint)):
        kind = "primary key" if isinstance(a.constraint, ast.PrimaryKeyConstraint) else (
            "unique constraint")
        check_partition_key(ctx, table, kind, tuple(n.value for n in a.constraint.columns),
                            a.span)
    constraint: ConstraintModel = table_constraint(ctx, table, a.constraint)
    if a.not_valid and constraint.kind not in ("check", "foreign key"):
        raise ctx.error("not-valid-kind",
                        f"only a check or a foreign key can be added `not valid`, not a"
                        f" {constraint.kind}: build its index with `unique index concurrently`"
                        " and add it `using index`", a.span)
    constraint.validated = not a.not_valid
    add_constraints(ctx, table, [(constraint, a.constraint.name, a.span)])
    down = [drop_constraint_statement(table, constraint,
                                      drop_constraint_sql(table, constraint.name))]
    if constraint.kind == "primary key":  # the key made its columns NOT NULL; Down undoes that
        down += [_drop_not_null(table, c) for c in constraint.columns if c in nullable]
    added = add_constraint_statement(table, constraint, add_constraint_sql(table, constraint),
                                     not_valid=a.not_valid)
    return Step([added], down, a.span, node=a)


@action(ast.ValidateConstraint)
def validate_constraint(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.ValidateConstraint)
    constraint = _constraint(ctx, table, a.name)
    if constraint.kind not in ("check", "foreign key"):
        raise ctx.error("validate-kind", f"constraint '{constraint.name}' is a"
                        f" {constraint.kind}, which is always valid: only a check or a foreign"
                        " key added `not valid` needs validating", a.name.span)
    if constraint.validated:
        raise ctx.error("already-valid", f"constraint '{constraint.name}' of table"
                        f" '{table.name}' is already valid: it was not added `not valid`, or a"
                        " migration validated it before", a.name.span)
    constraint.validated = True
    name = quote_ident(constraint.name)
    # VALIDATE takes SHARE UPDATE EXCLUSIVE, so reads and writes go on while it scans; a
    # foreign key's also takes ROW SHARE on the table it points at. PostgreSQL cannot mark
    # a constraint not valid again: Down drops it and adds it back `not valid`.
    also = ([(constraint.ref_table, ROW_SHARE)] if constraint.ref_table is not None else [])
    validate = Statement(f"ALTER TABLE {table_ref(*table.key)} VALIDATE CONSTRAINT {name}",
                         locks((table, SHARE_UPDATE_EXCLUSIVE), *also), "scan")
    unvalidated = replace(constraint, validated=False)
    down = [drop_constraint_statement(table, constraint,
                                      drop_constraint_sql(table, constraint.name)),
            recreate_constraint(table, unvalidated)]
    return Step([validate], down, a.span, node=a)


@action(ast.AddConstraintUsingIndex)
def add_constraint_using_index(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    """A unique or primary key constraint that adopts a unique index built before (with
    `unique index concurrently`, while writes went on): catalog only, unless a primary key
    must first check its columns for NULLs."""
    assert isinstance(a, ast.AddConstraintUsingIndex)
    refuse_on_partitioned(ctx, table, "`add constraint … using index`", a.span)
    index = ctx.index(QualifiedName(a.index.value, table.schema, a.index.span))
    _check_adoptable(ctx, table, index, a)
    if a.kind == "primary key" and table.primary_key is not None:
        raise ctx.error("multiple-primary-keys",
                        f"table '{table.name}' already has a primary key", a.span)
    name = a.name.value if a.name is not None else index.name
    if name != index.name:
        ctx.check_identifier(name, a.span, "constraint name")
        if ctx.model.relation_taken(table.schema, name) or name in table.constraints:
            raise ctx.error("duplicate-name", f"the name '{name}' is already used in schema"
                            f" '{table.schema}'", a.name.span if a.name else a.span)
    columns = tuple(e.column for e in index.elements if e.column is not None)
    nullable = [c for c in columns if not table.columns[c].not_null
                and a.kind == "primary key"]  # a primary key makes its columns NOT NULL
    ctx.model.detach_index(index)
    constraint = ConstraintModel(name, a.kind, columns, comment=index.comment)
    if a.kind == "primary key":
        for column in columns:
            mark_not_null(table, table.columns[column])
    ctx.model.attach_constraint(table, constraint)
    label = "PRIMARY KEY" if a.kind == "primary key" else "UNIQUE"
    adopt = exclusive(table, f"ALTER TABLE {table_ref(*table.key)} ADD CONSTRAINT"
                             f" {quote_ident(name)} {label} USING INDEX {quote_ident(index.name)}",
                      "scan" if nullable else "catalog")
    # Dropping the constraint drops its index; Down builds the index again as it was.
    down = [drop_constraint_statement(table, constraint, drop_constraint_sql(table, name))]
    down += [_drop_not_null(table, c) for c in nullable]
    down += recreate_index(index)
    return Step([adopt], down, a.span, node=a)


def _check_adoptable(ctx: Context, table: TableModel, index: IndexModel,
                     a: ast.AddConstraintUsingIndex) -> None:
    """PostgreSQL's conditions for a constraint's index: unique, b-tree, plain columns in
    default order with their default operator classes, no WHERE; pgshift also keeps out
    INCLUDE columns, which its constraints do not model."""
    problem = None
    if index.table_key != table.key:
        problem = f"is on table '{index.table}', not '{table.name}'"
    elif not index.unique:
        problem = "is not unique: build it with `unique index concurrently`"
    elif index.method not in (None, "btree"):
        problem = f"is {index.method}; a constraint's index must be a b-tree"
    elif index.where is not None:
        problem = "is partial (it has a WHERE), which a constraint's index cannot be"
    elif index.include:
        problem = "has INCLUDE columns, which pgshift's constraints do not model"
    elif any(e.column is None or e.opclass is not None or e.descending is not None
             or e.nulls_first is not None for e in index.elements):
        problem = ("has an expression, an operator class or a sort order; a constraint's"
                   " index must list plain columns in their default order")
    if problem is not None:
        raise ctx.error("index-not-adoptable", f"index '{index.name}' {problem}", a.index.span)


def _constraint(ctx: Context, table: TableModel, name: ast.Name) -> ConstraintModel:
    constraint = table.constraints.get(name.value)
    if constraint is None:
        raise ctx.error("unknown-constraint",
                        f"table '{table.name}' has no constraint '{name.value}'"
                        f"{ctx.hint(name.value, table.constraints)}", name.span)
    return constraint


@action(ast.DropConstraint)
def drop_constraint(ctx: Context, table: TableModel, a: ast.AlterAction) -> Step:
    assert isinstance(a, ast.DropConstraint)
    constraint = _constraint(ctx, table, a.name)
    dependents = [(other, c) for other, c in ctx.model.references_to(table.key, True)
                  if constraint.kind in ("primary key", "unique")
                  and set(c.ref_columns) == set(constraint.columns)]
    if dependents and not a.cascade:
        other, fk = dependents[0]
        raise ctx.error("still-referenced",
                        f"constraint '{constraint.name}' is needed by foreign key '{fk.name}' of"
                        f" table '{other.name}': drop that first, or add `cascade`", a.span)
    down = [recreate_constraint(table, constraint)]
    for other, fk in dependents:
        down.append(recreate_constraint(other, fk))
        ctx.model.detach_constraint(other, fk.name)
    ctx.model.detach_constraint(table, constraint.name)
    cascade = " CASCADE" if a.cascade else ""
    drop = drop_constraint_statement(
        table, constraint, drop_constraint_sql(table, constraint.name) + cascade,
        *[(other, ACCESS_EXCLUSIVE) for other, _ in dependents if other is not table])
    return Step([drop], down, a.span, node=a)

