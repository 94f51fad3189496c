"""Steps for functions and triggers: `function` (CREATE, or CREATE OR REPLACE when one of
the same name and argument types exists), `drop function`, `trigger`, `drop trigger`.

Down reads the model before the change: a replaced function's previous definition, a
dropped function's or trigger's whole definition. A function's body is kept verbatim and
never parsed; it is dollar-quoted with a tag the body does not hold. What drop table, drop
column and rename column do to the triggers of their table is here too (`drop_triggers`,
`refuse_trigger_columns`, `rename_trigger_column`), called from tables.py and alter.py."""

from __future__ import annotations

import re

from ..dsl import ast
from ..dsl.source import Span
from ..runner.locks import ACCESS_EXCLUSIVE, SHARE_ROW_EXCLUSIVE
from .comments import function_comment
from .context import Context, Step
from .function_signature import (
    create_function_sql,
    drop_function_sql,
    function_model,
    function_ref,
)
from .model import DEFAULT_SCHEMA, Key, SchemaModel, TableModel, ViewModel
from .model_routines import DEFAULT_GRANTS, FunctionKey, FunctionModel, TriggerModel
from .quoting import quote_ident, quote_literal
from .registry import step
from .render import table_ref, type_sql
from .security_render import restore_grants_sql
from .statement import Statement, locks
from .view_triggers import table_trigger_check, trigger_relation, view_trigger_events

# ---------------------------------------------------------------- SQL


def create_trigger_sql(table: Key, trigger: TriggerModel) -> str:
    events = " OR ".join(
        kind.upper() + (f" OF {', '.join(quote_ident(c) for c in columns)}" if columns else "")
        for kind, columns in trigger.events)
    when = f" WHEN ({trigger.when})" if trigger.when is not None else ""
    arguments = ", ".join(quote_literal(a) for a in trigger.arguments)
    schema, name, _ = trigger.function
    return (f"CREATE TRIGGER {quote_ident(trigger.name)} {trigger.timing.upper()} {events}"
            f" ON {table_ref(*table)} FOR EACH {trigger.for_each.upper()}{when}"
            f" EXECUTE FUNCTION {table_ref(schema, name)}({arguments})")


def create_trigger_statement(table: Key, trigger: TriggerModel) -> Statement:
    """CREATE TRIGGER takes SHARE ROW EXCLUSIVE on its table: writes wait, reads go on."""
    return Statement(create_trigger_sql(table, trigger), locks((table, SHARE_ROW_EXCLUSIVE)))


def drop_trigger_statement(table: Key, name: str) -> Statement:
    """DROP TRIGGER takes ACCESS EXCLUSIVE on its table."""
    return Statement(f"DROP TRIGGER {quote_ident(name)} ON {table_ref(*table)}",
                     locks((table, ACCESS_EXCLUSIVE)))


def render_functions(model: SchemaModel) -> list[str]:
    return [sql for k in sorted(model.functions) if not model.functions[k].external
            for sql in (create_function_sql(model.functions[k]),
                        *(s.sql for s in function_comment(model.functions[k])))]


def render_triggers(model: SchemaModel) -> list[str]:
    return [create_trigger_sql(table, trigger) for table in sorted(model.triggers)
            for trigger in model.triggers[table].values()]


# ---------------------------------------------------------------- functions


def routine_key(ctx: Context, name: ast.QualifiedName,
                  types: tuple[ast.TypeName, ...]) -> FunctionKey:
    return (name.schema or DEFAULT_SCHEMA, name.name,
            tuple(type_sql(ctx.column_type(t)) for t in types))


