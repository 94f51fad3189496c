"""A snapshot of a database's user schema from the system catalogs, in PostgreSQL's words.

Columns with their types, nullability, defaults, identity and generation; constraints via
pg_get_constraintdef; indexes via pg_get_indexdef, with whether they are valid; enums with
their labels in order; comments; extensions with their schema; and what `sql` blocks make:
sequences' settings, views, functions, triggers and row-level security policies; which
tables have row-level security enabled or forced; privileges granted on relations and
schemas (but their owners'). Two snapshots compare equal exactly when the schemas are the
same, which is how Up-then-Down is proven to leave nothing behind (`pgshift verify`), and
how drift is found.
"""

from __future__ import annotations

from typing import Any

import psycopg

from .externals import NO_EXTERNALS, ExternalObjects
from .table_name import split_table_name

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")

# What the migrations declare `external` (runner/externals.py) is left out: every object in
# an external schema, and each external table with what hangs off it (its columns,
# constraints, indexes, triggers, policies, and the sequences it owns) and each external
# type, by schema and name. `_EXTERNAL_RELATIONS` is computed once per query (an InitPlan).
_EXTERNAL_RELATIONS = """ARRAY(SELECT xc.oid FROM pg_class xc
    JOIN pg_namespace xn ON xn.oid = xc.relnamespace
    JOIN unnest(%(external_object_schemas)s::text[], %(external_object_names)s::text[])
      AS x(s, t) ON x.s = xn.nspname AND x.t = xc.relname)"""


def _owned(schema: str, relation: str | None = None) -> str:
    """SQL true for an object in `schema` (and of the table `relation`, an oid) that is not
    external."""
    condition = f"{schema} <> ALL(%(external_schemas)s)"
    if relation is not None:
        condition += f" AND {relation} <> ALL({_EXTERNAL_RELATIONS})"
    return condition


def _named_owned(schema: str, name: str) -> str:
    """SQL true for an object named (`schema`, `name`) that is not external."""
    return (f"{schema} <> ALL(%(external_schemas)s) AND NOT EXISTS (SELECT 1 FROM"
            " unnest(%(external_object_schemas)s::text[], %(external_object_names)s::text[])"
            f" AS x(s, t) WHERE x.s = {schema} AND x.t = {name})")


def _ignored(schema: str, name: str, names: str = "ignore") -> str:
    """SQL true for the relation (`schema`, `name`) when it is one of those to leave out
    (pgshift's history table, its id sequence), by schema and name: a table of the same
    name in another schema is the user's."""
    return (f"EXISTS (SELECT 1 FROM unnest(%({names}_schemas_of)s::text[],"
            f" %({names})s::text[]) AS x(s, t) WHERE x.s = {schema} AND x.t = {name})")


# A sequence an external table owns (serial, identity) is the table's.
_NOT_OWNED_BY_AN_EXTERNAL_TABLE = f"""NOT EXISTS (SELECT 1 FROM pg_depend od
    WHERE od.classid = 'pg_class'::regclass AND od.objid = c.oid
      AND od.refclassid = 'pg_class'::regclass AND od.deptype IN ('a', 'i')
      AND od.refobjid = ANY({_EXTERNAL_RELATIONS}))"""

_COLUMNS = f"""
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       coll.collname, col_description(c.oid, a.attnum)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation coll ON coll.oid = a.attcollation AND a.attcollation <> 100
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname <> ALL(%(system)s) AND NOT {_ignored('n.nspname', 'c.relname')}
  AND {_owned("n.nspname", "c.oid")}
ORDER BY 1, 2, 3
"""

_CONSTRAINTS = f"""
SELECT n.nspname, c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),
       comment.description
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description comment ON comment.objoid = con.oid
  AND comment.classoid = 'pg_constraint'::regclass AND comment.objsubid = 0
WHERE n.nspname <> ALL(%(system)s) AND NOT {_ignored('n.nspname', 'c.relname')}
  AND {_owned("n.nspname", "c.oid")}
ORDER BY 1, 2, 3
"""

_INDEXES = f"""
SELECT n.nspname, i.relname, pg_get_indexdef(i.oid), obj_description(i.oid, 'pg_class'),
       x.indisvalid
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = i.relnamespace
WHERE n.nspname <> ALL(%(system)s) AND NOT {_ignored('n.nspname', 't.relname')}
  AND {_owned("n.nspname", "t.oid")}
ORDER BY 1, 2
"""

_TABLES = f"""
SELECT n.nspname, c.relname, c.relkind, obj_description(c.oid, 'pg_class'),
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
       CASE WHEN c.relispartition THEN (SELECT format('%%s %%s', i.inhparent::regclass,
           pg_get_expr(c.relpartbound, c.oid)) FROM pg_inherits i WHERE i.inhrelid = c.oid)
       END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') AND n.nspname <> ALL(%(system)s)
  AND NOT {_ignored('n.nspname', 'c.relname')}
  AND NOT (c.relkind = 'S' AND {_ignored('n.nspname', 'c.relname', 'ignore_sequences')})
  AND {_owned("n.nspname", "c.oid")} AND {_NOT_OWNED_BY_AN_EXTERNAL_TABLE}
ORDER BY 1, 2
"""

