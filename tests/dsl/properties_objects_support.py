"""Generators for the statements beyond tables and indexes: enums, external declarations,
policies and grants, sequences, functions and triggers (views: properties_views_support.py). What
`programs()` (properties_programs_support.py) mixes into the valid texts it writes.
"""

from __future__ import annotations

from tests.dsl.properties_routines_support import (
    ARGUMENT_RESERVED,
    argument_mode,
    external_function,
    parallel,
    procedure,
)
from tests.dsl.properties_routines_support import options as routine_options
from tests.dsl.properties_routines_support import settings as routine_settings
from tests.dsl.properties_support import (
    FREE,
    QUOTED,
    QName,
    Summary,
    Writer,
    backtick,
    distinct_names,
    idents,
    name,
    qname,
    quote,
    string_literal,
    triple,
)
from tests.dsl.properties_tables_support import create_table

PLAIN_LABELS = idents(FREE).filter(lambda i: not i.text.startswith('"'))


def enum_label(w: Writer) -> str:
    """A label: a 'string', a "quoted" name (both unescaped), or a plain word (as written)."""
    kind = w.pick(["string", "quoted", "plain"])
    if kind == "string":
        return string_literal(w)
    if kind == "plain":
        word = w.draw(PLAIN_LABELS).text
        w.tok(word)
        return word
    label = w.draw(QUOTED)
    w.tok(quote(label))
    return label


def create_enum(w: Writer) -> Summary:
    w.kw("enum")
    enum = qname(w)
    w.tok("(")
    labels: list[str] = []
    for _ in range(w.int(1, 4)):
        mark, last = len(w.parts), w.last
        if labels:
            w.tok(",")
        label = enum_label(w)
        if label in labels:  # a repeated label is an error: take it back
            del w.parts[mark:]
            w.last = last
        else:
            labels.append(label)
    if w.flag():
        w.tok(",")
    w.tok(")")
    return ("enum", enum, tuple(labels))


def alter_enum(w: Writer) -> Summary:
    w.kw("alter", "enum")
    enum = qname(w)
    if w.flag():
        w.kw("rename", "value")
        old = enum_label(w)
        w.kw("to")
        return ("rename value", enum, old, enum_label(w))
    w.kw("add", "value")
    label = enum_label(w)
    position = w.pick([None, "before", "after"])
    neighbor = None
    if position:
        w.kw(position)
        neighbor = enum_label(w)
    return ("add value", enum, label, position, neighbor)


def external(w: Writer) -> Summary:
    """`external` before a schema, table or enum as their statements write them, or a type."""
    w.kw("external")
    kind = w.pick(["schema", "table", "enum", "type", "role", "function"])
    if kind == "function":
        return external_function(w, routine_type)
    if kind == "table":
        return ("external", create_table(w))
    if kind == "enum":
        return ("external", create_enum(w))
    w.kw(kind)
    return ("external", (kind, name(w, FREE) if kind in ("schema", "role") else qname(w)))


def policy(w: Writer) -> Summary:
    """`policy NAME on TABLE` with any of its clauses, or `drop policy NAME on TABLE`."""
    if w.flag():
        w.kw("drop", "policy")
        dropped = name(w, FREE)
        w.kw("on")
        return ("drop policy", dropped, qname(w))
    if w.flag():
        return alter_policy(w)
    w.kw("policy")
    made = name(w, FREE)
    w.kw("on")
    table = qname(w)
    restrictive = False
    if w.flag():
        restrictive = w.flag()
        w.kw("as", "restrictive" if restrictive else "permissive")
    command = "all"
    if w.flag():
        command = w.pick(["all", "select", "insert", "update", "delete"])
        w.kw("for", command)
    roles: list[str] = []
    if w.flag():
        w.kw("to")
        roles.append(name(w, FREE))
        for _ in range(w.int(0, 2)):
            w.tok(",")
            roles.append(name(w, FREE))
    using = check = None
    if w.flag():
        w.kw("using")
        using = backtick(w)
    if w.flag():
        w.kw("with", "check")
        check = backtick(w)
    return ("policy", made, table, restrictive, command, tuple(roles), using, check)