def replaced_routine(ctx: Context, key: FunctionKey, procedure: bool,
                     span: Span) -> FunctionModel | None:
    """The function or procedure a `function` or `procedure` statement replaces, if any:
    never an external one, nor one of the other kind (to PostgreSQL, the same routine)."""
    previous = ctx.model.functions.get(key)
    if previous is not None and previous.external:
        raise ctx.external_object(f"function '{describe_routine(key)}' is external", "replace",
                                  span)
    if previous is not None and previous.procedure != procedure:
        was, new = ("procedure", "function") if previous.procedure else ("function",
                                                                       "procedure")
        raise ctx.error("duplicate-name", f"{was} '{describe_routine(key)}' already exists, and"
                        f" a {new} of the same name and argument types would be the same"
                        f" routine to PostgreSQL: drop the {was} first, or name the {new}"
                        " otherwise", span)
    return previous


def describe_routine(key: FunctionKey) -> str:
    return f"{key[1]}({', '.join(key[2])})" if key[0] == DEFAULT_SCHEMA else (
        f"{key[0]}.{key[1]}({', '.join(key[2])})")


def _users(ctx: Context, key: FunctionKey) -> list[str]:
    """What PostgreSQL would not let DROP FUNCTION drop, in words: the triggers that
    execute the function `key`, and the defaults, generated columns, checks and index
    expressions that call a function of its name (read as text: an overload of the same
    name counts too)."""
    found = [f"trigger '{name}' on '{table_ref(*table)}'" for table in sorted(ctx.model.triggers)
             for name, trigger in ctx.model.triggers[table].items() if trigger.function == key]
    call = re.compile(rf'(?<![\w$"]){re.escape(key[1])}\s*\(' if key[0] == DEFAULT_SCHEMA else
                      rf'(?<![\w$"]){re.escape(key[0])}\s*\.\s*{re.escape(key[1])}\s*\(',
                      re.IGNORECASE)

    def calls(sql: str | None) -> bool:
        return sql is not None and call.search(_STRING.sub("''", sql)) is not None

    for table_key in sorted(ctx.model.tables):
        table = ctx.model.tables[table_key]
        for column in table.columns.values():
            if calls(column.default) or calls(column.generated):
                found.append(f"column '{table.name}.{column.name}'")
        found += [f"constraint '{c.name}' of '{table.name}'" for c in table.constraints.values()
                  if calls(c.expression)]
    for index_key in sorted(ctx.model.indexes):
        index = ctx.model.indexes[index_key]
        if any(calls(e.expression) for e in index.elements) or calls(index.where):
            found.append(f"index '{index.name}'")
    return found


def _in_place(before: FunctionModel, after: FunctionModel) -> bool:
    """Can CREATE OR REPLACE turn `before` into `after`? Not when the return type, an
    argument's name or an `out` argument changes, nor when defaults are removed (PostgreSQL
    refuses those)."""
    defaults = sum(a.default is not None for a in before.arguments)

    def signature(function: FunctionModel) -> list[tuple[str, str, str]]:
        return [(a.name, a.mode, a.type) for a in function.arguments]

    return (before.returns == after.returns and signature(before) == signature(after)
            and sum(a.default is not None for a in after.arguments) >= defaults)


@step(ast.CreateFunction)
def create_function(ctx: Context, s: ast.CreateFunction) -> Step:
    ctx.check_qualified(s.name, "function name")
    function = function_model(ctx, s)
    key = function.key
    previous = replaced_routine(ctx, key, False, s.name.span)
    ctx.model.functions[key] = function
    if previous is None:
        return Step([Statement(create_function_sql(function))],
                    [Statement(drop_function_sql(key))], s.span, node=s)
    if _in_place(previous, function):
        up = [Statement(create_function_sql(function, replace=True))]
    else:
        users = _users(ctx, key)
        if users:
            ctx.model.functions[key] = previous
            raise ctx.error("function-in-use", f"function '{describe_routine(key)}' is used by"
                            f" {users[0]}, and this change (of its return type or an"
                            " argument's name, or a default removed) needs DROP FUNCTION,"
                            " which that prevents: drop it first and create it again after",
                            s.span)
        up = [Statement(drop_function_sql(key)), Statement(create_function_sql(function)),
              *_regrant(previous),  # DROP took its grants, which REPLACE keeps
              *function_comment(previous)]  # and its comment
    function.grants = dict(previous.grants)
    function.comment = previous.comment
    if _in_place(function, previous):
        down = [Statement(create_function_sql(previous, replace=True))]
    else:
        down = [Statement(drop_function_sql(key)), Statement(create_function_sql(previous)),
                *_regrant(previous), *function_comment(previous)]
    return Step(up, down, s.span, node=s)


