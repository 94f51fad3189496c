"""`external` declarations: objects the migrations use but did not make (a platform's
`auth.users`, a table a `sql` block made, an extension's type in another schema).

Each goes into the model marked external, so the checks see it (a foreign key to
`auth.users` is checked against its declared key and column types), and compiles to no SQL
at all: Up and Down never touch it. What a statement would do to one is refused where it
is written (`external-object`, in Context.table, enum, index, the schema steps and
routines.py's function steps), and
nothing is made in an external schema. A declaration also records, for the runner, the
stand-in a scratch database makes for it (runner/externals.py), as plain SQL that does
nothing where the object exists.

A schema is external when declared so, or when an external table, enum or type is
declared in a schema that neither PostgreSQL nor a migration made (`auth` for
`auth.users`): `schema auth` is then a duplicate, and drift leaves the whole schema out.
"""

from __future__ import annotations

from ..dsl import ast
from ..dsl.source import Span
from ..runner.externals import External, ExternalKind
from .columns import mark_not_null
from .context import Context, StepError
from .function_signature import dollar_quoted
from .model import (
    DEFAULT_SCHEMA,
    SERIAL_TYPES,
    ColumnModel,
    ColumnType,
    ConstraintModel,
    EnumModel,
    TableModel,
)
from .model_routines import ArgumentModel, FunctionModel
from .quoting import quote_ident
from .registry import step
from .render import create_enum_sql, create_table_sql, table_ref, type_sql
from .security_render import ROLE_KEYWORDS
from .tables import add_constraints, table_constraint

# What an external table declares: its columns' types and what makes a key of them.
_DECLARED = (ast.NotNull, ast.Nullable, ast.PrimaryKey, ast.Unique, ast.Collate)


@step(ast.External)
def external(ctx: Context, s: ast.External) -> None:
    declared = s.object
    if isinstance(declared, ast.CreateSchema):
        _schema(ctx, declared)
    elif isinstance(declared, ast.CreateTable):
        _table(ctx, declared)
    elif isinstance(declared, ast.CreateEnum):
        _enum(ctx, declared)
    elif isinstance(declared, ast.ExternalRole):
        _role(ctx, declared)
    elif isinstance(declared, ast.ExternalFunction):
        _function(ctx, declared)
    else:
        _type(ctx, declared)


def _record(ctx: Context, kind: ExternalKind, schema: str, name: str, *sql: str) -> None:
    ctx.externals.append(External(kind, schema, name, stand_in=sql))


def _schema(ctx: Context, s: ast.CreateSchema) -> None:
    name = s.name.value
    ctx.check_identifier(name, s.name.span, "schema name")
    if name in ctx.model.external_schemas:
        raise ctx.error("duplicate-schema", f"schema '{name}' is already external", s.name.span)
    if ctx.schema_exists(name):
        whose = "PostgreSQL's own" if name == DEFAULT_SCHEMA else (
            "made by a migration" if name in ctx.model.schemas else "pgshift's history table's")
        raise ctx.error("duplicate-schema", f"schema '{name}' already exists, {whose}: it"
                        " cannot be external", s.name.span)
    if name.startswith("pg_"):
        raise ctx.error("reserved-schema-name", f"schema '{name}': names beginning with pg_ are"
                        " PostgreSQL's own schemas, which always exist", s.name.span)
    _external_schema(ctx, name)


def _external_schema(ctx: Context, name: str) -> None:
    ctx.model.external_schemas.add(name)
    _record(ctx, "schema", name, "", f"CREATE SCHEMA IF NOT EXISTS {quote_ident(name)}")


def _schema_of(ctx: Context, name: ast.QualifiedName) -> str:
    """The schema of an external object, itself external when nothing made it."""
    schema = name.schema or DEFAULT_SCHEMA
    if name.schema is not None:
        ctx.check_identifier(schema, name.span, "schema name")
    if not ctx.schema_exists(schema):
        _external_schema(ctx, schema)
    return schema


def _check_free(ctx: Context, name: ast.QualifiedName, what: str) -> None:
    """A relation and a type of the name must both be free (a table is a row type too)."""
    key = ctx.key(name)
    ctx.check_identifier(name.name, name.span, f"{what} name")
    if ctx.model.relation_taken(*key) or ctx.model.type_taken(*key):
        raise ctx.error("duplicate-name", f"'{name}' already exists in schema '{key[0]}'",
                        name.span)


