"""`comment on view|materialized view|schema|sequence`: the comment into the model, so that
Down restores the one before it, and what makes such an object again (a view written again,
a dropped schema or sequence brought back by Down) says it again.

Comments on tables, columns and indexes are objects.py's; these are kept apart because
their objects live outside `SchemaModel.tables`."""

from __future__ import annotations

from ..dsl import ast
from .context import Context, Step
from .function_signature import function_ref
from .model import DEFAULT_SCHEMA
from .model_routines import FunctionModel
from .quoting import quote_ident
from .render import comment_sql, table_ref
from .statement import Statement, comment_on

OBJECT_TARGETS = ("view", "materialized view", "schema", "sequence")


def comment_on_object(ctx: Context, s: ast.Comment) -> Step:
    """The step of `comment on` one of OBJECT_TARGETS."""
    if s.target == "schema":
        return _on_schema(ctx, s)
    if s.target == "sequence":
        return _on_sequence(ctx, s)
    return _on_view(ctx, s)


def _on_view(ctx: Context, s: ast.Comment) -> Step:
    key = ctx.key(s.object)
    view = ctx.model.views.get(key)
    materialized = s.target == "materialized view"
    if view is None:
        hint = ctx.hint(s.object.name, [k[1] for k in ctx.model.views])
        raise ctx.error("unknown-view", f"unknown {s.target} '{s.object}'{hint}",
                        s.object.span)
    if view.materialized != materialized:
        raise ctx.error("unknown-view", f"'{s.object}' is a {view.kind}, not a {s.target}:"
                        f" write `comment on {view.kind} {s.object} is …`", s.object.span)
    previous, view.comment = view.comment, s.text
    target = table_ref(*key)
    # COMMENT takes SHARE UPDATE EXCLUSIVE on the view: reads and writes go on.
    return Step([comment_on(key, comment_sql(view.kind, target, s.text))],
                [comment_on(key, comment_sql(view.kind, target, previous))], s.span, node=s)


def _on_schema(ctx: Context, s: ast.Comment) -> Step:
    name = s.object.name
    if name in ctx.model.external_schemas:
        raise ctx.external_object(f"schema '{name}' is external", "comment on",
                                  s.object.span)
    if name != DEFAULT_SCHEMA and name not in ctx.model.schemas:
        raise ctx.error("unknown-schema", f"schema '{name}' was never created"
                        f"{ctx.hint(name, ctx.model.schemas)}", s.object.span)
    previous = ctx.model.schema_comments.get(name)
    if s.text is None:
        ctx.model.schema_comments.pop(name, None)
    else:
        ctx.model.schema_comments[name] = s.text
    target = quote_ident(name)
    return Step([Statement(comment_sql("schema", target, s.text))],
                [Statement(comment_sql("schema", target, previous))], s.span, node=s)


def _on_sequence(ctx: Context, s: ast.Comment) -> Step:
    sequence = ctx.sequence(s.object, ", which pgshift keeps no comment for: comment on"
                                      " the column instead")
    key = sequence.key
    previous, sequence.comment = sequence.comment, s.text
    target = table_ref(*key)
    # Like the sequence's other statements, no table lock: nothing but nextval uses it.
    return Step([Statement(comment_sql("sequence", target, s.text))],
                [Statement(comment_sql("sequence", target, previous))], s.span, node=s)


def schema_comment_statements(ctx: Context, name: str) -> list[Statement]:
    """What brings back a dropped schema's comment (it is forgotten as the schema goes)."""
    text = ctx.model.schema_comments.pop(name, None)
    return [] if text is None else [Statement(comment_sql("schema", quote_ident(name), text))]


def sequence_comment_statements(schema: str, name: str, text: str | None) -> list[Statement]:
    """What brings back a dropped sequence's comment."""
    if text is None:
        return []
    return [Statement(comment_sql("sequence", table_ref(schema, name), text))]


def function_comment(function: FunctionModel) -> list[Statement]:
    """The COMMENT that gives a function just made the comment `function` has, if any."""
    if function.comment is None:
        return []
    return [Statement(comment_sql("function", function_ref(function.key), function.comment))]
