"""Generators for the table-level .shift language: values, types, columns, constraints,
`table { ... }` and `alter table { ... }`, each returning the summary it expects to parse.
"""

from __future__ import annotations

from hypothesis import strategies as st

from pgshift.dsl.transform import SPECIAL_VALUES
from pgshift.dsl.types import canonical, suggestion
from tests.dsl.properties_partitions_support import partition_action
from tests.dsl.properties_support import (
    AFTER_LIST_RESERVED,
    COLUMN_RESERVED,
    FIRST_COLUMN_RESERVED,
    FREE,
    INTERVAL_FIELDS,
    SIMPLE_TYPES,
    TYPE_RESERVED,
    VALUE_RESERVED,
    Summary,
    Writer,
    backtick,
    column_list,
    idents,
    literal,
    name,
    qname,
)

# ------------------------------------------------------------------ values and types


def value(w: Writer, depth: int = 0) -> Summary:
    """A default: a literal, a function call, a special value or a backtick expression."""
    kind = w.pick(["literal", "call", "special", "raw"])
    if kind == "literal":
        return literal(w)
    if kind == "special":
        word = w.pick(sorted(SPECIAL_VALUES))
        w.kw(word)
        return ("special", word)
    if kind == "raw":
        return ("raw", backtick(w))
    return call(w, depth)


def call(w: Writer, depth: int) -> Summary:
    function = qname(w, VALUE_RESERVED)
    w.tok("(")
    arguments: list[Summary] = []
    for i in range(w.int(0, 2 if depth < 2 else 0)):
        if i:
            w.tok(",")
        kind = w.pick(["literal", "raw", "call"])
        if kind == "literal":
            arguments.append(literal(w))
        elif kind == "raw":
            arguments.append(("raw", backtick(w)))
        else:
            arguments.append(call(w, depth + 1))
    w.tok(")")
    return ("call", function, tuple(arguments))


def modifiers(w: Writer, most: int, largest: int = 1000) -> tuple[int, ...]:
    count = w.int(0, most)
    values = tuple(w.int(1, largest) for _ in range(count))
    if values:
        w.tok("(")
        for i, v in enumerate(values):
            if i:
                w.tok(",")
            w.tok(str(v))
        w.tok(")")
    return values


def custom_type_name(value: str) -> bool:
    return canonical(value) is None and suggestion(value) is None


# A plain type name must not be (or look like a typo of) a builtin; a quoted or
# schema-qualified one is always the user's own type.
CUSTOM_TYPES = idents(TYPE_RESERVED).filter(
    lambda i: i.text.startswith('"') or custom_type_name(i.value))


# Words that may not begin the type of a column added without `column`: after `add NAME`
# on its line they would read as the column `add` of type NAME, then a constraint or the
# rest of a type (the grammar's _ACTION_ADD_BARE).
BARE_ADD_TYPE_RESERVED = TYPE_RESERVED | {
    "not", "null", "primary", "unique", "default", "check", "references", "identity",
    "generated", "collate", "constraint", "foreign", "with", "without", "varying",
    "precision", "year", "month", "day", "hour", "minute", "second"}
BARE_ADD_TYPES = idents(BARE_ADD_TYPE_RESERVED).filter(
    lambda i: i.text.startswith('"') or custom_type_name(i.value))


def column_type(w: Writer, sep: str = "any") -> Summary:
    """(canonical name, modifiers, array bounds, schema, builtin) of a drawn type; `sep`
    goes before its first word ("line": on the line of the column's name, for `add`
    without `column`)."""
    kind = w.pick(
        ["simple", "double", "character", "bit", "time", "interval", "custom"])
    schema: str | None = None
    builtin = True
    if kind == "simple":
        spelling = w.pick(SIMPLE_TYPES)
        if w.int(0, 9) == 0:
            w.tok(w.case("pg_catalog"), sep)
            w.tok(".")
            sep = "any"
        w.tok(w.case(spelling), sep)
        known = canonical(spelling)
        assert known is not None
        largest = 16000 if known.name in ("vector", "halfvec", "sparsevec") else 1000
        type_name, mods = known.name, modifiers(w, known.max_modifiers, largest)
    elif kind == "double":
        w.multi("double", "precision", sep=sep)
        type_name, mods = "double precision", ()
    elif kind in ("character", "bit"):
        w.kw(w.pick(["char", "character"]) if kind == "character" else "bit", sep=sep)
        varying = w.flag()
        if varying:
            w.kw("varying")
        type_name = ("character" if kind == "character" else "bit") + " varying" * varying
        mods = modifiers(w, 1)
    elif kind == "time":
        base = w.pick(["time", "timestamp"])
        w.kw(base, sep=sep)
        mods = modifiers(w, 1, 6)
        zone = w.pick([None, "with", "without"])
        if zone:
            w.kw(zone)
            w.multi("time", "zone")
        type_name = f"{base} {'with' if zone == 'with' else 'without'} time zone"
    elif kind == "interval":
        w.kw("interval", sep=sep)
        fields = w.pick([None, *INTERVAL_FIELDS])
        if fields:  # INTERVAL_FIELDS starts with [ \t]+: on the line of `interval`
            w.multi(*fields.split(), sep="line")
        mods = modifiers(w, 1, 6)
        type_name = "interval" + (f" {fields}" if fields else "")
    else:
        ident = w.draw(BARE_ADD_TYPES if sep == "line" else CUSTOM_TYPES)
        w.tok(ident.text, sep)
        type_name, mods, builtin = ident.value, (), False
        if w.flag():
            w.tok(".")
            second = w.draw(idents(FREE))
            w.tok(second.text)
            schema, type_name = ident.value, second.value
            known = canonical(type_name) if schema == "pg_catalog" else None
            if known is not None:
                type_name, builtin = known.name, True
    bounds: list[int | None] = []
    for _ in range(w.int(0, 2)):
        w.tok("[")
        bound = w.pick([None, 0, 1, 3, 10, 99])
        if bound is not None:
            w.tok(str(bound))
        w.tok("]")
        bounds.append(bound)
    return (type_name, mods, tuple(bounds), schema, builtin)


