"""Steps for indexes: create (with pgvector's rules), drop, rename."""

from __future__ import annotations

from ..dsl import ast
from ..runner.index_build import BadSize, IndexBuild, kilobytes
from ..runner.locks import ACCESS_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE
from .context import Context, Step
from .model import ColumnModel, IndexElementModel, IndexModel, extension_schema
from .pgvector import (
    OPCLASSES,
    VECTOR_METHODS,
    check_opclass_method,
    check_vector_index,
    graph_bytes_per_row,
)
from .quoting import quote_ident, quote_literal, quote_qualified
from .recreate import create_index_statement, recreate_index
from .registry import step
from .render import drop_index_sql, index_ref
from .statement import Statement, lock
from .views import indexed_relation

METHODS = ("btree", "hash", "gist", "spgist", "gin", "brin", "hnsw", "ivfflat")
MAX_BUILD_WORKERS = 64


def _parameter_sql(value: ast.Literal) -> str:
    if value.kind == "string":
        return quote_literal(value.value)
    return value.value


@step(ast.CreateIndex)
def create_index(ctx: Context, s: ast.CreateIndex) -> Step:
    table = indexed_relation(ctx, s.table)
    if s.concurrently and getattr(table, "partition_by", None) is not None:
        raise ctx.error("bad-partition", f"table '{s.table}' is partitioned: PostgreSQL has no"
                        " `index concurrently` on a partitioned table (build it concurrently"
                        " on each partition instead)", s.span)
    name = s.name.value
    ctx.check_identifier(name, s.name.span, "index name")
    if ctx.model.relation_taken(table.schema, name):
        raise ctx.error("duplicate-name",
                        f"'{name}' already exists in schema '{table.schema}' (indexes, tables"
                        " and sequences share one namespace)", s.name.span)
    method = s.method.value if s.method else None
    if method is not None and method not in METHODS:
        raise ctx.error("unknown-index-method",
                        f"unknown index method '{method}'{ctx.hint(method, METHODS)}; known:"
                        f" {', '.join(METHODS)}", s.method.span if s.method else s.span)
    if s.unique and method not in (None, "btree", *VECTOR_METHODS):
        ctx.report("unique-index-method", f"only btree indexes can be unique, not {method}",
                   s.span)
    columns: list[ColumnModel | None] = []
    elements: list[IndexElementModel] = []
    for element in s.elements:
        column = ctx.column(table, element.column) if element.column else None
        columns.append(column)
        opclass = _opclass_sql(ctx, element.opclass) if element.opclass else None
        elements.append(IndexElementModel(
            column.name if column else None,
            element.expression.sql.strip() if element.expression else None,
            opclass, element.descending, element.nulls_first))
    include = ctx.columns(table, s.include)
    if method in VECTOR_METHODS:
        check_vector_index(ctx, s, method, columns)
    else:
        check_opclass_method(ctx, s, method)
    parameters = tuple((p.name.value, _parameter_sql(p.value)) for p in s.parameters)
    memory, workers = _build_options(ctx, s)
    tuple_bytes = graph_bytes_per_row(method, columns[0] if len(columns) == 1 else None,
                                      dict(parameters))
    build = (IndexBuild(tuple_bytes, memory, workers)
             if tuple_bytes is not None or memory is not None or workers is not None else None)
    index = IndexModel(
        table.schema, name, table.name, s.unique, method, tuple(elements), include,
        parameters, s.where.sql.strip() if s.where else None, build=build,
    )
    ctx.model.attach_index(index)
    return Step([create_index_statement(index, s.concurrently)],
                [drop_index_statement(index, s.concurrently)], s.span, node=s)


def _opclass_sql(ctx: Context, opclass: ast.QualifiedName) -> str:
    """An operator class as SQL: pgvector's, written unqualified, from the schema the
    extension is in (PostgreSQL looks an unqualified one up in the search path only)."""
    schema = opclass.schema
    if schema is None and opclass.name in OPCLASSES:
        schema = extension_schema(ctx.model, "vector")
    return quote_qualified(opclass.name, schema)


def drop_index_statement(index: IndexModel, concurrently: bool) -> Statement:
    """DROP INDEX takes ACCESS EXCLUSIVE on the index's table, briefly; CONCURRENTLY takes
    SHARE UPDATE EXCLUSIVE, waits for the queries using the index, and runs outside a
    transaction."""
    mode = SHARE_UPDATE_EXCLUSIVE if concurrently else ACCESS_EXCLUSIVE
    return Statement(drop_index_sql(index, concurrently), (lock(index.table_key, mode),),
                     "catalog", concurrently)


def _build_options(ctx: Context, s: ast.CreateIndex) -> tuple[str | None, int | None]:
    """`build (memory = '2GB', workers = 4)`: what the migration asks for this build."""
    memory: str | None = None
    workers: int | None = None
    for parameter in s.build:
        name, value = parameter.name.value, parameter.value
        if name == "memory" and value.kind == "string":
            try:
                kilobytes(value.value)
            except BadSize as bad:
                ctx.report("index-build-option", str(bad), value.span)
            memory = value.value
        elif name == "workers" and value.kind == "number" and value.value.isdigit() and (
                int(value.value) <= MAX_BUILD_WORKERS):
            workers = int(value.value)
        elif name in ("memory", "workers"):
            ctx.report("index-build-option",
                       "memory is a size in quotes, like '2GB'; workers a whole number from 0"
                       f" to {MAX_BUILD_WORKERS}", value.span)
        else:
            ctx.report("index-build-option",
                       f"unknown build option '{name}'{ctx.hint(name, ('memory', 'workers'))};"
                       " an index build takes memory (maintenance_work_mem) and workers"
                       " (max_parallel_maintenance_workers)", parameter.name.span)
    return memory, workers


@step(ast.DropIndex)
def drop_index(ctx: Context, s: ast.DropIndex) -> Step:
    index = ctx.index(s.index)
    recreate = recreate_index(index, s.concurrently)
    ctx.model.detach_index(index)
    return Step([drop_index_statement(index, s.concurrently)], recreate, s.span, node=s)


@step(ast.RenameIndex)
def rename_index(ctx: Context, s: ast.RenameIndex) -> Step:
    index = ctx.index(s.index)
    new = s.new_name.value
    ctx.check_identifier(new, s.new_name.span, "index name")
    if ctx.model.relation_taken(index.schema, new):
        raise ctx.error("duplicate-name", f"'{new}' already exists in schema '{index.schema}'",
                        s.new_name.span)
    old_ref, old_name = index_ref(index), index.name
    ctx.model.detach_index(index)
    index.name = new
    ctx.model.attach_index(index)
    # ALTER INDEX … RENAME takes SHARE UPDATE EXCLUSIVE on the index alone: queries go on.
    return Step([Statement(f"ALTER INDEX {old_ref} RENAME TO {quote_ident(new)}")],
                [Statement(f"ALTER INDEX {index_ref(index)} RENAME TO {quote_ident(old_name)}")],
                s.span, node=s)
