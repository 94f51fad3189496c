"""What the pulled schemas use from outside them, written as `external` declarations: the
tables their foreign keys point at (a platform's `auth.users`), the enums their columns
have (`auth.aal_level`) and the trigger functions their triggers execute, so those foreign
keys, columns and triggers are written in the language instead of as SQL, and the file
compiles without the rest of that schema.

An external table declares the referenced columns with their keys, nothing more: pgshift
never makes it. A referenced table is left undeclared (its foreign keys then go as SQL, as
before) when a referenced column has a type that is not PostgreSQL's own or a referenced
set of columns is a unique index but no key constraint, which a declaration cannot say.
"""

from __future__ import annotations

from typing import Any

import psycopg

from .language import name, qualified, string, type_name
from .records import Column, Constraint, Database, Enum, Key, Table

_COLUMNS = """
SELECT x.s, x.t, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       t.typtype = 'b' AND tn.nspname = 'pg_catalog'
FROM unnest(%(schemas)s::text[], %(tables)s::text[]) AS x(s, t)
JOIN pg_namespace n ON n.nspname = x.s
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = x.t
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
ORDER BY 1, 2, a.attnum
"""

_KEYS = """
SELECT x.s, x.t, con.conname, con.contype,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(number, place)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.number
             ORDER BY k.place)
FROM unnest(%(schemas)s::text[], %(tables)s::text[]) AS x(s, t)
JOIN pg_namespace n ON n.nspname = x.s
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = x.t
JOIN pg_constraint con ON con.conrelid = c.oid AND con.contype IN ('p', 'u')
ORDER BY 1, 2, 3
"""

# Enums of the pulled tables' columns (or of their arrays) that live in a schema not
# pulled, and that no extension made (`extension …` makes those).
_ENUMS = """
SELECT DISTINCT n.nspname, t.typname,
       ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder)
FROM pg_attribute a
JOIN pg_type at ON at.oid = a.atttypid
JOIN pg_type t ON t.oid = CASE WHEN at.typcategory = 'A' THEN at.typelem ELSE at.oid END
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE a.attrelid = ANY(%(tables)s) AND a.attnum > 0 AND NOT a.attisdropped
  AND t.typtype = 'e' AND n.nspname <> ALL(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                  AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1, 2
"""

# Trigger functions that the pulled schemas' triggers execute and that live in a schema not
# pulled (a platform's `audit.log_change()`); neither PostgreSQL's nor an extension's.
_TRIGGER_FUNCTIONS = """
SELECT DISTINCT fn.nspname, fp.proname
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc fp ON fp.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = fp.pronamespace
WHERE NOT t.tgisinternal AND n.nspname = ANY(%(schemas)s) AND fn.nspname <> ALL(%(schemas)s)
  AND fn.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                  AND d.objid = fp.oid AND d.deptype = 'e')
ORDER BY 1, 2
"""


def read_externals(connection: psycopg.Connection[Any], database: Database,
                   table_oids: list[int]) -> None:
    """Fill `database.external_tables`, `external_enums` and `external_trigger_functions`
    from what its tables use."""
    pulled = database.schemas
    database.external_enums = [
        Enum(schema, enum, tuple(labels)) for schema, enum, labels in _rows(
            connection, _ENUMS, {"tables": table_oids, "schemas": pulled})]
    database.external_trigger_functions = [
        (schema, function) for schema, function in _rows(
            connection, _TRIGGER_FUNCTIONS, {"schemas": pulled})]
    wanted: dict[Key, set[frozenset[str]]] = {}
    for table in database.tables:
        for constraint in table.constraints:
            target = constraint.references
            if constraint.kind == "f" and target is not None and target[0] not in pulled:
                wanted.setdefault(target, set()).add(frozenset(constraint.ref_columns))
    if not wanted:
        return
    keys = sorted(wanted)
    parameters = {"schemas": [k[0] for k in keys], "tables": [k[1] for k in keys]}
    columns: dict[Key, list[tuple[Column, bool]]] = {}
    for schema, table_name, column, type_text, not_null, builtin in _rows(
            connection, _COLUMNS, parameters):
        columns.setdefault((schema, table_name), []).append((Column(
            column, type_text, "b", not_null, None, None, "", "", None, None), builtin))
    constraints: dict[Key, list[Constraint]] = {}
    for schema, table_name, constraint_name, kind, key_columns in _rows(
            connection, _KEYS, parameters):
        constraints.setdefault((schema, table_name), []).append(
            Constraint(constraint_name, kind, tuple(key_columns), ""))
    for key in keys:
        declared = _declared(key, wanted[key], columns.get(key, []), constraints.get(key, []))
        if declared is not None:
            database.external_tables.append(declared)


def _declared(key: Key, referenced: set[frozenset[str]], columns: list[tuple[Column, bool]],
              keys: list[Constraint]) -> Table | None:
    """The declaration of table `key`: the keys its referrers point at and their columns;
    None when one of those is not a key constraint or has a type of its own."""
    chosen = [c for c in keys if frozenset(c.columns) in referenced]
    if {frozenset(c.columns) for c in chosen} != referenced:
        return None
    used = {column for c in chosen for column in c.columns}
    kept = [(column, builtin) for column, builtin in columns if column.name in used]
    if not all(builtin for _, builtin in kept):
        return None
    return Table(key[0], key[1], columns=[column for column, _ in kept], constraints=chosen)


def external_declarations(database: Database) -> list[tuple[str, str]]:
    """Each declaration's text and the object it stands for (`external table auth.users`):
    enums first, as an external table's column may have one."""
    written = [(f"external enum {qualified((enum.schema, enum.name))}"
                f" ({', '.join(map(string, enum.labels))})",
                f"external enum {enum.schema}.{enum.name}") for enum in database.external_enums]
    for table in database.external_tables:
        written.append((_table(table), f"external table {table.schema}.{table.name}"))
    for schema, function in database.external_trigger_functions:
        written.append((f"external function {qualified((schema, function))}() returns trigger",
                        f"external function {schema}.{function}()"))
    return written


def _table(table: Table) -> str:
    single = {c.columns[0]: c.kind for c in table.constraints if len(c.columns) == 1}
    width = min(max(len(name(c.name)) for c in table.columns), 24)
    lines = [f"external table {qualified(table.key)} {{"]
    for column in table.columns:
        kind = single.get(column.name)
        text = name(column.name).ljust(width) + " " + type_name(column.type)
        if column.not_null and kind != "p":
            text += " not null"
        text += {"p": " primary key", "u": " unique"}.get(kind or "", "")
        lines.append(f"    {text}")
    for constraint in table.constraints:
        if len(constraint.columns) > 1:
            key = "primary key" if constraint.kind == "p" else "unique"
            lines.append(f"    {key} ({', '.join(map(name, constraint.columns))})")
    return "\n".join([*lines, "}"])


def _rows(connection: psycopg.Connection[Any], query: str,
          parameters: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.execute(query.encode(), parameters)]
