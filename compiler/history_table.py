"""The history table is pgshift's: a migration that makes a relation or type by its name is
refused at compile time, not by `pgshift up` with 42P07 once the table exists.

`pgshift up` creates the history table (`history_table` in [tool.pgshift], by default
public.schema_migrations) before it runs any migration, so a migration that creates a
table by that name, renames one to it, or makes an index or sequence (same namespace) or
an enum (a table's row type is a type of its name) by that name would always fail there.
Rails and GitLab histories have a `schema_migrations` of their own, so this is met in
practice. The check runs after each statement, on the model: whatever statement put the
name there is refused, at the name it wrote when it wrote one. Names compare as
PostgreSQL's catalog holds them: the model's are folded as PostgreSQL folds unquoted names,
the history table's are taken as written, as the runner uses them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from ..dsl import ast
from ..dsl.diagnostics import error
from ..dsl.source import Span
from ..runner.table_name import DEFAULT_TABLE, split_table_name
from .context import Context
from .model import Key

DEFAULT_HISTORY_TABLE: Key = split_table_name(DEFAULT_TABLE)


def holds_history_table(ctx: Context) -> bool:
    """Does the model hold a relation or type by the history table's name?"""
    key = ctx.history_table
    return key is not None and (ctx.model.relation_taken(*key) or ctx.model.type_taken(*key))


def refuse_history_table(ctx: Context, statement: object) -> None:
    """Report `statement` for making the history table's name, which it just did (the
    caller checked that the model did not hold it before)."""
    key = ctx.history_table
    assert key is not None
    schema, name = key
    shown = name if schema == "public" else f"{schema}.{name}"
    what = _kind(ctx, key)
    setting = ("history_table in [tool.pgshift], by default" if key == DEFAULT_HISTORY_TABLE
               else "history_table in [tool.pgshift]")
    taken = "would be" if what == "table" else "takes the name of"
    message = (f"{what} '{shown}' {taken} pgshift's history table, {schema}.{name}"
               f" ({setting}): `pgshift up` creates that table before it runs any migration,"
               " so this one would fail there")
    other = "pgshift_history" if name == "pgshift_migrations" else "pgshift_migrations"
    suggested = other if schema == "public" else f"{schema}.{other}"
    help_line = (f"name this {what} otherwise, or keep pgshift's history in another table:"
                 f" history_table = \"{suggested}\" in [tool.pgshift] (for a database that"
                 " already has a history, the table it is in)")
    ctx.diagnostics.append(error("history-table-name", message, _span_of(statement, name),
                                 help=help_line))


def _kind(ctx: Context, key: Key) -> str:
    if key in ctx.model.tables:
        return "table"
    if key in ctx.model.indexes:
        return "index"
    if key in ctx.model.enums:
        return "enum"
    owner = ctx.model.owned_relations.get(key)
    return "sequence" if owner == "sequence" else "constraint"  # its index, by that name


def _span_of(statement: object, name: str) -> Span | None:
    """Where the statement first writes the name (`table NAME`, `rename table a to NAME`,
    `constraint NAME unique (…)`), else the whole statement."""
    for node in _nodes(statement):
        if isinstance(node, ast.Name) and node.value == name:
            return node.span
        if isinstance(node, ast.QualifiedName) and node.name == name:
            return node.span
    span: Span | None = getattr(statement, "span", None)
    return span


def _nodes(node: object) -> Iterator[object]:
    yield node
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            for item in value if isinstance(value, tuple) else (value,):
                yield from _nodes(item)
