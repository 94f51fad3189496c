"""Steps for schemas, extensions, enums, comments, raw SQL and the `irreversible` marker."""

from __future__ import annotations

import re

from ..dsl import ast
from .comments import OBJECT_TARGETS, comment_on_object, schema_comment_statements
from .context import Context, Step
from .model import DEFAULT_SCHEMA, EXTENSION_TYPES, EnumModel, TableModel
from .quoting import quote_ident, quote_literal
from .registry import step
from .render import comment_sql, create_enum_sql, index_ref, table_ref
from .security_render import grant_sql
from .sql_scan import statements
from .statement import Statement, comment_on


@step(ast.CreateSchema)
def create_schema(ctx: Context, s: ast.CreateSchema) -> Step:
    name = s.name.value
    ctx.check_identifier(name, s.name.span, "schema name")
    if ctx.schema_exists(name):
        where = "" if name == DEFAULT_SCHEMA or name in ctx.model.schemas else (
            ": it is external (an `external` declaration said it exists without the"
            " migrations)" if name in ctx.model.external_schemas else
            ": it holds pgshift's history table, so it is there before any migration runs")
        raise ctx.error("duplicate-schema", f"schema '{name}' already exists{where}",
                        s.name.span)
    if name.startswith("pg_"):
        raise ctx.error("reserved-schema-name", f"schema '{name}': names beginning with pg_ are"
                        " reserved for PostgreSQL's own schemas", s.name.span)
    ctx.model.schemas.add(name)
    return Step([Statement(f"CREATE SCHEMA {quote_ident(name)}")],
                [Statement(f"DROP SCHEMA {quote_ident(name)}")], s.span, node=s)


@step(ast.DropSchema)
def drop_schema(ctx: Context, s: ast.DropSchema) -> Step:
    name = s.name.value
    if name in ctx.model.external_schemas:
        raise ctx.external_object(f"schema '{name}' is external", "drop", s.name.span)
    if name not in ctx.model.schemas:
        known = ctx.hint(name, ctx.model.schemas)
        raise ctx.error("unknown-schema", f"schema '{name}' was never created{known}"
                        if name != DEFAULT_SCHEMA else "schema 'public' is PostgreSQL's own:"
                        " pgshift does not drop it", s.name.span)
    held = _held_by_schema(ctx, name)
    if held is not None:
        raise ctx.error("schema-in-use", f"schema '{name}' still holds {held}: drop or move"
                        " what it holds first (PostgreSQL drops only an empty schema without"
                        " CASCADE, and Down could not bring back what CASCADE dropped)",
                        s.span)
    ctx.model.schemas.discard(name)
    grants = ctx.model.schema_grants.pop(name, {})
    return Step([Statement(f"DROP SCHEMA {quote_ident(name)}")],
                [Statement(f"CREATE SCHEMA {quote_ident(name)}"),
                 *schema_comment_statements(ctx, name),
                 *[Statement(grant_sql("schema", quote_ident(name), privileges, (role,)))
                   for role, privileges in grants.items()]], s.span, node=s)


def _held_by_schema(ctx: Context, schema: str) -> str | None:
    """The first object the model has in `schema`, in words, or None when it is empty."""
    for kind, keys in (("table", ctx.model.tables), ("index", ctx.model.indexes),
                       ("enum", ctx.model.enums), ("view", ctx.model.views),
                       ("sequence", ctx.model.sequences)):
        for key in sorted(keys):
            if key[0] == schema:
                return f"{kind} '{key[0]}.{key[1]}'"
    functions = sorted(k for k in ctx.model.functions if k[0] == schema)
    if functions:
        return f"function '{schema}.{functions[0][1]}'"
    extensions = sorted(e for e, where in ctx.model.extensions.items() if where == schema)
    return f"extension '{extensions[0]}'" if extensions else None


def create_extension_sql(name: str, schema: str | None) -> str:
    """CREATE EXTENSION, in `schema` if given (else PostgreSQL's first schema of the search
    path, `public`, as the model takes it)."""
    where = f" WITH SCHEMA {quote_ident(schema)}" if schema is not None else ""
    return f"CREATE EXTENSION {quote_ident(name)}{where}"