def _table(ctx: Context, s: ast.CreateTable) -> None:
    _check_free(ctx, s.name, "table")
    refused: list[ast.ColumnConstraint | ast.TableConstraint] = [
        c for column in s.columns for c in column.constraints if not isinstance(c, _DECLARED)]
    refused += [c for c in s.constraints
                if not isinstance(c, ast.PrimaryKeyConstraint | ast.UniqueConstraint)]
    for undeclarable in refused:
        ctx.report("external-declaration", "an external table declares only its columns'"
                   " types, `not null`, `collate`, `primary key` and `unique` (what a foreign"
                   " key to it is checked against): its defaults, checks and references"
                   " belong to whatever made it", undeclarable.span)
    if refused:
        raise StepError("external-declaration")
    table = TableModel(_schema_of(ctx, s.name), s.name.name)
    ctx.model.attach_table(table)
    try:
        pending: list[tuple[ConstraintModel, ast.Name | None, Span]] = []
        for written in s.columns:
            ctx.check_identifier(written.name.value, written.name.span, "column name")
            column = ColumnModel(written.name.value, _stored_type(ctx.column_type(written.type)))
            ctx.model.attach_column(table, column)
            for constraint in written.constraints:
                if isinstance(constraint, ast.Collate):
                    column.collation = constraint.collation.value
                elif isinstance(constraint, ast.NotNull):
                    mark_not_null(table, column)
                elif isinstance(constraint, ast.PrimaryKey | ast.Unique):
                    pending.append((table_constraint(ctx, table, _key_of(written, constraint)),
                                    None, written.span))
        for written_key in s.constraints:
            pending.append((table_constraint(ctx, table, written_key), written_key.name,
                            written_key.span))
        add_constraints(ctx, table, pending)
    except StepError:
        ctx.model.detach_table(table)
        raise
    ctx.model.external_tables.add(table.key)
    create = create_table_sql(table).replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1)
    _record(ctx, "table", table.schema, table.name, create)


def _stored_type(written: ColumnType) -> ColumnType:
    """A serial column's type is its integer type: its sequence is its owner's."""
    name = SERIAL_TYPES.get(written.name, written.name)
    return ColumnType(name, written.modifiers, written.array_bounds, written.schema,
                      written.builtin)


def _key_of(column: ast.Column, written: ast.PrimaryKey | ast.Unique
            ) -> ast.PrimaryKeyConstraint | ast.UniqueConstraint:
    """A column's `primary key` or `unique` as the table constraint on that one column."""
    if isinstance(written, ast.PrimaryKey):
        return ast.PrimaryKeyConstraint(None, (column.name,), written.span)
    return ast.UniqueConstraint(None, (column.name,), True, written.span)


def _enum(ctx: Context, s: ast.CreateEnum) -> None:
    _check_free(ctx, s.name, "enum")
    for label in s.labels:
        ctx.check_label(label.value, label.span)
    enum = EnumModel(_schema_of(ctx, s.name), s.name.name, [label.value for label in s.labels],
                     external=True)
    ctx.model.enums[(enum.schema, enum.name)] = enum
    _record(ctx, "enum", enum.schema, enum.name, _unless_exists(create_enum_sql(enum)))


def _type(ctx: Context, s: ast.ExternalType) -> None:
    _check_free(ctx, s.name, "type")
    key = (_schema_of(ctx, s.name), s.name.name)
    ctx.model.external_types.add(key)
    # Whatever the type is, a domain over text stands in for it: columns of the type, and
    # string defaults, then build in a scratch database.
    _record(ctx, "type", *key, _unless_exists(f"CREATE DOMAIN {table_ref(*key)} AS text"))


def _unless_exists(create: str, condition: str = "duplicate_object") -> str:
    """CREATE TYPE, DOMAIN, ROLE or FUNCTION, doing nothing when one of the name exists
    (PostgreSQL has no IF NOT EXISTS for them; a function's error is its own,
    duplicate_function)."""
    tag = "$pgshift$"
    while tag in create:
        tag = tag[:-1] + "_$"
    return f"DO {tag} BEGIN {create}; EXCEPTION WHEN {condition} THEN NULL; END {tag}"


def _function(ctx: Context, s: ast.ExternalFunction) -> None:
    """A function a trigger may execute. Its stand-in has the declared signature and
    returns nothing (NULL, no row), in PL/pgSQL, which may return any type, `trigger`
    included."""
    ctx.check_identifier(s.name.name, s.name.span, "function name")
    types = tuple(type_sql(ctx.column_type(t)) for t in s.argument_types)
    returned = type_sql(ctx.column_type(s.returns))
    function = FunctionModel(_schema_of(ctx, s.name), s.name.name,
                             tuple(ArgumentModel("", t) for t in types),
                             f"SETOF {returned}" if s.setof else returned, "plpgsql", "",
                             external=True)
    if function.key in ctx.model.functions:
        raise ctx.error("duplicate-name", f"function '{s.name}({', '.join(types)})' already"
                        " exists", s.name.span)
    ctx.model.functions[function.key] = function
    body = "BEGIN RETURN; END" if s.setof or returned == "void" else "BEGIN RETURN NULL; END"
    create = (f"CREATE FUNCTION {table_ref(function.schema, function.name)}({', '.join(types)})"
              f" RETURNS {function.returns} LANGUAGE plpgsql AS {dollar_quoted(body)}")
    _record(ctx, "function", function.schema, function.name,
            _unless_exists(create, "duplicate_function"))


def _role(ctx: Context, s: ast.ExternalRole) -> None:
    """A role policies may name. Roles are the cluster's, so a scratch database makes a
    stand-in one that cannot log in, unless a role of the name exists (another database's
    build made it, or the platform did)."""
    name = s.name.value
    ctx.check_identifier(name, s.name.span, "role name")
    if name in ctx.model.external_roles or name in ROLE_KEYWORDS:
        raise ctx.error("duplicate-role", f"role '{name}' is "
                        + ("already external" if name in ctx.model.external_roles else
                           "PostgreSQL's own name for a role, always there"), s.name.span)
    ctx.model.external_roles.add(name)
    _record(ctx, "role", "", name,
            _unless_exists(f"CREATE ROLE {quote_ident(name)} NOLOGIN"))
