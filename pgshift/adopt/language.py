"""The pieces of pgshift's language that `pull` writes: names, types, values, elements.

Every function returns text that the front end reads back as exactly the catalog's
value; what cannot be written so raises `Unwritable`, and the object becomes SQL instead.
"""

from __future__ import annotations

import re

from .records import Column, Index, IndexKey, Key

_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")
# Words that would continue a column or start a constraint where a name stands, that the
# parser takes as an action, or as an argument's mode (tests/adopt check every keyword of
# the grammar in each place).
_QUOTED_WORDS = frozenset({
    "check", "collate", "concurrently", "constraint", "default", "foreign", "generated",
    "identity", "not", "null", "primary", "references", "unique", "using", "add", "drop",
    "rename", "alter", "validate", "in", "out", "inout", "variadic",
})
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_BARE_CALL = re.compile(r"[a-z_][a-z0-9_]*\(\)")
_SPECIAL_VALUES = frozenset({
    "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME",
    "CURRENT_USER", "SESSION_USER", "CURRENT_ROLE", "CURRENT_CATALOG", "CURRENT_SCHEMA",
})
_STRING = re.compile(r"'((?:[^']|'')*)'::(.+)")
_ACTIONS = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null",
            "d": "set default"}
_WORD_VALUE = re.compile(r"[a-z_][a-z0-9_]*")


class Unwritable(Exception):
    """The language cannot say this exactly; the object is written as SQL."""


def name(text: str) -> str:
    """A name as the language reads it back unchanged: bare, or in double quotes."""
    if _PLAIN.fullmatch(text) and text not in _QUOTED_WORDS:
        return text
    return '"' + text.replace('"', '""') + '"'


def qualified(key: Key) -> str:
    """schema.name, the schema left out for `public` (where the language puts it)."""
    schema, table = key
    return name(table) if schema == "public" else f"{name(schema)}.{name(table)}"


def string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def backticks(sql: str) -> str:
    if "`" in sql:
        raise Unwritable("its SQL holds a backtick, which a backtick expression cannot")
    return f"`{reparseable(sql)}`"


def reparseable(sql: str) -> str:
    """The server's text of an expression, changed where parsing that text back would give
    another expression than the one it printed.

    One case is known, and common: `status IN ('a', 'b')` on a varchar column is stored as
    an array of varchar cast to text[], printed `(ARRAY['a'::character varying, …])::text[]`;
    read back, that cast goes into each element instead. Casting the array to its own
    element type first keeps the outer cast on the array, as stored.
    """
    result = []
    position = 0
    while (start := sql.find("(ARRAY[", position)) >= 0:
        end = _closing(sql, start + len("(ARRAY["), "[", "]")
        if end < 0 or not sql.startswith(")::", end + 1):
            result.append(sql[position:start + 1])
            position = start + 1
            continue
        items = _top_level_items(sql[start + len("(ARRAY["):end])
        casts = {item.rpartition("::")[2] for item in items if "::" in item}
        element = next(iter(casts)) if len(casts) == 1 and all("::" in i for i in items) else ""
        result.append(sql[position:end + 1] + (f"::{element}[]" if element else ""))
        position = end + 1
    return "".join(result) + sql[position:]


def _closing(text: str, start: int, opening: str, closing: str) -> int:
    """The position of the bracket that closes the one before `start`; -1 if none."""
    depth, quoted = 1, False
    for position in range(start, len(text)):
        char = text[position]
        if char == "'":
            quoted = not quoted
        elif not quoted and char == opening:
            depth += 1
        elif not quoted and char == closing:
            depth -= 1
            if depth == 0:
                return position
    return -1


def _top_level_items(text: str) -> list[str]:
    items: list[str] = []
    current: list[str] = []
    depth, quoted = 0, False
    for char in text:
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "([":
            depth += 1
        elif not quoted and char in ")]":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            items.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    items.append("".join(current).strip())
    return items


def unwrapped(expression: str) -> str:
    """`(a > 0)` as `a > 0`: the server adds the outer parentheses back, the same."""
    if not (expression.startswith("(") and expression.endswith(")")):
        return expression
    depth = 0
    for position, char in enumerate(expression):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and position < len(expression) - 1:
            return expression  # (a) AND (b): the first ')' closes before the end
    return expression[1:-1]


