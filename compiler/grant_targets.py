"""What a `grant` or `revoke` names, found in the model: a table, a view or materialized
view (tables to GRANT), a schema, a sequence (standalone, or a serial or identity
column's: its grants are its table's), or a function by its argument types. Each object
keeps who holds what on it (`grants`, role → privileges), so that a Down revokes or gives
back exactly, and a drop's Down grants again what the object had.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dsl import ast
from .context import Context
from .function_signature import function_ref
from .model import DEFAULT_SCHEMA, Key, TableModel, owns_sequence
from .quoting import quote_ident
from .render import table_ref, type_sql


@dataclass(frozen=True, slots=True)
class GrantTarget:
    """The grants the model holds on the object (changed in place), how GRANT names it
    (`TABLE documents`) and how a message does (`view 'recent'`)."""

    held: dict[str, tuple[str, ...]]
    sql: str
    subject: str


def grant_target(ctx: Context, s: ast.Grant) -> GrantTarget:
    verb = "revoke" if s.revoke else "grant"
    if s.target == "table":
        key = ctx.key(s.object)
        view = ctx.model.views.get(key)
        if view is not None:
            return GrantTarget(view.grants, f"TABLE {table_ref(*view.key)}",
                               f"{view.kind} '{view.name}'")
        if key not in ctx.model.tables:
            known = [k[1] for k in (*ctx.model.tables, *ctx.model.views)]
            raise ctx.error("unknown-table", f"unknown table or view '{s.object}'"
                            f"{ctx.hint(s.object.name, known)}", s.object.span)
        table = ctx.table(s.object, f"{verb} privileges on")
        return GrantTarget(table.grants, f"TABLE {table_ref(*table.key)}",
                           f"table '{table.name}'")
    if s.target == "sequence":
        return _sequence(ctx, s)
    if s.target == "function":
        return _function(ctx, s, verb)
    schema = s.object.name
    if schema in ctx.model.external_schemas:
        raise ctx.external_object(f"schema '{schema}' is external",
                                  f"{verb} privileges on", s.object.span)
    if not ctx.schema_exists(schema) or schema not in (*ctx.model.schemas, "public"):
        raise ctx.error("unknown-schema", f"schema '{schema}' was never created"
                        f"{ctx.hint(schema, ctx.model.schemas)}", s.object.span)
    return GrantTarget(ctx.model.schema_grants.setdefault(schema, {}),
                       f"SCHEMA {quote_ident(schema)}", f"schema '{schema}'")


def _sequence(ctx: Context, s: ast.Grant) -> GrantTarget:
    key = ctx.key(s.object)
    sequence = ctx.model.sequences.get(key)
    if sequence is not None:
        return GrantTarget(sequence.grants, f"SEQUENCE {table_ref(*key)}",
                           f"sequence '{sequence.name}'")
    table = _column_owning(ctx, key) if ctx.model.owned_relations.get(key) == "sequence" else (
        None)
    if table is None:
        raise ctx.error("unknown-sequence", f"unknown sequence '{s.object}'"
                        f"{ctx.hint(s.object.name, [k[1] for k in ctx.model.sequences])}",
                        s.object.span)
    return GrantTarget(table.sequence_grants.setdefault(key[1], {}),
                       f"SEQUENCE {table_ref(*key)}", f"sequence '{key[1]}'")


def _column_owning(ctx: Context, key: Key) -> TableModel | None:
    """The table whose serial or identity column takes its values from the sequence `key`
    (its tables are looked up one by one: a grant on such a sequence is rare)."""
    for table_key in list(ctx.model.tables):
        if table_key[0] != key[0]:
            continue
        table = ctx.model.tables[table_key]
        if any(c.sequence == key[1] and owns_sequence(c) for c in table.columns.values()):
            return table
    return None


def _function(ctx: Context, s: ast.Grant, verb: str) -> GrantTarget:
    key = (s.object.schema or DEFAULT_SCHEMA, s.object.name,
           tuple(type_sql(ctx.column_type(t)) for t in s.arguments))
    function = ctx.model.functions.get(key)
    described = function_ref(key) if key[0] != DEFAULT_SCHEMA else (
        f"{key[1]}({', '.join(key[2])})")
    if function is None:
        overloads = sorted(k for k in ctx.model.functions if k[:2] == key[:2])
        known = ("; it has " + ", ".join(f"'{k[1]}({', '.join(k[2])})'" for k in overloads)
                 if overloads else ctx.hint(key[1], [k[1] for k in ctx.model.functions]))
        raise ctx.error("unknown-function", f"unknown function '{described}'{known}",
                        s.object.span)
    if function.external:
        raise ctx.external_object(f"function '{described}' is external",
                                  f"{verb} privileges on", s.object.span)
    return GrantTarget(function.grants, f"FUNCTION {function_ref(key)}",
                       f"function '{described}'")