def _regrant(function: FunctionModel) -> list[Statement]:
    """What gives a function just made the grants `function` has (security.py)."""
    return [Statement(sql) for sql in restore_grants_sql(
        f"FUNCTION {function_ref(function.key)}", function.grants, DEFAULT_GRANTS)]


def routine_named(ctx: Context, key: FunctionKey, span: Span) -> FunctionModel:
    function = ctx.model.functions.get(key)
    if function is None:
        overloads = [k for k in ctx.model.functions if k[:2] == key[:2]]
        if overloads:
            known = "; it has " + ", ".join(f"'{describe_routine(k)}'" for k in sorted(overloads))
        else:
            known = ctx.hint(key[1], [k[1] for k in ctx.model.functions])
        raise ctx.error("unknown-function", f"unknown function '{describe_routine(key)}'{known}",
                        span)
    return function


@step(ast.DropFunction)
def drop_function(ctx: Context, s: ast.DropFunction) -> Step:
    key = routine_key(ctx, s.name, s.argument_types)
    function = routine_named(ctx, key, s.name.span)
    if function.external:
        raise ctx.external_object(f"function '{describe_routine(key)}' is external", "drop",
                                  s.name.span)
    if function.procedure:
        raise ctx.error("unknown-function", f"'{describe_routine(key)}' is a procedure: write `drop"
                        " procedure`", s.name.span)
    users = _users(ctx, key)
    if users:
        raise ctx.error("function-in-use", f"function '{describe_routine(key)}' is used by"
                        f" {users[0]}: drop or change that first", s.span)
    del ctx.model.functions[key]
    return Step([Statement(drop_function_sql(key))],
                [Statement(create_function_sql(function)), *_regrant(function),
                 *function_comment(function)], s.span, node=s)


# ---------------------------------------------------------------- triggers


@step(ast.CreateTrigger)
def create_trigger(ctx: Context, s: ast.CreateTrigger) -> Step:
    table = trigger_relation(ctx, s.table, "create a trigger on")
    ctx.check_identifier(s.name.value, s.name.span, "trigger name")
    if s.name.value in ctx.model.triggers.get(table.key, {}):
        raise ctx.error("duplicate-name", f"{_kind(table)} '{table.name}' already has a"
                        f" trigger '{s.name.value}'", s.name.span)
    if isinstance(table, ViewModel):
        events = view_trigger_events(ctx, s, table)
    else:
        table_trigger_check(ctx, s, table)
        if s.for_each == "row" and any(e.kind == "truncate" for e in s.events):
            raise ctx.error("bad-trigger", "a `truncate` trigger fires once per statement:"
                            " write `for each statement`", s.span)
        events = tuple((e.kind, ctx.columns(table, e.columns)) for e in s.events)
    key = (s.function.schema or DEFAULT_SCHEMA, s.function.name, ())
    function = routine_named(ctx, key, s.function.span)
    if function.procedure:
        raise ctx.error("trigger-function", f"'{describe_routine(key)}' is a procedure: a trigger"
                        " executes a function declared `returns trigger`", s.function.span)
    if function.returns != "trigger":
        raise ctx.error("trigger-function", f"function '{describe_routine(key)}' returns"
                        f" {function.returns}, not trigger: a trigger executes a function"
                        " declared `returns trigger`", s.function.span)
    trigger = TriggerModel(s.name.value, s.timing, events, s.for_each, key,
                           s.when.sql.strip() if s.when is not None else None, s.arguments)
    ctx.model.triggers.setdefault(table.key, {})[trigger.name] = trigger
    return Step([create_trigger_statement(table.key, trigger)],
                [drop_trigger_statement(table.key, trigger.name)], s.span, node=s)