# ------------------------------------------------------------------ columns and constraints

ACTIONS = ["cascade", "restrict", "no action", "set null", "set default"]
COLUMN_CONSTRAINTS = ["not null", "null", "primary key", "unique", "default", "check",
                      "references", "identity", "generated", "collate"]


def references(w: Writer, count: int | None = None) -> Summary:
    """`references t [(columns)] [on delete ...] [on update ...]`; a foreign key passes its
    column count, which a target column list must match."""
    w.kw("references")
    table = qname(w)
    columns = column_list(w, count if count is not None else 1) if w.flag() else ()
    actions: dict[str, str] = {}
    for event in w.pick([(), ("delete",), ("update",), ("delete", "update"), ("update", "delete")]):
        action = w.pick(ACTIONS)
        w.kw("on", event)
        w.multi(*action.split())
        actions[event] = action
    return ("references", table, columns, actions.get("delete"), actions.get("update"))


CONSTRAINT_KINDS = st.lists(st.sampled_from(COLUMN_CONSTRAINTS), unique=True, max_size=4)


def column_constraint(w: Writer, kind: str) -> Summary:
    if kind in ("not null", "primary key", "null", "unique"):
        w.kw(*kind.split())
        w.no_paren_comment = kind in ("primary key", "unique")
        return (kind,)
    if kind == "default":
        w.kw("default")
        return ("default", value(w))
    if kind == "check":
        w.kw("check", sep="line")  # on the column's line, else it starts a table constraint
        return ("check", backtick(w))
    if kind == "references":
        return references(w)
    if kind == "identity":
        spelling = w.pick(["identity", "identity always",
                                           "generated always as identity",
                                           "generated by default as identity"])
        for word in spelling.split():
            if word == "by":
                w.multi("by", "default")
            elif word != "default":
                w.kw(word)
        return ("identity", "always" in spelling)
    if kind == "generated":
        w.kw("generated", "always", "as")
        sql = backtick(w)
        w.kw("stored")
        return ("generated", sql)
    assert kind == "collate"
    w.kw("collate")
    return ("collate", name(w, FREE))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent swaps counted as one edit."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            substitution = d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, substitution)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


CONSTRAINT_WORDS = ("not", "null", "primary", "unique", "default", "check", "references",
                    "identity", "generated", "collate", "cascade", "delete", "update")


def looks_like_a_keyword(word: str) -> bool:
    """A column named like a typo of a constraint word (`nott`) must start its own line:
    on the line of the column before, it is reported as a misspelt keyword."""
    return any(edit_distance(word, k) <= 2 for k in CONSTRAINT_WORDS)


def column(w: Writer, reserved: frozenset[str], sep: str = "any", bare: bool = False) -> Summary:
    """A column; `bare`: one added without `column`, its name and type on the line of
    `add` (the caller wrote `add`)."""
    ident = w.draw(BARE_NAMES if bare else idents(reserved))
    w.tok(ident.text, sep="line" if bare else
          "newline" if looks_like_a_keyword(ident.value) else sep)
    column_name = ident.value
    type_ = column_type(w, "line" if bare else "any")
    kinds = list(w.draw(CONSTRAINT_KINDS))
    if "not null" in kinds and "null" in kinds:
        kinds.remove("null")
    if "identity" in kinds and "default" in kinds:
        kinds.remove("default")
    if "check" in kinds and w.flag():
        kinds.append("check")  # the one constraint that may repeat
    constraints = tuple(column_constraint(w, kind) for kind in kinds)
    return (column_name, type_, constraints)