@step(ast.CreateExtension)
def create_extension(ctx: Context, s: ast.CreateExtension) -> Step:
    name = s.name.value
    if name in ctx.model.extensions:
        raise ctx.error("duplicate-extension", f"extension '{name}' is already created",
                        s.name.span)
    schema = s.schema.value if s.schema is not None else None
    if s.schema is not None and not ctx.schema_exists(s.schema.value):
        raise ctx.error("unknown-schema", f"schema '{s.schema.value}' does not exist: no"
                        " migration so far creates it; add `schema"
                        f" {quote_ident(s.schema.value)}` before the extension",
                        s.schema.span)
    ctx.model.extensions[name] = schema or DEFAULT_SCHEMA
    return Step([Statement(create_extension_sql(name, schema))],
                [Statement(f"DROP EXTENSION {quote_ident(name)}")], s.span, node=s)


@step(ast.DropExtension)
def drop_extension(ctx: Context, s: ast.DropExtension) -> Step:
    name = s.name.value
    if name not in ctx.model.extensions:
        raise ctx.error("unknown-extension", f"extension '{name}' was never created",
                        s.name.span)
    for table in ctx.model.tables.values():
        for column in table.columns.values():
            if column.type.builtin and EXTENSION_TYPES.get(column.type.name) == name:
                origin = "a pgvector type" if name == "vector" else f"a type of extension {name}"
                raise ctx.error("extension-in-use",
                                f"column '{table.name}.{column.name}' is {column.type.name},"
                                f" {origin}: drop it before the extension", s.span)
    schema = ctx.model.extensions.pop(name)
    return Step([Statement(f"DROP EXTENSION {quote_ident(name)}")],
                [Statement(create_extension_sql(
                    name, None if schema == DEFAULT_SCHEMA else schema))], s.span, node=s)


@step(ast.CreateEnum)
def create_enum(ctx: Context, s: ast.CreateEnum) -> Step:
    key = ctx.key(s.name)
    ctx.check_qualified(s.name, "enum name")
    if ctx.model.type_taken(*key):
        raise ctx.error("duplicate-name", f"a type named '{s.name}' already exists", s.name.span)
    for label in s.labels:
        ctx.check_label(label.value, label.span)
    enum = EnumModel(*key, [label.value for label in s.labels])
    ctx.model.enums[key] = enum
    ctx.created_enums.add(key)
    return Step([Statement(create_enum_sql(enum))], [Statement(f"DROP TYPE {table_ref(*key)}")],
                s.span, node=s)


@step(ast.AddEnumValue)
def add_enum_value(ctx: Context, s: ast.AddEnumValue) -> Step:
    enum = ctx.enum(s.enum, "alter")
    label = s.label.value
    ctx.check_label(label, s.label.span)
    if label in enum.labels:
        raise ctx.error("duplicate-enum-value", f"enum '{enum.name}' already has value '{label}'",
                        s.label.span)
    position = ""
    where = len(enum.labels)
    if s.neighbor is not None and s.position is not None:
        if s.neighbor.value not in enum.labels:
            raise ctx.error("unknown-enum-value",
                            f"enum '{enum.name}' has no value '{s.neighbor.value}'"
                            f"{ctx.hint(s.neighbor.value, enum.labels)}", s.neighbor.span)
        where = enum.labels.index(s.neighbor.value) + (s.position == "after")
        position = f" {s.position.upper()} {quote_literal(s.neighbor.value)}"
    enum.labels.insert(where, label)
    up = [Statement(f"ALTER TYPE {table_ref(enum.schema, enum.name)} ADD VALUE"
                    f" {quote_literal(label)}{position}")]
    if (enum.schema, enum.name) in ctx.created_enums:  # Down drops the whole type anyway
        return Step(up, [], s.span, node=s)
    ctx.added_enum_labels.setdefault((enum.schema, enum.name), set()).add(label)
    return Step(up, None, s.span,
                irreversible_because=f"PostgreSQL cannot remove value '{label}' from enum"
                                     f" '{enum.name}'", node=s)