def alter_policy(w: Writer) -> Summary:
    """`alter policy NAME on TABLE` with one of its clauses at least."""
    w.kw("alter", "policy")
    altered = name(w, FREE)
    w.kw("on")
    table = qname(w)
    wanted = [w.flag() for _ in range(4)]
    if not any(wanted):
        wanted[0] = True
    renamed = using = check = None
    roles: list[str] | None = None
    if wanted[0]:
        w.kw("rename", "to")
        renamed = name(w, FREE)
    if wanted[1]:
        w.kw("to")
        roles = [name(w, FREE)]
        for _ in range(w.int(0, 2)):
            w.tok(",")
            roles.append(name(w, FREE))
    if wanted[2]:
        w.kw("using")
        using = backtick(w)
    if wanted[3]:
        w.kw("with", "check")
        check = backtick(w)
    return ("alter policy", altered, table, renamed, roles and tuple(roles), using, check)


def sequence(w: Writer) -> Summary:
    """`sequence NAME` with some of its options in any order (values CREATE SEQUENCE takes),
    or `drop sequence NAME`."""
    if w.flag():
        w.kw("drop", "sequence")
        return ("drop sequence", qname(w))
    w.kw("sequence")
    made = qname(w)
    options: list[tuple[str, object]] = []
    owner = None
    kinds = ["as", "increment", "start", "minvalue", "maxvalue", "cache", "cycle", "owned"]
    for kind in [k for k in kinds if w.flag()][:4]:
        if kind == "as":
            spelling = w.pick(["smallint", "int2", "integer", "int", "int4", "bigint", "int8"])
            w.kw("as")
            w.tok(w.case(spelling))
            options.append(("as", {"int2": "smallint", "int": "integer", "int4": "integer",
                                   "int8": "bigint"}.get(spelling, spelling)))
        elif kind in ("increment", "start"):
            w.kw(kind)
            if w.flag():
                w.kw("by" if kind == "increment" else "with")
            value = w.int(1, 100)
            w.tok(str(value))
            options.append((kind, value))
        elif kind in ("minvalue", "maxvalue"):
            if w.flag():
                w.kw("no", kind)
                options.append((kind, None))
            else:
                w.kw(kind)
                value = 1 if kind == "minvalue" else w.int(1000, 30000)
                w.tok(str(value))
                options.append((kind, value))
        elif kind == "cache":
            w.kw("cache")
            value = w.int(1, 100)
            w.tok(str(value))
            options.append(("cache", value))
        elif kind == "cycle":
            cycle = w.flag()
            w.kw(*(("cycle",) if cycle else ("no", "cycle")))
            options.append(("cycle", cycle))
        else:
            w.kw("owned", "by")
            table = qname(w)
            w.tok(".")
            owner = (table, name(w, FREE))
    return ("sequence", made, tuple(options), owner)


# Types of a signature as written, and as the AST spells them (name, array bounds).
ROUTINE_TYPES = [(("int",), "integer"), (("text",), "text"), (("bigint",), "bigint"),
                 (("boolean",), "boolean"), (("double", "precision"), "double precision"),
                 (("varchar",), "character varying")]


def routine_type(w: Writer) -> tuple[str, int]:
    words, spelled = w.pick(ROUTINE_TYPES)
    if len(words) > 1:
        w.multi(*words)
    else:
        w.tok(w.case(words[0]))
    bounds = w.int(0, 1)
    for _ in range(bounds):
        w.tok("[")
        w.tok("]")
    return spelled, bounds