_ENUMS = f"""
SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE {_named_owned("n.nspname", "t.typname")}
GROUP BY 1, 2 ORDER BY 1, 2
"""

_EXTENSIONS = """
SELECT x.extname, n.nspname FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
WHERE x.extname <> 'plpgsql' ORDER BY 1
"""

# Every schema but PostgreSQL's own (and each session's temporary ones): `public` too, so
# that a database without it differs from one with it.
_SCHEMAS = rf"""
SELECT n.nspname, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n
WHERE n.nspname <> ALL(%(system)s) AND n.nspname <> ALL(%(ignore_schemas)s)
  AND n.nspname !~ '^pg_(toast_)?temp_' AND {_owned("n.nspname")}
ORDER BY 1
"""

# What a `sql` block can make besides tables: sequences' settings, views' queries,
# functions, triggers, row-level security policies. Objects an extension owns are its own.
_NOT_FROM_AN_EXTENSION = """NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid}
    AND d.classid = '{catalog}'::regclass AND d.deptype = 'e')"""

_SEQUENCES = f"""
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       (SELECT format('%%I.%%I', t.relname, a.attname) FROM pg_depend d
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname <> ALL(%(system)s) AND NOT {_ignored('n.nspname', 'c.relname', 'ignore_sequences')}
  AND {_NOT_FROM_AN_EXTENSION.format(oid="c.oid", catalog="pg_class")}
  AND {_owned("n.nspname", "c.oid")} AND {_NOT_OWNED_BY_AN_EXTERNAL_TABLE}
ORDER BY 1, 2
"""

# A view's options as `name=value` (booleans as `true`/`false`, however they were written),
# and whether a materialized view is populated (made `with no data` and never refreshed).
_VIEWS = f"""
SELECT n.nspname, c.relname, pg_get_viewdef(c.oid),
       ARRAY(SELECT o.option_name || '=' || CASE WHEN o.option_name IN ('security_barrier',
                    'security_invoker') THEN o.option_value::boolean::text
                    ELSE o.option_value END
             FROM pg_options_to_table(c.reloptions) o ORDER BY 1),
       c.relispopulated
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND n.nspname <> ALL(%(system)s)
  AND {_NOT_FROM_AN_EXTENSION.format(oid="c.oid", catalog="pg_class")}
  AND {_owned("n.nspname")}
ORDER BY 1, 2
"""

_FUNCTIONS = f"""
SELECT n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname <> ALL(%(system)s) AND p.prokind IN ('f', 'p')
  AND {_NOT_FROM_AN_EXTENSION.format(oid="p.oid", catalog="pg_proc")}
  AND {_owned("n.nspname")} AND NOT EXISTS (SELECT 1 FROM
      unnest(%(external_function_schemas)s::text[], %(external_function_names)s::text[])
      AS x(s, f) WHERE x.s = n.nspname AND x.f = p.proname)
ORDER BY 1, 2
"""

_TRIGGERS = f"""
SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid)
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND n.nspname <> ALL(%(system)s)
  AND NOT {_ignored('n.nspname', 'c.relname')} AND {_owned("n.nspname", "c.oid")}
ORDER BY 1, 2, 3
"""

_POLICIES = f"""
SELECT schemaname, tablename, policyname, permissive, roles::text[], cmd, qual, with_check
FROM pg_policies WHERE schemaname <> ALL(%(system)s)
  AND {_named_owned("schemaname", "tablename")}
ORDER BY 1, 2, 3
"""


# Row-level security of each table where it is enabled or forced (ALTER TABLE … ROW LEVEL
# SECURITY): a table with neither has no row.
_ROW_SECURITY = f"""
SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND (c.relrowsecurity OR c.relforcerowsecurity)
  AND n.nspname <> ALL(%(system)s) AND NOT {_ignored('n.nspname', 'c.relname')}
  AND {_owned("n.nspname", "c.oid")}
ORDER BY 1, 2
"""


# The functions whose privileges a snapshot compares: the migrations', not an extension's.
_GRANTED_FUNCTION = f"""n.nspname <> ALL(%(system)s) AND p.prokind IN ('f', 'p')
  AND {_NOT_FROM_AN_EXTENSION.format(oid="p.oid", catalog="pg_proc")}
  AND {_owned("n.nspname")} AND NOT EXISTS (SELECT 1 FROM
      unnest(%(external_function_schemas)s::text[], %(external_function_names)s::text[])
      AS x(s, f) WHERE x.s = n.nspname AND x.f = p.proname)"""