def value(default: str, column_type: str) -> str:
    """A default as the language writes it: a literal or bare call where it means exactly
    what the server printed, else the server's own text in backticks."""
    if _NUMBER.fullmatch(default) or default in ("true", "false"):
        return default
    if _BARE_CALL.fullmatch(default):
        return default
    if default in _SPECIAL_VALUES:
        return default.lower()
    literal = _STRING.fullmatch(default)
    if literal is not None and literal.group(2) == column_type and "\n" not in default:
        return f"'{literal.group(1)}'"
    return backticks(default)


# The server's spelling of a type → the shorter one the language folds back to it.
_SHORTER = [
    (re.compile(r"^timestamp(\(\d+\))? with time zone"), r"timestamptz\1"),
    (re.compile(r"^timestamp(\(\d+\))? without time zone"), r"timestamp\1"),
    (re.compile(r"^time(\(\d+\))? with time zone"), r"timetz\1"),
    (re.compile(r"^time(\(\d+\))? without time zone"), r"time\1"),
    (re.compile(r"^character varying"), "varchar"),
    (re.compile(r"^bit varying"), "varbit"),
    (re.compile(r"^character(?=\(|\[|$)"), "char"),
]


def type_name(server_spelling: str) -> str:
    """`timestamp with time zone` as `timestamptz`, `character varying(20)` as `varchar(20)`."""
    for pattern, shorter in _SHORTER:
        server_spelling = pattern.sub(shorter, server_spelling)
    return server_spelling


def column(column: Column, type_name: str, *, primary_key: bool, unique: bool,
           check: str | None, reference: str | None) -> str:
    """One line of a table block: name, type and column constraints."""
    parts = [name(column.name), type_name]
    if column.identity:
        parts.append("identity always" if column.identity == "a" else "identity")
    elif column.generated == "s":
        assert column.default is not None
        parts.append(f"generated always as {backticks(unwrapped(column.default))} stored")
    elif column.generated:
        raise Unwritable("a virtual generated column is not in the language")
    if column.not_null and not (primary_key or column.identity or type_name.endswith("serial")):
        parts.append("not null")
    if column.default is not None and not column.generated and not type_name.endswith(
            "serial"):
        parts.append(f"default {value(column.default, column.type)}")
    if column.collation is not None:
        schema, collation = column.collation
        parts.append("collate " + (f'"{collation}"' if schema == "pg_catalog"
                                   else f"{name(schema)}.{name(collation)}"))
    if primary_key:
        parts.append("primary key")
    if unique:
        parts.append("unique")
    if check is not None:
        parts.append(f"check {backticks(unwrapped(check))}")
    if reference is not None:
        parts.append(reference)
    return " ".join(parts)


def references(target: Key, columns: tuple[str, ...], on_delete: str, on_update: str) -> str:
    text = f"references {qualified(target)} ({', '.join(map(name, columns))})"
    if on_delete != "a":
        text += f" on delete {_ACTIONS[on_delete]}"
    if on_update != "a":
        text += f" on update {_ACTIONS[on_update]}"
    return text


def index(index: Index) -> str:
    """An index statement; an INVALID one, or one the language cannot say, is Unwritable."""
    if not index.nulls_distinct:
        raise Unwritable("NULLS NOT DISTINCT on an index is not in the language")
    if any(key.own_collation or key.opclass_options for key in index.keys):
        raise Unwritable("an index key's own COLLATE or operator-class options are not in"
                         " the language")
    head = ("unique " if index.unique else "") + f"index {name(index.name)} on " + qualified(
        (index.schema, index.table))
    if index.method != "btree":
        head += f" using {name(index.method)}"
    text = head + f" ({', '.join(map(_element, index.keys))})"
    if index.include:
        text += f" include ({', '.join(map(name, index.include))})"
    if index.parameters:
        text += " with (" + ", ".join(f"{name(key)} = {_parameter(setting)}"
                                      for key, setting in index.parameters) + ")"
    if index.predicate is not None:
        text += f" where {backticks(unwrapped(index.predicate))}"
    return text


def _element(key: IndexKey) -> str:
    text = name(key.column) if key.column is not None else backticks(key.expression or "")
    if key.opclass is not None:
        schema, opclass = key.opclass
        text += " " + (name(opclass) if schema in ("pg_catalog", "public")
                       else f"{name(schema)}.{name(opclass)}")
    if key.descending:
        text += " desc" + ("" if key.nulls_first else " nulls last")
    elif key.nulls_first:
        text += " nulls first"
    return text


def _parameter(setting: str) -> str:
    if _NUMBER.fullmatch(setting) or _WORD_VALUE.fullmatch(setting):
        return setting
    return string(setting)
