"""`alter view NAME set (option = value, …)` and `alter view NAME reset (option, …)`: a
view's options changed in place, with a Down that gives back each option's previous value
(or resets it where it had none)."""

from __future__ import annotations

from ..dsl import ast
from ..runner.locks import ACCESS_EXCLUSIVE
from .context import Context, Step
from .registry import step
from .render import table_ref
from .statement import Statement, lock
from .view_check import refuse_check_option


def _change(ref: str, set_: dict[str, str], reset: list[str]) -> list[str]:
    statements = []
    if set_:
        settings = ", ".join(f"{name}={value}" for name, value in sorted(set_.items()))
        statements.append(f"ALTER VIEW {ref} SET ({settings})")
    if reset:
        statements.append(f"ALTER VIEW {ref} RESET ({', '.join(sorted(reset))})")
    return statements


@step(ast.AlterView)
def alter_view(ctx: Context, s: ast.AlterView) -> Step:
    key = ctx.key(s.name)
    view = ctx.model.views.get(key)
    if view is None:
        hint = ctx.hint(s.name.name, [k[1] for k in ctx.model.views])
        raise ctx.error("unknown-view", f"unknown view '{s.name}'{hint}", s.name.span)
    if view.materialized:
        raise ctx.error("view-option", f"'{s.name}' is a materialized view, which has no view"
                        " options (they say how a plain view's query runs)", s.name.span)
    before = dict(view.options)
    for name in s.reset:
        if name not in before:
            raise ctx.error("view-option", f"view '{s.name}' has no option '{name}' to reset:"
                            f" it has {', '.join(sorted(before)) or 'none'}", s.span)
        del view.options[name]
    changed = {name: value for name, value in s.set if before.get(name) != value}
    if not changed and not s.reset:
        raise ctx.error("view-option", f"view '{s.name}' already has"
                        f" {', '.join(f'{n}={v}' for n, v in s.set)}: nothing to change",
                        s.span)
    view.options = dict(sorted({**view.options, **changed}.items()))
    if "check_option" in changed:
        refuse_check_option(ctx, view, view.query, s.span)
    ref = table_ref(*key)
    up = _change(ref, changed, list(s.reset))
    down = _change(ref, {n: before[n] for n in [*changed, *s.reset] if n in before},
                   [n for n in changed if n not in before])
    # ALTER VIEW … SET/RESET of a view option takes ACCESS EXCLUSIVE on the view.
    return Step([Statement(sql, (lock(key, ACCESS_EXCLUSIVE),)) for sql in up],
                [Statement(sql, (lock(key, ACCESS_EXCLUSIVE),)) for sql in down], s.span,
                node=s)