# Privileges granted on tables, views, sequences, schemas and functions, but their owners'
# own: one row per object and grantee ('public' for PUBLIC), privileges in order, `*` after
# one held WITH GRANT OPTION. A NULL ACL (no GRANT ever) and one holding only the owner's
# read the same. A function's EXECUTE for PUBLIC, PostgreSQL's own default, has no row
# (whether its ACL is NULL or says so); a function without it has 'no EXECUTE' for PUBLIC.
_GRANTS = f"""
SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END, n.nspname, c.relname,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END,
       string_agg(a.privilege_type || CASE WHEN a.is_grantable THEN '*' ELSE '' END, ', '
                  ORDER BY a.privilege_type)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
     aclexplode(c.relacl) a
WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') AND a.grantee <> c.relowner
  AND n.nspname <> ALL(%(system)s) AND NOT {_ignored('n.nspname', 'c.relname')}
  AND {_owned("n.nspname", "c.oid")}
GROUP BY 1, 2, 3, 4
UNION ALL
SELECT 'schema', n.nspname, '',
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END,
       string_agg(a.privilege_type || CASE WHEN a.is_grantable THEN '*' ELSE '' END, ', '
                  ORDER BY a.privilege_type)
FROM pg_namespace n, aclexplode(n.nspacl) a
WHERE a.grantee <> n.nspowner AND n.nspname <> ALL(%(system)s)
  AND n.nspname <> ALL(%(ignore_schemas)s) AND n.nspname !~ '^pg_(toast_)?temp_'
  AND {_owned("n.nspname")}
GROUP BY 1, 2, 3, 4
UNION ALL
SELECT 'function', n.nspname,
       p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END,
       string_agg(a.privilege_type || CASE WHEN a.is_grantable THEN '*' ELSE '' END, ', '
                  ORDER BY a.privilege_type)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
     aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
WHERE a.grantee <> p.proowner AND {_GRANTED_FUNCTION}
GROUP BY 1, 2, 3, 4
HAVING NOT (bool_and(a.grantee = 0) AND string_agg(a.privilege_type || CASE WHEN
            a.is_grantable THEN '*' ELSE '' END, ', ') = 'EXECUTE')
UNION ALL
SELECT 'function', n.nspname,
       p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', 'public',
       'no EXECUTE'
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE NOT has_function_privilege('public', p.oid, 'EXECUTE') AND {_GRANTED_FUNCTION}
ORDER BY 1, 2, 3, 4
"""


def snapshot(connection: psycopg.Connection[Any], ignore_tables: tuple[str, ...] = (),
             ignore_schemas: tuple[str, ...] = (),
             external: ExternalObjects = NO_EXTERNALS) -> dict[str, list[tuple[Any, ...]]]:
    """The user schema as sorted rows per kind of object, leaving out `ignore_tables`
    (TABLE or SCHEMA.TABLE: pgshift's history table) and the schemas `ignore_schemas`
    (what the history table lives in, say), and what the migrations declare `external`."""
    ignored = [split_table_name(table) for table in ignore_tables]
    parameters = {
        "system": list(SYSTEM_SCHEMAS),
        "ignore_schemas_of": [schema for schema, _ in ignored],
        "ignore": [table for _, table in ignored],
        "ignore_sequences_schemas_of": [schema for schema, _ in ignored],
        "ignore_sequences": [f"{table}_id_seq" for _, table in ignored],
        "ignore_schemas": list(ignore_schemas),
        "external_schemas": list(external.schemas),
        "external_object_schemas": [schema for schema, _ in external.objects],
        "external_object_names": [name for _, name in external.objects],
        "external_function_schemas": [schema for schema, _ in external.functions],
        "external_function_names": [name for _, name in external.functions],
    }
    result: dict[str, list[tuple[Any, ...]]] = {}
    for kind, query in (("schemas", _SCHEMAS), ("tables", _TABLES), ("columns", _COLUMNS),
                        ("constraints", _CONSTRAINTS), ("indexes", _INDEXES),
                        ("sequences", _SEQUENCES), ("views", _VIEWS),
                        ("functions", _FUNCTIONS), ("triggers", _TRIGGERS),
                        ("policies", _POLICIES), ("row_security", _ROW_SECURITY),
                        ("grants", _GRANTS)):
        result[kind] = [tuple(row) for row in connection.execute(query.encode(), parameters)]
    result["enums"] = [tuple(row) for row in connection.execute(_ENUMS.encode(), parameters)]
    result["extensions"] = [tuple(row) for row in connection.execute(_EXTENSIONS.encode())]
    return result


def live_snapshot(connection: psycopg.Connection[Any], history_table: str,
                  external: ExternalObjects = NO_EXTERNALS
                  ) -> dict[str, list[tuple[Any, ...]]]:
    """A migrated database's schema without what pgshift keeps in it: the history table,
    and its schema unless that is `public` (no migration may create the history table's
    schema: it exists before the first migration runs); and without what the migrations
    declare `external`."""
    schema, table = split_table_name(history_table)
    return snapshot(connection, ignore_tables=(f"{schema}.{table}",),
                    ignore_schemas=() if schema == "public" else (schema,), external=external)
