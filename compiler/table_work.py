"""What a change does to an existing table's rows: nothing but the catalog, a scan, or a
rewrite. PostgreSQL's documented rules (ALTER TABLE, "Notes"), checked against a real
server by tests/compiler/test_statement_locks.py (a rewrite gives the table a new
relfilenode).
"""

from __future__ import annotations

import re

from .model import ColumnModel, ColumnType, TableModel
from .statement import Work

# Functions a default may call that PostgreSQL marks VOLATILE: a new column whose default
# calls one gets a value per row, so ADD COLUMN rewrites the table. Any other default
# (a constant, now(), a STABLE or IMMUTABLE call) is stored once in the catalog.
VOLATILE_FUNCTIONS = frozenset({
    "random", "random_normal", "setseed", "gen_random_uuid", "uuidv4", "uuidv7",
    "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "gen_random_bytes",
    "clock_timestamp", "timeofday", "nextval", "setval", "txid_current", "pg_current_xact_id",
})

_STRING = re.compile(r"'(?:[^']|'')*'")
_CALL = re.compile(r'([A-Za-z_][\w$]*|"(?:[^"]|"")+")\s*\(')


def called_functions(expression: str | None) -> list[str]:
    """The names of the functions SQL text calls, outside string literals, lower-cased
    (a quoted name kept as written), schema dropped."""
    if not expression:
        return []
    text = _STRING.sub("''", expression)
    return [name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
            for name in _CALL.findall(text)]


def volatile_calls(expression: str | None) -> list[str]:
    return [name for name in called_functions(expression) if name in VOLATILE_FUNCTIONS]


def why_add_column_rewrites(column: ColumnModel) -> str | None:
    """Why adding `column` to a table with rows rewrites it, or None when it does not."""
    if column.identity is not None:
        return "an identity column takes a value from its sequence for every row"
    if column.type.name in ("serial", "bigserial", "smallserial"):
        return f"a {column.type.name} column takes a value from its sequence for every row"
    if column.generated is not None:
        return "a stored generated column is computed for every row"
    volatile = volatile_calls(column.default)
    if volatile:
        return (f"its default calls {volatile[0]}(), which is VOLATILE: every row gets a"
                " value of its own")
    return None


_WIDENS_WITHOUT_LIMIT = {
    # old type: new types it becomes without touching a row (binary-coercible, no check)
    "character varying": {"character varying", "text"},
    "text": {"character varying", "text"},
    "numeric": {"numeric"},
    "bit varying": {"bit varying"},
    "citext": {"citext"},
}


def type_change_work(old: ColumnType, new: ColumnType, using: bool = False) -> Work:
    """Whether ALTER COLUMN … TYPE rewrites the table: it does not when the new type stores
    the same bytes and needs no check of existing values (varchar(n) → varchar(m ≥ n) or
    text, text → unlimited varchar, numeric(p, s) → numeric(q ≥ p, s) or numeric, the same
    type again); any other change, and any USING, rewrites. timestamp ↔ timestamptz
    rewrites unless the session's TimeZone is UTC: counted as a rewrite."""
    if using:
        return "rewrite"
    if old == new:
        return "catalog"
    if old.array_bounds != new.array_bounds or not (old.builtin and new.builtin):
        return "rewrite"
    if new.name not in _WIDENS_WITHOUT_LIMIT.get(old.name, set()):
        return "rewrite"
    if not new.modifiers:  # varchar, numeric, varbit without a limit take any old value
        return "catalog"
    if not old.modifiers:
        return "rewrite"  # a limit added: every value is checked against it
    if old.name == "numeric":
        old_scale = old.modifiers[1] if len(old.modifiers) > 1 else 0
        new_scale = new.modifiers[1] if len(new.modifiers) > 1 else 0
        return "catalog" if (new_scale == old_scale
                             and new.modifiers[0] >= old.modifiers[0]) else "rewrite"
    return "catalog" if new.modifiers[0] >= old.modifiers[0] else "rewrite"


_NOT_NULL_CHECK = re.compile(r'^\(*\s*("(?:[^"]|"")+"|[A-Za-z_][\w$]*)\s+IS\s+NOT\s+NULL\s*\)*$',
                             re.IGNORECASE)


def proves_not_null(table: TableModel, column: str) -> str | None:
    """A validated check constraint of the table that says `column IS NOT NULL`, by name:
    with one, SET NOT NULL skips its scan (PostgreSQL 12 and later)."""
    for constraint in table.constraints.values():
        if constraint.kind != "check" or not constraint.expression or not constraint.validated:
            continue
        found = _NOT_NULL_CHECK.match(constraint.expression.strip())
        if found is None:
            continue
        name = found[1]
        name = name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
        if name == column:
            return constraint.name
    return None
