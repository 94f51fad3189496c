"""Triggers on views: what PostgreSQL allows there (the statements that make them again
after a view is written anew or dropped are routines.py's `remade_view_triggers` and
`drop_triggers`, which views.py calls).

A view takes `instead of` triggers (for each row, without `update of` or `when`: they are
what makes a view writable), and statement-level `before` or `after` ones; no row-level
`before`/`after`, no `truncate`. A materialized view takes none. pgshift writes a view again
by DROP and CREATE, which takes its triggers along: the model keeps them under the view's
key, so that Up makes them again after the new view and Down after the previous one, and a
dropped view's Down makes them again after the view."""

from __future__ import annotations

from ..dsl import ast
from .context import Context
from .model import TableModel, ViewModel
from .render import table_ref


def trigger_relation(ctx: Context, name: ast.QualifiedName, change: str
                     ) -> TableModel | ViewModel:
    """The table or view a trigger statement names (`change` says what it does to a table,
    which an external table refuses)."""
    view = ctx.model.views.get(ctx.key(name))
    return view if view is not None else ctx.table(name, change)


def view_trigger_events(ctx: Context, s: ast.CreateTrigger, view: ViewModel
                        ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The events of trigger `s` on `view`, once the forms PostgreSQL refuses on a view are
    refused where they are written."""
    where = f"'{table_ref(*view.key)}'"
    if view.materialized:
        raise ctx.error("bad-trigger", f"{where} is a materialized view, which fires no"
                        " triggers: put the trigger on the tables its query reads",
                        s.table.span)
    if s.timing == "instead of":
        if s.for_each != "row":
            raise ctx.error("bad-trigger", "an `instead of` trigger replaces each row's change:"
                            " write `for each row`", s.span)
        if s.when is not None:
            raise ctx.error("bad-trigger", "an `instead of` trigger takes no `when`: test the"
                            " row inside its function", s.when.span)
        for event in s.events:
            if event.columns:
                raise ctx.error("bad-trigger", "an `instead of update` trigger fires for every"
                                " update of the view: leave out `of …` and compare old and new"
                                " inside its function", event.span)
    elif s.for_each == "row":
        raise ctx.error("bad-trigger", f"{where} is a view: a trigger for each row on it is"
                        f" `instead of`; `{s.timing}` is only `for each statement` there",
                        s.span)
    for event in s.events:
        if event.kind == "truncate":
            raise ctx.error("bad-trigger", f"{where} is a view, which cannot be truncated: a"
                            " view has no `truncate` trigger", event.span)
        for column in event.columns:
            if column.value not in view.columns:
                raise ctx.error("unknown-column", f"view {where} has no column"
                                f" '{column.value}'{ctx.hint(column.value, view.columns)}",
                                column.span)
    return tuple((e.kind, tuple(c.value for c in e.columns)) for e in s.events)


def table_trigger_check(ctx: Context, s: ast.CreateTrigger, table: TableModel) -> None:
    """`instead of` is for views only."""
    if s.timing == "instead of":
        raise ctx.error("bad-trigger", f"'{table.name}' is a table: `instead of` triggers are"
                        " for views; use `before` or `after`", s.span)