def table_constraint(w: Writer, in_alter: bool = False) -> Summary:
    named = w.flag()
    kind = w.pick(["pk", "unique", "check", "fk"])
    constraint_name: str | None = None
    if named:
        w.kw("constraint")
        constraint_name = name(w, FREE)
    if kind == "pk":
        if named:
            w.kw("primary", "key")
            return ("pk", constraint_name, column_list(w))
        w.kw("primary", "key")  # TABLE_PRIMARY: `primary` when `key (` follows
        return ("pk", None, column_list(w))
    if kind == "unique":
        nulls = w.pick([(), ("nulls", "distinct"), ("nulls", "not", "distinct")])
        w.kw("unique")
        for word in nulls:  # TABLE_UNIQUE's lookahead: only whitespace up to `distinct`
            w.kw(word, sep="any" if named else "ws")
        return ("unique", constraint_name, column_list(w), "not" not in nulls)
    if kind == "check":
        if named:
            w.kw("check")
        elif in_alter and w.flag():
            w.kw("check", sep="line")  # `add check ...` on one line
        else:
            w.kw("check", sep="newline")  # TABLE_CHECK: `check` beginning a line
        return ("check", constraint_name, backtick(w))
    w.kw("foreign", "key")
    columns = column_list(w)
    target = references(w, len(columns))
    return ("fk", constraint_name, columns, target)


# ------------------------------------------------------------------ statements


TABLE_ITEMS = st.lists(st.sampled_from(["column", "column", "constraint"]), max_size=8)


def create_table(w: Writer) -> Summary:
    w.kw("table")
    table = qname(w)
    w.tok("{")
    columns: list[Summary] = []
    constraints: list[Summary] = []
    seen: set[str] = set()
    first = True
    for item in w.draw(TABLE_ITEMS):
        if item == "constraint":
            constraints.append(table_constraint(w))
        else:
            mark, last, closed = len(w.parts), w.last, w.closed_list
            reserved = (FIRST_COLUMN_RESERVED if first
                        else AFTER_LIST_RESERVED if w.closed_list else COLUMN_RESERVED)
            new = column(w, reserved)
            if new[0] in seen:  # a duplicate column is an error: take the column back
                del w.parts[mark:]
                w.last, w.closed_list = last, closed
                continue
            seen.add(new[0])
            columns.append(new)
        first = False
    w.tok("}")
    return ("table", table, tuple(columns), tuple(constraints))


# A name after `add` or `rename` without `column`: one the lookahead of _ACTION_ADD_BARE
# and _ACTION_RENAME_BARE reads on one line, and not the word of the longer form.
BARE_NAMES = idents(frozenset({"column", "constraint", "unique", "primary", "check",
                               "foreign"})).filter(lambda i: not any(c in i.text for c in "\r\n"))


def alter_action(w: Writer) -> Summary:
    kind = w.pick([
        "add column", "drop column", "rename column", "type", "set default", "drop default",
        "set not null", "drop not null", "add constraint", "drop constraint",
        "row security", "partition"])
    if kind == "partition":
        return partition_action(w)
    if kind == "row security":
        change = w.pick(["enable", "disable", "force", "no force"])
        w.multi(*change.split(), "row", "level", "security")
        return (kind, change)
    if kind == "add column":
        bare = w.flag()  # SQL's `add x int`, without `column`
        w.kw(*(("add",) if bare else ("add", "column")))
        return ("add column", column(w, FREE, bare=bare))
    if kind in ("drop column", "drop constraint"):
        w.kw(*kind.split())
        dropped = name(w, FREE)
        cascade = w.flag()
        if cascade:
            w.kw("cascade")
        return (kind, dropped, cascade)
    if kind == "rename column":
        if w.flag():  # SQL's `rename a to b`, without `column`: `to` on the line of `rename`
            w.kw("rename")
            ident = w.draw(BARE_NAMES)
            w.tok(ident.text, sep="line")
            old = ident.value
            w.kw("to", sep="line")
        else:
            w.kw("rename", "column")
            old = name(w, FREE)
            w.kw("to")
        return (kind, old, name(w, FREE))
    if kind == "add constraint":
        w.kw("add")
        return (kind, table_constraint(w, in_alter=True))
    w.kw("alter", "column")
    target = name(w, FREE)
    if kind == "type":
        w.kw(*w.pick([("type",), ("set", "data", "type")]))  # SQL's SET DATA TYPE too
        new_type = column_type(w)
        using = None
        if w.flag():
            w.kw("using")
            using = backtick(w)
        return (kind, target, new_type, using)
    if kind == "set default":
        w.kw("set", "default")
        return (kind, target, value(w))
    w.kw(*kind.split())
    return (kind, target)


def alter_table(w: Writer) -> Summary:
    w.kw("alter", "table")
    table = qname(w)
    w.tok("{")
    actions = tuple(alter_action(w) for _ in range(w.int(1, 5)))
    w.tok("}")
    return ("alter table", table, actions)
