"""A function or procedure as written, into its model, and its SQL: the signature's
argument modes and defaults checked as PostgreSQL checks them (so that `up` does not fail
on them), the options (`parallel`, `set`), and CREATE and DROP FUNCTION (or PROCEDURE).

PostgreSQL knows a function by its input arguments' types (`in`, `inout`, `variadic`):
`out` arguments are what it returns, named in RETURNS' row, and left out of DROP
FUNCTION's signature, which is the model's key."""

from __future__ import annotations

from ..dsl import ast
from .context import Context
from .model import DEFAULT_SCHEMA
from .model_routines import ArgumentModel, FunctionKey, FunctionModel
from .quoting import quote_ident, quote_literal
from .render import table_ref, type_sql

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


def _argument_sql(argument: ArgumentModel) -> str:
    mode = "" if argument.mode == "in" else f"{argument.mode.upper()} "
    default = f" DEFAULT {argument.default}" if argument.default else ""
    return f"{mode}{quote_ident(argument.name)} {argument.type}{default}"


def create_function_sql(function: FunctionModel, replace: bool = False) -> str:
    """CREATE [OR REPLACE] FUNCTION, or PROCEDURE (which returns nothing)."""
    arguments = ", ".join(_argument_sql(a) for a in function.arguments)
    kind = "PROCEDURE" if function.procedure else "FUNCTION"
    head = f"CREATE OR REPLACE {kind}" if replace else f"CREATE {kind}"
    returns = "" if function.procedure else f" RETURNS {function.returns}"
    options = [f"LANGUAGE {quote_ident(function.language)}"]
    if function.volatility is not None:
        options.append(function.volatility.upper())
    if function.strict:
        options.append("STRICT")
    if function.security_definer:
        options.append("SECURITY DEFINER")
    if function.parallel is not None:
        options.append(f"PARALLEL {function.parallel.upper()}")
    options += [f"SET {name} = {value}" for name, value in function.settings]
    return (f"{head} {table_ref(function.schema, function.name)}({arguments}){returns}"
            f" {' '.join(options)} AS {dollar_quoted(function.body)}")


def drop_function_sql(key: FunctionKey, procedure: bool = False) -> str:
    return f"DROP {'PROCEDURE' if procedure else 'FUNCTION'} {function_ref(key)}"


def _setting_sql(setting: ast.FunctionSetting) -> tuple[str, str]:
    """(name, value) of `SET name = value`: a name as an identifier, a string as a literal,
    a number or a boolean as written (PostgreSQL reads `public` and `'public'` alike)."""
    values = [quote_ident(v.value) if isinstance(v, ast.Name) else
              quote_literal(v.value) if v.kind == "string" else str(v.value)
              for v in setting.values]
    name = ".".join(quote_ident(part) for part in setting.name.split("."))
    return name, ", ".join(values)


# ---------------------------------------------------------------- the model


def _returns_sql(ctx: Context, s: ast.CreateFunction) -> str:
    if s.returns is None:
        columns = ", ".join(f"{quote_ident(c.name.value)} {type_sql(ctx.column_type(c.type))}"
                            for c in s.returns_table)
        return f"TABLE({columns})"
    returned = type_sql(ctx.column_type(s.returns))
    return f"SETOF {returned}" if s.setof else returned


def _arguments(ctx: Context, written: tuple[ast.FunctionArgument, ...]
               ) -> tuple[ArgumentModel, ...]:
    arguments = tuple(ArgumentModel(a.name.value, type_sql(ctx.column_type(a.type)),
                                    ctx.expression_sql(a.default) if a.default else None,
                                    a.mode)
                      for a in written)
    for argument in written:
        ctx.check_identifier(argument.name.value, argument.name.span, "argument name")
    _check_modes(ctx, written, arguments)
    return arguments


def procedure_model(ctx: Context, s: ast.CreateProcedure) -> FunctionModel:
    """The procedure `s` declares: no `out` argument (what it gives back are its `inout`
    ones), which keeps its identity its input types, as a function's is."""
    for written in s.arguments:
        if written.mode == "out":
            raise ctx.error("function-signature", f"argument '{written.name.value}' is `out`:"
                            " a procedure gives values back through `inout` arguments, which"
                            " `call` passes and reads back", written.span)
    language = s.language.value if s.language is not None else "sql"
    return FunctionModel(s.name.schema or DEFAULT_SCHEMA, s.name.name,
                         _arguments(ctx, s.arguments), "", language, s.body,
                         security_definer=s.security_definer,
                         settings=tuple(_setting_sql(setting) for setting in s.settings),
                         procedure=True)


def function_model(ctx: Context, s: ast.CreateFunction) -> FunctionModel:
    """The function `s` declares, once its signature is one PostgreSQL takes."""
    arguments = _arguments(ctx, s.arguments)
    if s.returns is not None and s.returns.name == "trigger" and s.arguments:
        raise ctx.error("trigger-function", "a function that returns trigger takes no"
                        " arguments: a trigger passes it strings, `execute function"
                        " f('a', 'b')`, which it reads as TG_ARGV", s.arguments[0].span)
    returns = _returns_sql(ctx, s)
    _check_returns(ctx, s, arguments, returns)
    language = s.language.value if s.language is not None else "sql"
    return FunctionModel(s.name.schema or DEFAULT_SCHEMA, s.name.name, arguments, returns,
                         language, s.body, s.volatility, s.strict, s.security_definer,
                         parallel=s.parallel,
                         settings=tuple(_setting_sql(setting) for setting in s.settings))


def _check_modes(ctx: Context, arguments_written: tuple[ast.FunctionArgument, ...],
                 arguments: tuple[ArgumentModel, ...]) -> None:
    """What PostgreSQL refuses in a signature with modes: a default on an `out` argument,
    `variadic` that is not the last input or not an array."""
    inputs = [written for written in arguments_written if written.mode != "out"]
    for written, argument in zip(arguments_written, arguments, strict=True):
        if written.mode == "out" and written.default is not None:
            raise ctx.error("function-signature", f"argument '{argument.name}' is `out`: only"
                            " an input argument takes a default", written.span)
        if written.mode == "variadic" and written is not inputs[-1]:
            raise ctx.error("function-signature", f"argument '{argument.name}' is `variadic`:"
                            " it must be the last input argument (only `out` ones may follow)",
                            written.span)
        if written.mode == "variadic" and not written.type.array_bounds:
            raise ctx.error("function-signature", f"argument '{argument.name}' is `variadic`:"
                            " its type is an array of what each passed value is, such as"
                            f" `{argument.type}[]`", written.type.span)


def _check_returns(ctx: Context, s: ast.CreateFunction, arguments: tuple[ArgumentModel, ...],
                   returns: str) -> None:
    """A `returns` that is the row the `out` and `inout` arguments make."""
    outputs = [a for a in arguments if a.mode in ("out", "inout")]
    if not outputs:
        return
    if s.returns is None:
        raise ctx.error("function-signature", "a function that `returns table (…)` has no"
                        " `out` or `inout` arguments: its table's columns are what it returns",
                        s.span)
    expected = "record" if len(outputs) > 1 else outputs[0].type
    written_returns = returns.removeprefix("SETOF ")
    if written_returns != expected:
        why = ("its `out` and `inout` arguments make a row" if len(outputs) > 1 else
               f"its one `{outputs[0].mode}` argument '{outputs[0].name}' is what it returns")
        raise ctx.error("function-signature", f"this function returns {written_returns}, but"
                        f" {why}: write `returns {'setof ' if s.setof else ''}{expected}`",
                        s.returns.span)
