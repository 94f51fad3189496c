"""The history table's name as users write it: `--table`, or `history_table` in
[tool.pgshift]; one parser for both, so that the two mean the same.

`TABLE` (in `public`) or `SCHEMA.TABLE`. Each name is used as written, as if quoted: the
runner has always passed it to PostgreSQL as an identifier, and folding it now would move
an existing history. The checks refuse what would otherwise fail later and less clearly
(an empty name, a second dot) or silently (a name PostgreSQL truncates).

No psycopg here: the compiler and the project's settings read this too.
"""

from __future__ import annotations

DEFAULT_SCHEMA = "public"
DEFAULT_TABLE = "public.schema_migrations"
MAX_NAME_BYTES = 63  # NAMEDATALEN - 1: PostgreSQL truncates longer names


class BadTableName(ValueError):
    """A history table name pgshift cannot use; the message says why, for the user."""


def split_table_name(name: str) -> tuple[str, str]:
    """(schema, table) of a name already checked, or one from code that trusts its own."""
    schema, _, table = name.rpartition(".")
    return (schema or DEFAULT_SCHEMA, table)


def parse_table_name(text: str) -> tuple[str, str]:
    """(schema, table) of `text`, or BadTableName saying what is wrong with it."""
    if not text:
        raise BadTableName("is empty: give TABLE or SCHEMA.TABLE")
    if text.count(".") > 1:
        raise BadTableName(f"{text!r} has more than one dot: give TABLE or SCHEMA.TABLE"
                           " (a name with a dot in it cannot be used)")
    schema, dot, table = text.rpartition(".")
    for part, what in ((schema if dot else DEFAULT_SCHEMA, "schema"), (table, "table")):
        if not part:
            raise BadTableName(f"{text!r} has an empty {what} name: give TABLE or"
                               " SCHEMA.TABLE")
        if part != part.strip():
            raise BadTableName(f"{text!r}: the {what} name {part!r} begins or ends with a"
                               " blank")
        if not part.isprintable():
            raise BadTableName(f"{text!r}: the {what} name contains a control character")
        size = len(part.encode())
        if size > MAX_NAME_BYTES:
            raise BadTableName(f"{text!r}: the {what} name is {size} bytes long; PostgreSQL"
                               f" keeps only the first {MAX_NAME_BYTES} of a name")
    return split_table_name(text)


def checked_table_name(text: str) -> str:
    """`text` as SCHEMA.TABLE, checked: what the runner is given."""
    schema, table = parse_table_name(text)
    return f"{schema}.{table}"
