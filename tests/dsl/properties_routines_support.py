"""Generators for what a function's signature and options hold beyond names and types:
argument modes, `parallel`, `set`; `external function`; procedures; called from
properties_objects_support.routine and .external, summarised by
properties_summary_support."""

from __future__ import annotations

from collections.abc import Callable

from tests.dsl.properties_support import (
    FREE,
    PLAIN_WORDS,
    Summary,
    Writer,
    distinct_names,
    idents,
    name,
    qname,
    string_literal,
    triple,
)

# Words that open an argument as its mode: an argument's name spelled like one is quoted.
ARGUMENT_RESERVED = frozenset({"in", "out", "inout", "variadic"})


def argument_mode(w: Writer, variadic: bool) -> str:
    """The mode of an argument (written or not: `in` is the default); `variadic` only when
    the caller allows it (the last input argument, of an array type)."""
    modes = ["in", "out", "inout", *(["variadic"] if variadic else [])]
    mode = w.pick(modes)
    if mode != "in" or w.flag():
        w.kw(mode)
    return mode


def options(w: Writer) -> list[str]:
    """Which of `parallel` and `set` the function gives (in the options' turn)."""
    return [kind for kind in ("parallel", "set") if w.flag()]


def parallel(w: Writer) -> str:
    safety = w.pick(["safe", "restricted", "unsafe"])
    w.kw("parallel", safety)
    return safety


def settings(w: Writer) -> tuple[Summary, ...]:
    """One or two `set NAME = value, …` (or `to`) of different names."""
    made: list[Summary] = []
    seen: set[str] = set()
    for _ in range(w.int(1, 2)):
        w.kw("set")
        parts = [w.draw(idents(FREE)) for _ in range(w.int(1, 2))]
        if ".".join(p.value for p in parts).lower() in seen:  # twice is an error of its own
            parts = [w.draw(idents(FREE).filter(lambda i: i.value.lower() not in seen))]
        for i, part in enumerate(parts):
            if i:
                w.tok(".")
            w.tok(part.text)
        setting = ".".join(p.value for p in parts)
        seen.add(setting.lower())
        if w.flag():
            w.tok("=")
        else:
            w.kw("to")
        values: list[Summary] = []
        for i in range(w.int(1, 2)):
            if i:
                w.tok(",")
            kind = w.pick(["name", "string", "number"])
            if kind == "string":
                values.append(("string", string_literal(w)))
            elif kind == "number":
                number = str(w.int(0, 999))
                w.tok(number)
                values.append(("number", number))
            else:
                word = w.pick(PLAIN_WORDS)
                w.tok(word)
                values.append(("name", word.lower()))
        made.append((setting, tuple(values)))
    return tuple(made)


def external_function(w: Writer, routine_type: Callable[[Writer], Summary]) -> Summary:
    """`function NAME (types) returns [setof] T` after `external` (`routine_type` writes a
    signature's type)."""
    w.kw("function")
    declared = qname(w)
    w.tok("(")
    types = []
    for i in range(w.int(0, 2)):
        if i:
            w.tok(",")
        types.append(routine_type(w))
    w.tok(")")
    w.kw("returns")
    setof = w.flag()
    if setof:
        w.kw("setof")
    return ("external", ("function", declared, tuple(types), routine_type(w), setof))


def procedure(w: Writer, routine_type: Callable[[Writer], tuple[str, int]]) -> Summary:
    """`procedure NAME ([mode] arg TYPE, …) options as \"\"\"…\"\"\"` (no `out` argument: a
    procedure's mode that the compiler refuses, not the parser), or `drop procedure NAME
    (types)`."""
    if w.flag():
        w.kw("drop", "procedure")
        dropped = qname(w)
        w.tok("(")
        types = []
        for i in range(w.int(0, 2)):
            if i:
                w.tok(",")
            types.append(routine_type(w))
        w.tok(")")
        return ("drop procedure", dropped, tuple(types))
    w.kw("procedure")
    made = qname(w)
    w.tok("(")
    arguments: list[Summary] = []
    names = distinct_names(w, w.int(0, 2), ARGUMENT_RESERVED)
    for i, argument in enumerate(names):
        if i:
            w.tok(",")
        mode = argument_mode(w, variadic=i == len(names) - 1)
        w.tok(argument.text)
        spelled, bounds = routine_type(w)
        if mode == "variadic" and not bounds:
            w.tok("[")
            w.tok("]")
            bounds = 1
        arguments.append((mode, argument.value, spelled, bounds))
    w.tok(")")
    kinds = ["language", *(k for k in ("security", "set") if w.flag())]
    turn = w.int(0, len(kinds) - 1)
    language = None
    definer = False
    made_settings: tuple[Summary, ...] = ()
    for kind in kinds[turn:] + kinds[:turn]:
        if kind == "language":
            w.kw("language")
            language = name(w, FREE)
        elif kind == "security":
            definer = w.flag()
            w.kw("security", "definer" if definer else "invoker")
        else:
            made_settings = settings(w)
    w.kw("as")
    return ("procedure", made, tuple(arguments), language, definer, made_settings,
            triple(w, nonblank=False))