def routine(w: Writer) -> Summary:
    """`function NAME (args) returns T options as \"\"\"…\"\"\"`, `drop function NAME (types)`,
    `trigger …` or `drop trigger NAME on TABLE`."""
    kind = w.pick(["function", "drop function", "trigger", "drop trigger", "procedure"])
    if kind == "procedure":
        return procedure(w, routine_type)
    if kind == "drop trigger":
        w.kw("drop", "trigger")
        dropped = name(w, FREE)
        w.kw("on")
        return ("drop trigger", dropped, qname(w))
    if kind == "trigger":
        return trigger(w)
    w.kw(*kind.split())
    made = qname(w)
    w.tok("(")
    arguments: list[Summary] = []
    argument_names = distinct_names(w, w.int(0, 2), ARGUMENT_RESERVED)  # each given once
    for i, argument in enumerate(argument_names):
        if i:
            w.tok(",")
        if kind == "function":
            mode = argument_mode(w, variadic=i == len(argument_names) - 1)
            w.tok(argument.text)
            spelled, bounds = routine_type(w)
            if mode == "variadic" and not bounds:  # an array of what each value passed is
                w.tok("[")
                w.tok("]")
                bounds = 1
            arguments.append((mode, argument.value, spelled, bounds))
        else:
            arguments.append(routine_type(w))
    w.tok(")")
    if kind == "drop function":
        return ("drop function", made, tuple(arguments))
    w.kw("returns")
    setof = w.flag()
    if setof:
        w.kw("setof")
    returns = routine_type(w)
    options = ["language", *(k for k in ("volatility", "strict", "security") if w.flag()),
               *routine_options(w)]
    turn = w.int(0, len(options) - 1)
    language = volatility = safety = None
    strict = definer = False
    settings: tuple[Summary, ...] = ()
    for option in options[turn:] + options[:turn]:
        if option == "parallel":
            safety = parallel(w)
        elif option == "set":
            settings = routine_settings(w)
        elif option == "language":
            w.kw("language")
            language = name(w, FREE)
        elif option == "volatility":
            volatility = w.pick(["immutable", "stable", "volatile"])
            w.kw(volatility)
        elif option == "strict":
            w.kw("strict")
            strict = True
        else:
            definer = w.flag()
            w.kw("security", "definer" if definer else "invoker")
    w.kw("as")
    body = triple(w, nonblank=False)
    return ("function", made, tuple(arguments), returns, setof, language, volatility, strict,
            definer, body, safety, settings)


def trigger(w: Writer) -> Summary:
    w.kw("trigger")
    made = name(w, FREE)
    timing = w.pick(["before", "after", "instead of"])
    w.multi(*timing.split())
    events: list[Summary] = []
    for i, event in enumerate(e for e in ("insert", "update", "delete", "truncate")
                              if w.flag() or e == "delete"):
        if i:
            w.kw("or")
        w.kw(event)
        columns: list[str] = []
        if event == "update" and w.flag():
            w.kw("of")
            for j in range(w.int(1, 2)):
                if j:
                    w.tok(",")
                columns.append(name(w, FREE))
        events.append((event, tuple(columns)))
    w.kw("on")
    table = qname(w)
    for_each = w.pick(["row", "statement"])
    w.kw("for", "each", for_each)
    when = None
    if w.flag():
        w.kw("when")
        when = backtick(w)
    w.kw("execute", "function")
    function = qname(w)
    w.tok("(")
    arguments = []
    for i in range(w.int(0, 2)):
        if i:
            w.tok(",")
        arguments.append(string_literal(w))
    w.tok(")")
    return ("trigger", made, timing, tuple(events), table, for_each, when, function,
            tuple(arguments))


def grant(w: Writer) -> Summary:
    """`grant PRIVILEGES on [table] TABLE|schema S|sequence S|function F(TYPES) to ROLES`, or
    `revoke … from …`."""
    revoke = w.flag()
    w.kw("revoke" if revoke else "grant")
    privileges = [name(w, FREE)]
    for _ in range(w.int(0, 2)):
        w.tok(",")
        privileges.append(name(w, FREE))
    w.kw("on")
    target: str
    obj: QName
    types: list[tuple[str, int]] = []
    kind = w.pick(["table", "schema", "sequence", "function"])
    if kind == "schema":
        w.kw("schema")
        target, obj = "schema", (None, name(w, FREE))
    elif kind in ("sequence", "function"):
        w.kw(kind)
        target, obj = kind, qname(w)
        if kind == "function":
            w.tok("(")
            for i in range(w.int(0, 2)):
                if i:
                    w.tok(",")
                types.append(routine_type(w))
            w.tok(")")
    else:
        if w.flag():
            w.kw("table")
        target, obj = "table", qname(w, frozenset({"schema", "table", "sequence", "function"}))
    w.kw("from" if revoke else "to")
    roles = [name(w, FREE)]
    for _ in range(w.int(0, 2)):
        w.tok(",")
        roles.append(name(w, FREE))
    return ("revoke" if revoke else "grant", tuple(privileges), target, obj, tuple(roles),
            tuple(types))
