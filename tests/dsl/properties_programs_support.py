"""Generators for indexes, partitions and the simpler statements; whole programs
(`programs()`, mixing them with properties_tables_support.py's and
properties_objects_support.py's); and the design sketch: the valid texts the property
tests parse and then damage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from tests.dsl.properties_objects_support import (
    alter_enum,
    create_enum,
    external,
    grant,
    policy,
    routine,
    routine_type,
    sequence,
)
from tests.dsl.properties_partitions_support import bound
from tests.dsl.properties_support import (
    DURATION_UNITS,
    FREE,
    VALUE_RESERVED,
    QName,
    Summary,
    Writer,
    backtick,
    choice,
    column_list,
    distinct_names,
    name,
    number,
    qname,
    quote,
    string_literal,
    triple,
)
from tests.dsl.properties_tables_support import alter_table, create_table
from tests.dsl.properties_views_support import view

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
    target = w.pick(["table", "column", "index", "view", "materialized view", "schema",
                     "sequence", "function"])
    if target == "function":
        return comment_on_function(w)
    w.multi(*target.split())  # one terminal
    parts = [name(w, FREE)]
    for _ in range(w.int(1, 2) if target == "column" else 0 if target == "schema" else
                   w.int(0, 1)):
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


def comment_on_function(w: Writer) -> Summary:
    """`comment on function NAME (types) is …` (after `comment on`)."""
    w.kw("function")
    made = qname(w)
    w.tok("(")
    types = []
    for index in range(w.int(0, 2)):
        if index:
            w.tok(",")
        types.append(routine_type(w))
    w.tok(")")
    w.kw("is")
    text = None if w.flag() else string_literal(w)
    if text is None:
        w.kw("null")
    return ("comment function", made, tuple(types), text)


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
    return ("partition", made, parent, *bound(w))


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