@step(ast.RenameEnumValue)
def rename_enum_value(ctx: Context, s: ast.RenameEnumValue) -> Step:
    enum = ctx.enum(s.enum, "alter")
    old, new = s.old.value, s.new.value
    if old not in enum.labels:
        raise ctx.error("unknown-enum-value", f"enum '{enum.name}' has no value '{old}'"
                        f"{ctx.hint(old, enum.labels)}", s.old.span)
    if new in enum.labels:
        raise ctx.error("duplicate-enum-value", f"enum '{enum.name}' already has value '{new}'",
                        s.new.span)
    ctx.check_label(new, s.new.span)
    enum.labels[enum.labels.index(old)] = new
    for table in ctx.model.tables.values():  # defaults naming the value follow it
        for column in table.columns.values():
            if (not column.type.builtin and (column.type.schema, column.type.name)
                    == (enum.schema, enum.name) and column.default == quote_literal(old)):
                column.default = quote_literal(new)
    ref = table_ref(enum.schema, enum.name)
    return Step(
        [Statement(f"ALTER TYPE {ref} RENAME VALUE {quote_literal(old)} TO {quote_literal(new)}")],
        [Statement(f"ALTER TYPE {ref} RENAME VALUE {quote_literal(new)} TO {quote_literal(old)}")],
        s.span, node=s)


@step(ast.DropEnum)
def drop_enum(ctx: Context, s: ast.DropEnum) -> Step:
    enum = ctx.enum(s.name, "drop")
    key = (enum.schema, enum.name)
    for table in ctx.model.tables.values():
        for column in table.columns.values():
            if not column.type.builtin and (column.type.schema or DEFAULT_SCHEMA,
                                            column.type.name) == key:
                raise ctx.error("enum-in-use", f"enum '{enum.name}' is the type of column"
                                f" '{table.name}.{column.name}': change or drop that first",
                                s.span)
    del ctx.model.enums[key]
    return Step([Statement(f"DROP TYPE {table_ref(*key)}")], [Statement(create_enum_sql(enum))],
                s.span, node=s)


@step(ast.Comment)
def comment(ctx: Context, s: ast.Comment) -> Step:
    if s.target in OBJECT_TARGETS:
        return comment_on_object(ctx, s)
    locked: TableModel | None = None  # COMMENT ON INDEX locks the index, not its table
    if s.target == "index" and ctx.constraint_index(ctx.key(s.object)) is not None:
        owner = next(c for t in ctx.model.tables.values() if t.schema == ctx.key(s.object)[0]
                     for c in t.constraints.values() if c.name == s.object.name)
        previous, owner.comment = owner.comment, s.text
        target = table_ref(*ctx.key(s.object))
    elif s.target == "index":
        index = ctx.index(s.object)
        previous, index.comment = index.comment, s.text
        target = index_ref(index)
    else:
        table = locked = ctx.table(s.object, "comment on")
        target = table_ref(table.schema, table.name)
        if s.target == "table":
            previous, table.comment = table.comment, s.text
        else:
            assert s.column is not None
            column = ctx.column(table, s.column)
            previous, column.comment = column.comment, s.text
            target = f"{target}.{quote_ident(column.name)}"
    up, down = comment_sql(s.target, target, s.text), comment_sql(s.target, target, previous)
    if locked is None:
        return Step([Statement(up)], [Statement(down)], s.span, node=s)
    return Step([comment_on(locked, up)], [comment_on(locked, down)], s.span, node=s)


@step(ast.RawSql)
def raw_sql(ctx: Context, s: ast.RawSql) -> Step:
    ctx.model.schemas.update(schemas_created_by(s.up) - ctx.model.external_schemas)
    up = Statement(s.up.strip(), work="unknown")
    if s.down is None:
        return Step([up], None, s.span,
                    irreversible_because="this sql block has no `down`", node=s)
    down = s.down.strip()
    return Step([up], [Statement(down, work="unknown")] if down else [], s.span, node=s)


_SCHEMA_NAME = re.compile(
    r'create\s+schema\s+(?:if\s+not\s+exists\s+)?("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)',
    re.IGNORECASE)


def schemas_created_by(sql: str) -> set[str]:
    """The schemas a `sql` block's CREATE SCHEMA statements make, so that the language's
    statements may put objects in them (`CREATE SCHEMA AUTHORIZATION role`, named after the
    role, is not counted)."""
    found: set[str] = set()
    for statement in statements(sql):
        if (statement.first, statement.second) != ("create", "schema"):
            continue
        match = _SCHEMA_NAME.match(sql, statement.start)
        if match is None or match.group(1).lower() == "authorization":
            continue
        name = match.group(1)
        found.add(name[1:-1].replace('""', '"') if name.startswith('"') else name.lower())
    return found


@step(ast.Irreversible)
def irreversible(ctx: Context, s: ast.Irreversible) -> None:
    return None
