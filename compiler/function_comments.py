"""`comment on function NAME (arg types) is '…'`: the comment into the function's model, so
that Down restores the one before it, and what makes the function again by DROP and CREATE
(routines.py: a replacement CREATE OR REPLACE cannot do, Down of `drop function`) says it
again, as PostgreSQL drops a function's comment with it."""

from __future__ import annotations

from ..dsl import ast
from .context import Context, Step
from .function_signature import function_ref
from .registry import step
from .render import comment_sql
from .routines import describe_routine, routine_key, routine_named
from .statement import Statement


@step(ast.CommentOnFunction)
def comment_on_function(ctx: Context, s: ast.CommentOnFunction) -> Step:
    key = routine_key(ctx, s.name, s.argument_types)
    function = routine_named(ctx, key, s.name.span)
    if function.external:
        raise ctx.external_object(f"function '{describe_routine(key)}' is external", "comment on",
                                  s.name.span)
    previous, function.comment = function.comment, s.text
    target = function_ref(key)
    # COMMENT ON FUNCTION locks no table: calls go on.
    return Step([Statement(comment_sql("function", target, s.text))],
                [Statement(comment_sql("function", target, previous))], s.span, node=s)
