"""Steps for views and materialized views: create, replace, drop, refresh.

The model keeps each view's query as written, so that Down restores a replaced or dropped
view without the author copying its text, and what the query reads (view_query.py), so
that dropping, retyping or renaming what a view reads is refused, naming the view.
"""

from __future__ import annotations

from ..dsl import ast
from ..dsl.source import Span
from ..runner.locks import ACCESS_EXCLUSIVE, EXCLUSIVE
from .context import Context, Step, StepError
from .model import ColumnModel, ColumnType, Key, TableModel, ViewModel
from .recreate import recreate_index
from .registry import step
from .render import comment_sql, table_ref
from .routines import drop_triggers, remade_view_triggers
from .security_render import restore_grants_sql
from .statement import Statement, comment_on, lock
from .view_check import refuse_check_option
from .view_query import read_query, span_in


def create_view_sql(view: ViewModel) -> str:
    ref = table_ref(view.schema, view.name)
    if not view.materialized:
        settings = ", ".join(f"{name}={value}" for name, value in sorted(view.options.items())
                             if name != "check_option")
        check = view.options.get("check_option")
        with_ = f" WITH ({settings})" if settings else ""
        tail = f"\nWITH {check.upper()} CHECK OPTION" if check else ""
        return f"CREATE VIEW {ref}{with_} AS\n{view.query}{tail}"
    data = "" if view.populated else "\nWITH NO DATA"
    return f"CREATE MATERIALIZED VIEW {ref} AS\n{view.query}{data}"


def view_sql(view: ViewModel) -> list[str]:
    """The view as schema.sql makes it: CREATE, and COMMENT when it has one."""
    made = [create_view_sql(view)]
    if view.comment is not None:
        made.append(comment_sql(view.kind, table_ref(*view.key), view.comment))
    return made


def drop_view_sql(view: ViewModel) -> str:
    return f"DROP {view.kind.upper()} {table_ref(view.schema, view.name)}"


def _create(view: ViewModel) -> Statement:
    # What it reads is locked ACCESS SHARE only (a materialized view's query runs under it);
    # the new relation itself, as a new table, nobody else can see yet.
    return Statement(create_view_sql(view), (),
                     "scan" if view.materialized and view.populated else "catalog")


def make_view(view: ViewModel) -> list[Statement]:
    """CREATE, and the COMMENT and GRANTs that DROP and CREATE would otherwise lose."""
    regrant = [Statement(sql) for sql in restore_grants_sql(f"TABLE {table_ref(*view.key)}",
                                                            view.grants)]
    if view.comment is None:
        return [_create(view), *regrant]
    return [_create(view), comment_on(view.key, comment_sql(view.kind, table_ref(*view.key),
                                                            view.comment)), *regrant]


def _drop(view: ViewModel) -> Statement:
    return Statement(drop_view_sql(view), (lock(view.key, ACCESS_EXCLUSIVE),))


def _query_text(query: str) -> str:
    """The query as written, from its first line that holds something (indented as written:
    only whitespace outside strings is left out) to its end, without a final `;`."""
    lines = query.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    text = "\n".join(lines).rstrip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def refuse_if_read(ctx: Context, key: Key, column: str | None, change: str,
                   span: Span) -> None:
    """The error for `change` (drop, retype, rename) of relation `key` (or of its column)
    while a view reads it."""
    readers = ctx.model.views_reading(key, column)
    if not readers:
        return
    view = readers[0]
    what = f"column '{key[1]}.{column}'" if column is not None else (
        f"{'view' if key in ctx.model.views else 'table'} '{key[1]}'")
    follow = (" (PostgreSQL would follow the rename inside the view, and the query pgshift"
              " keeps to restore it would no longer match)" if change == "rename" else "")
    raise ctx.error("view-depends", f"{what} is read by {view.kind}"
                    f" '{table_ref(*view.key)}': cannot {change} it{follow}; drop the view"
                    " first and create it again afterwards", span)


def _view(ctx: Context, name: ast.QualifiedName, materialized: bool | None,
          verb: str) -> ViewModel:
    view = ctx.model.views.get(ctx.key(name))
    if view is None:
        kinds = "materialized view" if materialized else "view"
        hint = ctx.hint(name.name, [v.name for v in ctx.model.views.values()])
        raise ctx.error("unknown-view", f"unknown {kinds} '{name}'{hint}", name.span)
    if materialized is not None and view.materialized != materialized:
        written = "drop materialized view" if view.materialized else "drop view"
        raise ctx.error("unknown-view", f"'{name}' is a {view.kind}, not a"
                        f" {'materialized view' if materialized else 'view'}: write"
                        f" `{written if verb == 'drop' else verb}`", name.span)
    return view