@step(ast.DropTrigger)
def drop_trigger(ctx: Context, s: ast.DropTrigger) -> Step:
    table = trigger_relation(ctx, s.table, "drop a trigger of")
    triggers = ctx.model.triggers.get(table.key, {})
    trigger = triggers.get(s.name.value)
    if trigger is None:
        raise ctx.error("unknown-trigger", f"{_kind(table)} '{table.name}' has no trigger"
                        f" '{s.name.value}'{ctx.hint(s.name.value, triggers)}", s.name.span)
    del triggers[trigger.name]
    if not triggers:
        del ctx.model.triggers[table.key]
    return Step([drop_trigger_statement(table.key, trigger.name)],
                [create_trigger_statement(table.key, trigger)], s.span, node=s)


def _kind(relation: TableModel | ViewModel) -> str:
    return "view" if isinstance(relation, ViewModel) else "table"


# ---------------------------------------------------------------- what tables do to them


def drop_triggers(model: SchemaModel, table: TableModel | ViewModel) -> list[Statement]:
    """A dropped table's or view's triggers, out of the model, as the statements that
    recreate them."""
    dropped = model.triggers.pop(table.key, {})
    return [create_trigger_statement(table.key, t) for t in dropped.values()]


def remade_view_triggers(ctx: Context, view: ViewModel, span: Span) -> list[Statement]:
    """The statements that make the triggers of `view` again once DROP and CREATE wrote it
    anew (the model keeps them); a column an `update of` names must still be the view's."""
    triggers = ctx.model.triggers.get(view.key, {})
    for trigger in triggers.values():
        lost = [c for _, columns in trigger.events for c in columns if c not in view.columns]
        if lost:
            raise ctx.error("still-used", f"trigger '{trigger.name}' of view"
                            f" '{table_ref(*view.key)}' fires on `update of {lost[0]}`, a"
                            " column the new query does not return: drop the trigger first",
                            span)
    return [create_trigger_statement(view.key, t) for t in triggers.values()]


_STRING = re.compile(r"('(?:[^']|'')*')")


def _row_column(column: str) -> re.Pattern[str]:
    """`new.column` or `old.column` (the column bare or in double quotes) in a trigger's
    `when`: the only way it names a column."""
    bare = re.escape(column)
    quoted = re.escape(column.replace('"', '""'))
    return re.compile(rf'(?<![\w$".])((?:new|old)\s*\.\s*)(?:{bare}(?![\w$"])|"{quoted}")',
                      re.IGNORECASE if column == column.lower() else 0)


def _names_column(when: str | None, column: str) -> bool:
    if not when:
        return False
    return _row_column(column).search(_STRING.sub("''", when)) is not None


def _rename_in_when(when: str | None, old: str, new: str) -> str | None:
    if not when:
        return when
    pattern, written = _row_column(old), quote_ident(new)
    parts = _STRING.split(when)
    return "".join(p if p.startswith("'") else pattern.sub(
        lambda m: m.group(1) + written, p) for p in parts)


def trigger_using_column(model: SchemaModel, table: TableModel, column: str) -> str | None:
    """The first trigger of `table` whose `update of` or `when` names `column`."""
    for trigger in model.triggers.get(table.key, {}).values():
        if any(column in columns for _, columns in trigger.events) or _names_column(
                trigger.when, column):
            return trigger.name
    return None


def rename_trigger_column(model: SchemaModel, table: TableModel, old: str, new: str) -> None:
    """A renamed column, followed by the triggers of its table (PostgreSQL keeps them by
    column number)."""
    for trigger in model.triggers.get(table.key, {}).values():
        trigger.events = tuple((kind, tuple(new if c == old else c for c in columns))
                               for kind, columns in trigger.events)
        trigger.when = _rename_in_when(trigger.when, old, new)
