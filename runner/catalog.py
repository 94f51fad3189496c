"""A snapshot of a database's user schema from the system catalogs, in PostgreSQL's words.

Columns with their types, nullability, defaults, identity and generation; constraints via
pg_get_constraintdef; indexes via pg_get_indexdef, with whether they are valid; enums with
their labels in order; comments; extensions; and what `sql` blocks make: sequences' settings,
views, functions, triggers and row-level security policies. Two snapshots compare equal
exactly when the schemas are the same, which is how Up-then-Down is proven to leave nothing
behind (`pgshift verify`), and how drift is found.
"""

from __future__ import annotations

from typing import Any

import psycopg

from .table_name import split_table_name

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")

_COLUMNS = """
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       coll.collname, col_description(c.oid, a.attnum)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation coll ON coll.oid = a.attcollation AND a.attcollation <> 100
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname <> ALL(%(system)s) AND NOT (c.relname = ANY(%(ignore)s))
ORDER BY 1, 2, 3
"""

_CONSTRAINTS = """
SELECT n.nspname, c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),
       comment.description
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description comment ON comment.objoid = con.oid
  AND comment.classoid = 'pg_constraint'::regclass AND comment.objsubid = 0
WHERE n.nspname <> ALL(%(system)s) AND NOT (c.relname = ANY(%(ignore)s))
ORDER BY 1, 2, 3
"""

_INDEXES = """
SELECT n.nspname, i.relname, pg_get_indexdef(i.oid), obj_description(i.oid, 'pg_class'),
       x.indisvalid
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = i.relnamespace
WHERE n.nspname <> ALL(%(system)s) AND NOT (t.relname = ANY(%(ignore)s))
ORDER BY 1, 2
"""

_TABLES = """
SELECT n.nspname, c.relname, c.relkind, obj_description(c.oid, 'pg_class')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') AND n.nspname <> ALL(%(system)s)
  AND NOT (c.relname = ANY(%(ignore)s))
  AND NOT (c.relkind = 'S' AND c.relname = ANY(%(ignore_sequences)s))
ORDER BY 1, 2
"""

_ENUMS = """
SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
JOIN pg_namespace n ON n.oid = t.typnamespace
GROUP BY 1, 2 ORDER BY 1, 2
"""

_EXTENSIONS = "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1"

# Every schema but PostgreSQL's own (and each session's temporary ones): `public` too, so
# that a database without it differs from one with it.
_SCHEMAS = r"""
SELECT n.nspname FROM pg_namespace n
WHERE n.nspname <> ALL(%(system)s) AND n.nspname <> ALL(%(ignore_schemas)s)
  AND n.nspname !~ '^pg_(toast_)?temp_'
ORDER BY 1
"""

# What a `sql` block can make besides tables: sequences' settings, views' queries,
# functions, triggers, row-level security policies. Objects an extension owns are its own.
_NOT_FROM_AN_EXTENSION = """NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid}
    AND d.classid = '{catalog}'::regclass AND d.deptype = 'e')"""

_SEQUENCES = f"""
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       s.seqmin, s.seqmax, s.seqcache, s.seqcycle
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname <> ALL(%(system)s) AND NOT (c.relname = ANY(%(ignore_sequences)s))
  AND {_NOT_FROM_AN_EXTENSION.format(oid="c.oid", catalog="pg_class")}
ORDER BY 1, 2
"""

_VIEWS = f"""
SELECT n.nspname, c.relname, pg_get_viewdef(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND n.nspname <> ALL(%(system)s)
  AND {_NOT_FROM_AN_EXTENSION.format(oid="c.oid", catalog="pg_class")}
ORDER BY 1, 2
"""

_FUNCTIONS = f"""
SELECT n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       pg_get_functiondef(p.oid)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname <> ALL(%(system)s) AND p.prokind IN ('f', 'p')
  AND {_NOT_FROM_AN_EXTENSION.format(oid="p.oid", catalog="pg_proc")}
ORDER BY 1, 2
"""

_TRIGGERS = """
SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid)
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND n.nspname <> ALL(%(system)s)
  AND NOT (c.relname = ANY(%(ignore)s))
ORDER BY 1, 2, 3
"""

_POLICIES = """
SELECT schemaname, tablename, policyname, permissive, roles::text[], cmd, qual, with_check
FROM pg_policies WHERE schemaname <> ALL(%(system)s) ORDER BY 1, 2, 3
"""


def snapshot(connection: psycopg.Connection[Any], ignore_tables: tuple[str, ...] = (),
             ignore_schemas: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """The user schema as sorted rows per kind of object, leaving out `ignore_tables` and
    the schemas `ignore_schemas` (what pgshift's history table lives in, say)."""
    parameters = {
        "system": list(SYSTEM_SCHEMAS),
        "ignore": list(ignore_tables),
        "ignore_sequences": [f"{t}_id_seq" for t in ignore_tables],
        "ignore_schemas": list(ignore_schemas),
    }
    result: dict[str, list[tuple[Any, ...]]] = {}
    for kind, query in (("schemas", _SCHEMAS), ("tables", _TABLES), ("columns", _COLUMNS),
                        ("constraints", _CONSTRAINTS), ("indexes", _INDEXES),
                        ("sequences", _SEQUENCES), ("views", _VIEWS),
                        ("functions", _FUNCTIONS), ("triggers", _TRIGGERS),
                        ("policies", _POLICIES)):
        result[kind] = [tuple(row) for row in connection.execute(query.encode(), parameters)]
    result["enums"] = [tuple(row) for row in connection.execute(_ENUMS.encode())]
    result["extensions"] = [tuple(row) for row in connection.execute(_EXTENSIONS.encode())]
    return result


def live_snapshot(connection: psycopg.Connection[Any], history_table: str
                  ) -> dict[str, list[tuple[Any, ...]]]:
    """A migrated database's schema without what pgshift keeps in it: the history table,
    and its schema unless that is `public` (no migration may create the history table's
    schema: it exists before the first migration runs)."""
    schema, table = split_table_name(history_table)
    return snapshot(connection, ignore_tables=(table,),
                    ignore_schemas=() if schema == "public" else (schema,))
