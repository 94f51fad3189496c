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
from .context import Context, Step
from .model import DEFAULT_SCHEMA, Key, SchemaModel, TableModel
from .model_routines import ArgumentModel, FunctionKey, FunctionModel, TriggerModel
from .quoting import quote_ident, quote_literal
from .registry import step
from .render import table_ref, type_sql
from .statement import Statement, locks

# ---------------------------------------------------------------- SQL


def function_ref(key: FunctionKey) -> str:
    """`name(integer, text)`: how DROP FUNCTION names one of its overloads."""
    return f"{table_ref(key[0], key[1])}({', '.join(key[2])})"


def dollar_quoted(body: str, tag: str = "function") -> str:
    """The body between `$tag$` quotes, the tag numbered until the body does not hold it."""
    chosen, number = f"${tag}$", 0
    while chosen in body:
        number += 1
        chosen = f"${tag}_{number}$"
    return f"{chosen}{body}{chosen}"


def create_function_sql(function: FunctionModel, replace: bool = False) -> str:
    arguments = ", ".join(
        f"{quote_ident(a.name)} {a.type}" + (f" DEFAULT {a.default}" if a.default else "")
        for a in function.arguments)
    head = "CREATE OR REPLACE FUNCTION" if replace else "CREATE FUNCTION"
    options = [f"LANGUAGE {quote_ident(function.language)}"]
    if function.volatility is not None:
        options.append(function.volatility.upper())
    if function.strict:
        options.append("STRICT")
    if function.security_definer:
        options.append("SECURITY DEFINER")
    return (f"{head} {table_ref(function.schema, function.name)}({arguments})"
            f" RETURNS {function.returns} {' '.join(options)} AS {dollar_quoted(function.body)}")


def drop_function_sql(key: FunctionKey) -> str:
    return f"DROP FUNCTION {function_ref(key)}"


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
    return [create_function_sql(model.functions[k]) for k in sorted(model.functions)]


def render_triggers(model: SchemaModel) -> list[str]:
    return [create_trigger_sql(table, trigger) for table in sorted(model.triggers)
            for trigger in model.triggers[table].values()]


# ---------------------------------------------------------------- functions


def _function_key(ctx: Context, name: ast.QualifiedName,
                  types: tuple[ast.TypeName, ...]) -> FunctionKey:
    return (name.schema or DEFAULT_SCHEMA, name.name,
            tuple(type_sql(ctx.column_type(t)) for t in types))


def _describe(key: FunctionKey) -> str:
    return f"{key[1]}({', '.join(key[2])})" if key[0] == DEFAULT_SCHEMA else (
        f"{key[0]}.{key[1]}({', '.join(key[2])})")


def _returns_sql(ctx: Context, s: ast.CreateFunction) -> str:
    if s.returns is None:
        columns = ", ".join(f"{quote_ident(c.name.value)} {type_sql(ctx.column_type(c.type))}"
                            for c in s.returns_table)
        return f"TABLE({columns})"
    returned = type_sql(ctx.column_type(s.returns))
    return f"SETOF {returned}" if s.setof else returned


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
    """Can CREATE OR REPLACE turn `before` into `after`? Not when the return type or an
    argument's name changes, nor when defaults are removed (PostgreSQL refuses those)."""
    defaults = sum(a.default is not None for a in before.arguments)
    return (before.returns == after.returns
            and [a.name for a in before.arguments] == [a.name for a in after.arguments]
            and sum(a.default is not None for a in after.arguments) >= defaults)


@step(ast.CreateFunction)
def create_function(ctx: Context, s: ast.CreateFunction) -> Step:
    ctx.check_qualified(s.name, "function name")
    arguments = tuple(ArgumentModel(a.name.value, type_sql(ctx.column_type(a.type)),
                                    ctx.expression_sql(a.default) if a.default else None)
                      for a in s.arguments)
    for argument in s.arguments:
        ctx.check_identifier(argument.name.value, argument.name.span, "argument name")
    if s.returns is not None and s.returns.name == "trigger" and s.arguments:
        raise ctx.error("trigger-function", "a function that returns trigger takes no"
                        " arguments: a trigger passes it strings, `execute function"
                        " f('a', 'b')`, which it reads as TG_ARGV", s.arguments[0].span)
    language = s.language.value if s.language is not None else "sql"
    function = FunctionModel(s.name.schema or DEFAULT_SCHEMA, s.name.name, arguments,
                             _returns_sql(ctx, s), language, s.body, s.volatility, s.strict,
                             s.security_definer)
    key = function.key
    previous = ctx.model.functions.get(key)
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
            raise ctx.error("function-in-use", f"function '{_describe(key)}' is used by"
                            f" {users[0]}, and this change (of its return type or an"
                            " argument's name, or a default removed) needs DROP FUNCTION,"
                            " which that prevents: drop it first and create it again after",
                            s.span)
        up = [Statement(drop_function_sql(key)), Statement(create_function_sql(function))]
    if _in_place(function, previous):
        down = [Statement(create_function_sql(previous, replace=True))]
    else:
        down = [Statement(drop_function_sql(key)), Statement(create_function_sql(previous))]
    return Step(up, down, s.span, node=s)