@step(ast.CreateView)
def create_view(ctx: Context, s: ast.CreateView) -> Step:
    key = ctx.key(s.name)
    ctx.check_qualified(s.name, "view name")
    previous = ctx.model.views.get(key)
    if (previous is None and ctx.model.relation_taken(*key)) or (previous is not None and (
            previous.materialized or s.materialized)):
        more = (": a materialized view is replaced by `drop materialized view` first" if
                previous is not None else " (tables, views, indexes and sequences share one"
                " namespace)")
        raise ctx.error("duplicate-name", f"'{s.name}' already exists{more}", s.name.span)
    query = _query_text(s.query)
    block = s.query_span or s.span
    found = read_query(s.query, ctx.model)  # as written: positions are the file's
    for problem in found.problems:
        where = span_in(block, s.query, problem.offset, problem.length)
        if problem.code == "unknown-table":
            ctx.report("unknown-table", problem.message, where)
        elif problem.code == "unknown-column":
            ctx.report("unknown-column", problem.message, where)
        else:
            ctx.report("view-query", problem.message, where)
    if found.problems:
        raise StepError(found.problems[0].message)
    view = ViewModel(*key, query, s.materialized, s.with_data,
                     {k: frozenset(v) for k, v in found.reads.items()}, dict(found.columns),
                     dict(s.options))
    if previous is not None:  # what the statement does not say survives writing it again
        view.options = dict(sorted({**previous.options, **view.options}.items()))
        view.comment = previous.comment
        view.grants = dict(previous.grants)
    refuse_check_option(ctx, view, s.query, s.name.span)
    if previous is None:
        ctx.model.views[key] = view
        if view.materialized:  # for the lint: no application has read it yet
            ctx.created_tables.add(key)
        return Step([_create(view)], [_drop(view)], s.span, node=s)
    # Replacing: CREATE OR REPLACE VIEW may only add columns at the end, and pgshift does not
    # know the columns a query returns; DROP and CREATE does any change, in one transaction.
    refuse_if_read(ctx, key, None, "replace", s.name.span)
    triggers = remade_view_triggers(ctx, view, s.span)  # DROP takes them along
    del ctx.model.views[key]  # made again last: it may now read views made after it
    ctx.model.views[key] = view
    return Step([_drop(previous), *make_view(view), *triggers],
                [_drop(view), *make_view(previous), *triggers], s.span, node=s)


@step(ast.DropView)
def drop_view(ctx: Context, s: ast.DropView) -> Step:
    view = _view(ctx, s.name, s.materialized, "drop")
    refuse_if_read(ctx, view.key, None, "drop", s.name.span)
    down = make_view(view)
    for index in ctx.model.indexes_of(view.key):  # DROP takes them along
        down += recreate_index(index)
        ctx.model.detach_index(index)
    down += drop_triggers(ctx.model, view)  # and the triggers
    del ctx.model.views[view.key]
    return Step([_drop(view)], down, s.span, node=s)


def indexed_relation(ctx: Context, name: ast.QualifiedName) -> TableModel:
    """What `index … on NAME` indexes: a table, or a materialized view, seen as a table of
    the columns its query returns (a table column's type where it returns one as it is)."""
    view = ctx.model.views.get(ctx.key(name))
    if view is None:
        return ctx.table(name, "index")
    if not view.materialized:
        raise ctx.error("view-index", f"'{name}' is a view, which holds no rows to index:"
                        " index the tables it reads, or make it a materialized view",
                        name.span)
    columns = {column: ColumnModel(column, kind or ColumnType("unknown"))
               for column, kind in view.columns.items()}
    return TableModel(view.schema, view.name, columns)


@step(ast.RefreshView)
def refresh_view(ctx: Context, s: ast.RefreshView) -> Step:
    view = _view(ctx, s.name, True, "refresh materialized view")
    ref = table_ref(*view.key)
    if s.concurrently and not view.populated:
        raise ctx.error("refresh-concurrently", f"materialized view '{s.name}' is not"
                        " populated (made `with no data`): PostgreSQL refreshes only a populated"
                        " one concurrently; refresh it once without `concurrently`", s.span)
    if s.concurrently and not any(
            index.unique and index.where is None and all(e.column for e in index.elements)
            for index in ctx.model.indexes_of(view.key)):
        raise ctx.error("refresh-concurrently", "`concurrently` needs a unique index on"
                        f" materialized view '{s.name}' on columns only (no expression, no"
                        " `where`): add one, or refresh without `concurrently`", s.span)
    was = view.populated
    view.populated = True
    # CONCURRENTLY takes EXCLUSIVE: reads go on while it compares and updates the rows.
    up = Statement(f"REFRESH MATERIALIZED VIEW{' CONCURRENTLY' if s.concurrently else ''}"
                   f" {ref}", (lock(view.key, EXCLUSIVE if s.concurrently else ACCESS_EXCLUSIVE),),
                   "scan" if s.concurrently else "rewrite")
    down = [] if was else [Statement(f"REFRESH MATERIALIZED VIEW {ref} WITH NO DATA",
                                     (lock(view.key, ACCESS_EXCLUSIVE),), "rewrite")]
    return Step([up], down, s.span, node=s)

