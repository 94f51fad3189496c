"""Generators for the remaining statements and whole programs (`programs()`), and the
design sketch: the valid texts the property tests parse and then damage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from tests.dsl.properties_support import (
    DURATION_UNITS,
    FREE,
    QUOTED,
    VALUE_RESERVED,
    QName,
    Summary,
    Writer,
    backtick,
    choice,
    column_list,
    distinct_names,
    idents,
    name,
    number,
    qname,
    quote,
    string_literal,
    triple,
)
from tests.dsl.properties_tables_support import alter_table, create_table

# ------------------------------------------------------------------ statements


VECTOR_OPCLASSES = ["vector_l2_ops", "vector_ip_ops", "vector_cosine_ops", "vector_l1_ops",
                    "halfvec_cosine_ops", "bit_hamming_ops", "sparsevec_l2_ops"]


def index_element(w: Writer, method: str | None) -> Summary:
    column_name: str | None = None
    sql: str | None = None
    if w.int(0, 3) == 0:
        sql = backtick(w)
    else:
        column_name = name(w, FREE)
    opclass: QName | None = None
    if method in ("hnsw", "ivfflat"):
        opclass = (None, w.pick(VECTOR_OPCLASSES))
        w.tok(opclass[1])
    elif w.flag():
        opclass = qname(w, frozenset({"asc", "desc", "nulls"}))
    descending = w.pick([None, False, True])
    if descending is not None:
        w.kw("desc" if descending else "asc")
    nulls_first = w.pick([None, False, True])
    if nulls_first is not None:
        w.kw("nulls", "first" if nulls_first else "last")
    return (column_name, sql, opclass, descending, nulls_first)


def index_parameter(w: Writer) -> Summary:
    kind = w.pick(["number", "name", "string", "boolean"])
    if kind == "number":
        return ("lit", "number", number(w))
    if kind == "string":
        return ("lit", "string", string_literal(w))
    if kind == "boolean":
        word = w.pick(["true", "false"])
        w.kw(word)
        return ("lit", "boolean", word)
    return ("lit", "string", name(w, VALUE_RESERVED - {"null"}))


INDEX_OPTIONS = st.lists(st.sampled_from(["include", "with", "where"]), unique=True, max_size=3)


def create_index(w: Writer) -> Summary:
    unique = w.flag()
    if unique:
        w.kw("unique")
    w.kw("index")
    concurrently = w.flag()
    if concurrently:
        w.kw("concurrently")
    index_name = name(w, FREE if concurrently else frozenset({"concurrently"}))
    w.kw("on")
    table = qname(w)
    method = w.pick([None, "hnsw", "ivfflat", "btree", "gin", "other"])
    if method == "other":
        w.kw("using")
        method = name(w, FREE)
    elif method is not None:
        w.kw("using")
        w.tok(w.case(method))
    w.tok("(")
    elements = []
    for i in range(w.int(1, 3)):
        if i:
            w.tok(",")
        elements.append(index_element(w, method))
    if w.flag():
        w.tok(",")
    w.tok(")")
    include: tuple[str, ...] = ()
    parameters: tuple[Summary, ...] = ()
    where: str | None = None
    for option in w.draw(INDEX_OPTIONS):
        w.kw(option)
        if option == "include":
            include = column_list(w)
        elif option == "where":
            where = backtick(w)
        else:
            known = {"hnsw": ["m", "ef_construction"], "ivfflat": ["lists"]}.get(method or "")
            keys = known or [i.value for i in distinct_names(w, w.int(1, 3), FREE)]
            w.tok("(")
            found = []
            for i, key in enumerate(keys):
                if i:
                    w.tok(",")
                w.tok(key if known else quote(key))
                w.tok("=")
                found.append((key, index_parameter(w)))
            if w.flag():
                w.tok(",")
            w.tok(")")
            parameters = tuple(found)
    return ("index", index_name, table, unique, concurrently, method, tuple(elements), include,
            parameters, where)


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


def simple_statement(w: Writer) -> Summary:
    kind = w.pick([
        "schema", "drop schema", "extension", "drop extension", "drop enum", "rename table",
        "drop table", "rename index", "drop index", "comment", "sql", "irreversible"])
    if kind == "extension":
        w.kw(kind)
        extension = name(w, FREE)
        schema = None
        if w.flag():
            w.kw("with", "schema")
            schema = name(w, FREE)
        return (kind, extension, schema)
    if kind in ("schema", "drop schema", "drop extension"):
        w.kw(*kind.split())
        return (kind, name(w, FREE))
    if kind == "drop enum":
        w.kw("drop", "enum")
        return (kind, qname(w))
    if kind in ("rename table", "rename index"):
        w.kw(*kind.split())
        old = qname(w)
        w.kw("to")
        return (kind, old, name(w, FREE))
    if kind == "drop table":
        w.kw("drop", "table")
        table = qname(w)
        cascade = w.flag()
        if cascade:
            w.kw("cascade")
        return (kind, table, cascade)
    if kind == "drop index":
        w.kw("drop", "index")
        concurrently = w.flag()
        if concurrently:
            w.kw("concurrently")
        return (kind, qname(w, FREE if concurrently else frozenset({"concurrently"})),
                concurrently)
    if kind == "comment":
        return comment(w)
    if kind == "sql":
        w.kw("sql")
        up = triple(w, nonblank=True)
        down = None
        if w.flag():
            w.kw("down")
            down = triple(w, nonblank=False)
        return ("sql", up, down)
    w.kw("irreversible")
    return ("irreversible", string_literal(w) if w.flag() else None)


def comment(w: Writer) -> Summary:
    w.kw("comment", "on")
    target = w.pick(["table", "column", "index"])
    w.tok(w.case(target))
    parts = [name(w, FREE)]
    for _ in range(w.int(1, 2) if target == "column" else w.int(0, 1)):
        w.tok(".")
        parts.append(name(w, FREE))
    w.kw("is")
    if w.flag():
        w.kw("null")
        text = None
    else:
        text = string_literal(w)
    column_name = parts.pop() if target == "column" else None
    obj = (parts[0] if len(parts) == 2 else None, parts[-1])
    return ("comment", target, obj, column_name, text)


def external(w: Writer) -> Summary:
    """`external` before a schema, table or enum as their statements write them, or a type."""
    w.kw("external")
    kind = w.pick(["schema", "table", "enum", "type", "role"])
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


def view(w: Writer) -> Summary:
    """`[materialized] view NAME as \"\"\"…\"\"\" [with [no] data]`, `drop [materialized]
    view NAME` or `refresh materialized view NAME [concurrently]`."""
    kind = w.pick(["view", "drop view", "refresh"])
    if kind == "refresh":
        w.kw("refresh", "materialized", "view")
        refreshed = qname(w, frozenset({"concurrently"}))
        concurrently = w.flag()
        if concurrently:
            w.kw("concurrently")
        return ("refresh", refreshed, concurrently)
    materialized = w.flag()
    if kind == "drop view":
        w.kw("drop", *(("materialized",) if materialized else ()), "view")
        return ("drop view", qname(w), materialized)
    w.kw(*(("materialized",) if materialized else ()), "view")
    made = qname(w)
    w.kw("as")
    query = triple(w, nonblank=True)
    with_data = True
    if materialized and w.flag():
        with_data = w.flag()
        w.multi("with", *(() if with_data else ("no",)), "data")  # one terminal
    return ("view", made, query, materialized, with_data)


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
    kind = w.pick(["function", "drop function", "trigger", "drop trigger"])
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
    argument_names = distinct_names(w, w.int(0, 2), FREE)  # a name is given once
    for i, argument in enumerate(argument_names):
        if i:
            w.tok(",")
        if kind == "function":
            w.tok(argument.text)
            arguments.append((argument.value, *routine_type(w)))
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
    options = ["language", *(k for k in ("volatility", "strict", "security") if w.flag())]
    turn = w.int(0, len(options) - 1)
    language = volatility = None
    strict = definer = False
    for option in options[turn:] + options[:turn]:
        if option == "language":
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
            definer, body)


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
    """`grant PRIVILEGES on [table] TABLE|schema S to ROLES`, or `revoke … from …`."""
    revoke = w.flag()
    w.kw("revoke" if revoke else "grant")
    privileges = [name(w, FREE)]
    for _ in range(w.int(0, 2)):
        w.tok(",")
        privileges.append(name(w, FREE))
    w.kw("on")
    target: str
    obj: QName
    if w.flag():
        w.kw("schema")
        target, obj = "schema", (None, name(w, FREE))
    else:
        if w.flag():
            w.kw("table")
        target, obj = "table", qname(w, frozenset({"schema", "table"}))
    w.kw("from" if revoke else "to")
    roles = [name(w, FREE)]
    for _ in range(w.int(0, 2)):
        w.tok(",")
        roles.append(name(w, FREE))
    return ("revoke" if revoke else "grant", tuple(privileges), target, obj, tuple(roles))


BOUND_VALUES = ["'a'", "'2026-01-01'", "1", "-2", "3.5", "true", "null", "minvalue",
                "maxvalue"]


def _bound_values(w: Writer, count: int) -> tuple[str, ...]:
    w.tok("(")
    found = []
    for index in range(count):
        if index:
            w.tok(",")
        value = w.pick(BOUND_VALUES)
        w.tok(w.case(value) if value.isalpha() else value)
        found.append(value.upper() if value.isalpha() else value)
    w.tok(")")
    return tuple(found)


def partitioning(w: Writer) -> Summary:
    """`table … { … } partition by STRATEGY (…)`, or `partition NAME of TABLE BOUND`."""
    if w.flag():
        table = create_table(w)
        strategy = w.pick(["range", "list", "hash"])
        w.kw("partition", "by")
        w.tok(w.case(strategy))
        w.tok("(")
        key = distinct_names(w, w.int(1, 3), FREE)
        for index, ident in enumerate(key):
            if index:
                w.tok(",")
            w.tok(ident.text)
        w.tok(")")
        return ("partitioned", table, strategy, tuple(i.value for i in key))
    w.kw("partition")
    made = qname(w)
    w.kw("of")
    parent = qname(w)
    kind = w.pick(["range", "list", "hash", "default"])
    values: tuple[tuple[str, ...], ...] = ()
    if kind == "default":
        w.kw("default")
    elif kind == "range":
        w.kw("for", "values", "from")
        count = w.int(1, 2)
        values = (_bound_values(w, count),)
        w.kw("to")
        values += (_bound_values(w, count),)
    elif kind == "list":
        w.kw("for", "values", "in")
        values = (_bound_values(w, w.int(1, 3)),)
    else:
        w.kw("for", "values", "with")
        w.tok("(")
        w.kw("modulus")
        modulus = w.int(1, 8)
        w.tok(str(modulus))
        w.tok(",")
        w.kw("remainder")
        remainder = w.int(0, modulus - 1)
        w.tok(str(remainder))
        w.tok(")")
        values = ((str(modulus), str(remainder)),)
    return ("partition", made, parent, kind, values)


STATEMENTS: dict[str, Callable[[Writer], Summary]] = {
    "table": create_table, "alter table": alter_table, "index": create_index,
    "enum": create_enum, "alter enum": alter_enum, "other": simple_statement,
    "external": external, "sequence": sequence, "partitioning": partitioning,
    "policy": policy, "grant": grant, "view": view,
    "routine": routine,
}


@dataclass(frozen=True)
class Program:
    text: str
    header: tuple[int | None, int | None] | None
    statements: tuple[Summary, ...]


def header(w: Writer) -> tuple[int | None, int | None]:
    w.kw("migration")
    w.tok("{")
    found: dict[str, int] = {}
    for setting in w.pick([(), ("lock_timeout",), ("statement_timeout",),
                           ("lock_timeout", "statement_timeout"),
                           ("statement_timeout", "lock_timeout")]):
        w.tok(w.pick([w.case(setting), quote(setting)]))
        amount = w.int(0, 10_000)
        unit = w.pick(sorted(DURATION_UNITS))
        w.tok(f"{amount}{unit}")
        found[setting] = amount * DURATION_UNITS[unit]
    w.tok("}")
    return found.get("lock_timeout"), found.get("statement_timeout")


@st.composite
def programs(draw: st.DrawFn, max_statements: int = 6) -> Program:
    w = Writer(draw)
    head = header(w) if w.flag() else None
    kinds = draw(st.lists(choice(tuple(STATEMENTS)), min_size=1, max_size=max_statements))
    statements = tuple(STATEMENTS[kind](w) for kind in kinds)
    return Program(w.text(), head, statements)


# ------------------------------------------------------------------ the design sketch

SKETCH = (Path(__file__).parent / "testdata" / "design_sketch.shift").read_text(encoding="utf-8")