def _function(ctx: Context, key: FunctionKey, span: Span) -> FunctionModel:
    function = ctx.model.functions.get(key)
    if function is None:
        overloads = [k for k in ctx.model.functions if k[:2] == key[:2]]
        if overloads:
            known = "; it has " + ", ".join(f"'{_describe(k)}'" for k in sorted(overloads))
        else:
            known = ctx.hint(key[1], [k[1] for k in ctx.model.functions])
        raise ctx.error("unknown-function", f"unknown function '{_describe(key)}'{known}", span)
    return function


@step(ast.DropFunction)
def drop_function(ctx: Context, s: ast.DropFunction) -> Step:
    key = _function_key(ctx, s.name, s.argument_types)
    function = _function(ctx, key, s.name.span)
    users = _users(ctx, key)
    if users:
        raise ctx.error("function-in-use", f"function '{_describe(key)}' is used by"
                        f" {users[0]}: drop or change that first", s.span)
    del ctx.model.functions[key]
    return Step([Statement(drop_function_sql(key))],
                [Statement(create_function_sql(function))], s.span, node=s)


# ---------------------------------------------------------------- triggers


@step(ast.CreateTrigger)
def create_trigger(ctx: Context, s: ast.CreateTrigger) -> Step:
    table = ctx.table(s.table, "create a trigger on")
    ctx.check_identifier(s.name.value, s.name.span, "trigger name")
    if s.name.value in ctx.model.triggers.get(table.key, {}):
        raise ctx.error("duplicate-name", f"table '{table.name}' already has a trigger"
                        f" '{s.name.value}'", s.name.span)
    if s.timing == "instead of":
        raise ctx.error("bad-trigger", f"'{table.name}' is a table: `instead of` triggers are"
                        " for views; use `before` or `after`", s.span)
    if s.for_each == "row" and any(e.kind == "truncate" for e in s.events):
        raise ctx.error("bad-trigger", "a `truncate` trigger fires once per statement: write"
                        " `for each statement`", s.span)
    events = tuple((e.kind, ctx.columns(table, e.columns)) for e in s.events)
    key = (s.function.schema or DEFAULT_SCHEMA, s.function.name, ())
    function = _function(ctx, key, s.function.span)
    if function.returns != "trigger":
        raise ctx.error("trigger-function", f"function '{_describe(key)}' returns"
                        f" {function.returns}, not trigger: a trigger executes a function"
                        " declared `returns trigger`", s.function.span)
    trigger = TriggerModel(s.name.value, s.timing, events, s.for_each, key,
                           s.when.sql.strip() if s.when is not None else None, s.arguments)
    ctx.model.triggers.setdefault(table.key, {})[trigger.name] = trigger
    return Step([create_trigger_statement(table.key, trigger)],
                [drop_trigger_statement(table.key, trigger.name)], s.span, node=s)


@step(ast.DropTrigger)
def drop_trigger(ctx: Context, s: ast.DropTrigger) -> Step:
    table = ctx.table(s.table, "drop a trigger of")
    triggers = ctx.model.triggers.get(table.key, {})
    trigger = triggers.get(s.name.value)
    if trigger is None:
        raise ctx.error("unknown-trigger", f"table '{table.name}' has no trigger"
                        f" '{s.name.value}'{ctx.hint(s.name.value, triggers)}", s.name.span)
    del triggers[trigger.name]
    if not triggers:
        del ctx.model.triggers[table.key]
    return Step([drop_trigger_statement(table.key, trigger.name)],
                [create_trigger_statement(table.key, trigger)], s.span, node=s)


# ---------------------------------------------------------------- what tables do to them


def drop_triggers(model: SchemaModel, table: TableModel) -> list[Statement]:
    """A dropped table's triggers, out of the model, as the statements that recreate them."""
    dropped = model.triggers.pop(table.key, {})
    return [create_trigger_statement(table.key, t) for t in dropped.values()]


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
