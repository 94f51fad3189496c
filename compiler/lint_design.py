"""The safety lint's rules about the schema's design: a column's type and key, read
wherever a column is written (`table { }` or `add column`), on a new table as on an old one.

Apart from lint.py's rules about locks and rewrites because these judge what the schema
will be, not what the change does to a live table: a key that runs out (int-key), a
timestamp without its zone, char(n), serial where identity would do. lint.py registers
the rules (RULES) and calls `column_design` from its `table { }` and `add column` checks.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..dsl import ast
from ..dsl.source import Span
from .model import TableModel

_SMALL_KEYS = {"smallint": "smallint", "integer": "integer", "serial": "serial",
               "smallserial": "smallserial"}


def column_design(table: TableModel | None,
                  written: ast.Column) -> Iterator[tuple[str, str, str, Span]]:
    """The design findings on one written column, once the table's model holds it."""
    if table is None or written.name.value not in table.columns:
        return
    column = table.columns[written.name.value]
    primary = table.primary_key
    keyed = (primary is not None and column.name in primary.columns) or (
        column.identity is not None)
    kind = column.type.name
    if keyed and kind in _SMALL_KEYS and not column.type.array_bounds:
        limit = "32,767" if kind.startswith("small") else "2,147,483,647"
        yield ("int-key",
               f"key column '{table.name}.{column.name}' is {kind}: it runs out after"
               f" {limit} rows, and widening it later rewrites the table and every table that"
               " references it",
               "use `bigint identity`" if kind.endswith("serial") else "use bigint",
               written.type.span)
    if kind == "timestamp without time zone":
        yield ("timestamp-without-time-zone",
               f"'{table.name}.{column.name}' is a timestamp without time zone: it stores the"
               " wall-clock time with no offset, so two servers or sessions in different"
               " zones read different instants",
               "use `timestamptz` (timestamp with time zone): it stores an instant",
               written.type.span)
    if kind == "character":
        yield ("char-column",
               f"'{table.name}.{column.name}' is char(n): values are blank-padded to the"
               " length and compared without the padding, which surprises every client",
               "use text, or varchar(n) if a limit is wanted", written.type.span)
    if kind in ("serial", "bigserial", "smallserial") and not (keyed and kind in _SMALL_KEYS):
        yield ("serial-column",
               f"'{table.name}.{column.name}' is {kind}: its sequence is a separate object"
               " with its own permissions, and inserts may bypass it",
               f"use `{'bigint' if kind != 'smallserial' else 'smallint'} identity`",
               written.type.span)
