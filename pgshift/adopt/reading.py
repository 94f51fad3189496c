"""Read a live database's schemas into `model` records, from the system catalogs.

Only the schemas asked for are read, never an extension's own objects, and never the
migration history table. Where a catalog column is newer than PostgreSQL 14 (NOT NULL
constraints, NULLS NOT DISTINCT, NOT ENFORCED), an older server reads its default.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg

from .externals import read_externals
from .records import (
    Column,
    Constraint,
    Database,
    Enum,
    Extension,
    Index,
    IndexKey,
    Key,
    Sequence,
    Table,
)
from .sql_blocks import grants, policies, unmodelled_objects

# An object an extension made belongs to the extension: `extension vector` makes it again.
NOT_FROM_AN_EXTENSION = """NOT EXISTS (SELECT 1 FROM pg_depend x_dep WHERE x_dep.objid = {oid}
    AND x_dep.classid = '{catalog}'::regclass AND x_dep.deptype = 'e')"""

_SCHEMAS = "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%(schemas)s)"

_EXTENSIONS = """
SELECT x.extname, n.nspname FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
WHERE x.extname <> 'plpgsql' ORDER BY 1
"""

_ENUMS = f"""
SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY(%(schemas)s) AND {NOT_FROM_AN_EXTENSION.format(oid="t.oid",
                                                                     catalog="pg_type")}
GROUP BY 1, 2 ORDER BY 1, 2
"""

# A partition's parent and bound, when it holds nothing of its own: no column, constraint,
# index, trigger, policy or comment that its parent did not give it, no default of its own,
# no storage parameter, no grant; and its keys, indexes, foreign keys and NOT NULLs named
# as `partition NAME of PARENT` names them (a table attached keeps its own names). Else
# NULL: it is written as it is today, left out.
_PARTITION_OF = """CASE WHEN c.relispartition AND c.relkind = 'r'
    AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.conislocal)
    AND NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_constraint pk ON pk.oid = k.conparentid
                    WHERE k.conrelid = c.oid AND k.contype = 'f' AND k.conname <> pk.conname)
    AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]
                    JOIN pg_inherits h ON h.inhrelid = c.oid
                    JOIN pg_attribute pa ON pa.attrelid = h.inhparent AND pa.attname = a.attname
                    WHERE k.conrelid = c.oid AND k.contype = 'n' AND NOT EXISTS (
                        SELECT 1 FROM pg_constraint pk WHERE pk.conrelid = h.inhparent
                        AND pk.contype = 'n' AND pk.conkey[1] = pa.attnum
                        AND pk.conname = k.conname))
    AND NOT EXISTS (SELECT 1 FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
                    JOIN pg_inherits hi ON hi.inhrelid = x.indexrelid
                    WHERE x.indrelid = c.oid AND ic.relname IS DISTINCT FROM
                      c.relname || '_' || CASE WHEN x.indisprimary THEN 'pkey' ELSE
                        (SELECT string_agg(ia.attname, '_' ORDER BY ia.attnum)
                         FROM pg_attribute ia WHERE ia.attrelid = hi.inhparent)
                        || CASE WHEN EXISTS (SELECT 1 FROM pg_constraint u
                                             WHERE u.conindid = x.indexrelid
                                             AND u.conrelid = c.oid AND u.contype = 'u')
                                THEN '_key' ELSE '_idx' END END)
    AND NOT EXISTS (SELECT 1 FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
                    WHERE x.indrelid = c.oid AND NOT ic.relispartition)
    AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                    JOIN pg_inherits h ON h.inhrelid = c.oid
                    LEFT JOIN pg_attribute pa ON pa.attrelid = h.inhparent
                      AND pa.attname = a.attname
                    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                    LEFT JOIN pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                      AND (a.attislocal OR col_description(c.oid, a.attnum) IS NOT NULL
                           OR pg_get_expr(d.adbin, d.adrelid)
                              IS DISTINCT FROM pg_get_expr(pd.adbin, pd.adrelid)))
    AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal
                    AND t.tgparentid = 0)
    AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)
    AND obj_description(c.oid, 'pg_class') IS NULL AND c.reloptions IS NULL
    AND c.relacl IS NULL AND NOT c.relrowsecurity AND c.relpersistence = 'p'
    THEN (SELECT ARRAY[pn.nspname::text, pc.relname::text, pg_get_expr(c.relpartbound, c.oid)]
          FROM pg_inherits h JOIN pg_class pc ON pc.oid = h.inhparent
          JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE h.inhrelid = c.oid) END"""

_TABLES = f"""
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.relispartition,
       EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid), c.reloftype <> 0,
       coalesce(c.reloptions, '{{}}'), c.relrowsecurity, c.relforcerowsecurity,
       obj_description(c.oid, 'pg_class'),
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
       {_PARTITION_OF}
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(%(schemas)s)
  AND NOT (n.nspname = %(history_schema)s AND c.relname = %(history_table)s)
  AND {NOT_FROM_AN_EXTENSION.format(oid="c.oid", catalog="pg_class")}
ORDER BY 2, 3
"""

_COLUMNS = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), et.typtype,
       a.attnotnull, {not_null_name}, pg_get_expr(d.adbin, d.adrelid), a.attidentity,
       a.attgenerated,
       CASE WHEN a.attcollation <> t.typcollation THEN cn.nspname END,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
       col_description(a.attrelid, a.attnum)
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE a.attrelid = ANY(%(tables)s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""
_NOT_NULL_NAME = """(SELECT nn.conname FROM pg_constraint nn WHERE nn.conrelid = a.attrelid
    AND nn.contype = 'n' AND nn.conkey[1] = a.attnum)"""


def _column_names(array: str, table: str) -> str:
    return f"""ARRAY(SELECT a.attname FROM unnest({array}) WITH ORDINALITY k(number, place)
    JOIN pg_attribute a ON a.attrelid = {table} AND a.attnum = k.number ORDER BY k.place)"""


_CONSTRAINTS = f"""
SELECT con.conrelid, con.conname, con.contype, {_column_names("con.conkey", "con.conrelid")},
       pg_get_constraintdef(con.oid), pg_get_expr(con.conbin, con.conrelid),
       fn.nspname, fc.relname, {_column_names("con.confkey", "con.confrelid")},
       con.confdeltype, con.confupdtype, con.confmatchtype = 'f', con.condeferrable,
       con.convalidated, con.connoinherit, {{enforced}}, {{nulls_distinct}},
       ic.oid IS NULL OR (ix.indnatts = ix.indnkeyatts AND ic.reloptions IS NULL
                          AND ic.reltablespace = 0),
       {{delete_set_columns}}, obj_description(con.oid, 'pg_constraint')
FROM pg_constraint con
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_class ic ON ic.oid = con.conindid AND con.contype IN ('p', 'u', 'x')
LEFT JOIN pg_index ix ON ix.indexrelid = ic.oid
WHERE con.conrelid = ANY(%(tables)s)
ORDER BY con.conrelid, con.conname
"""

_INDEXES = """
SELECT i.oid, n.nspname, i.relname, t.relname, t.relkind = 'm', x.indisunique, am.amname,
       x.indnkeyatts, coalesce(i.reloptions, '{{}}'), pg_get_expr(x.indpred, x.indrelid),
       {nulls_distinct}, x.indisvalid, pg_get_indexdef(i.oid),
       obj_description(i.oid, 'pg_class')
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = i.relnamespace
JOIN pg_am am ON am.oid = i.relam
WHERE x.indrelid = ANY(%(relations)s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid
                  AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x'))
ORDER BY 2, 3
"""

_INDEX_KEYS = """
SELECT x.indexrelid, k.place, pg_get_indexdef(x.indexrelid, k.place, false),
       a.attname, oc.opcname, ocn.nspname, oc.opcdefault, x.indoption[k.place - 1],
       x.indcollation[k.place - 1], a.attcollation,
       ia.attoptions IS NOT NULL
FROM pg_index x
CROSS JOIN LATERAL generate_series(1, x.indnatts) AS k(place)
LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[k.place - 1]
  AND x.indkey[k.place - 1] <> 0
LEFT JOIN pg_opclass oc ON oc.oid = x.indclass[k.place - 1] AND k.place <= x.indnkeyatts
LEFT JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
LEFT JOIN pg_attribute ia ON ia.attrelid = x.indexrelid AND ia.attnum = k.place
WHERE x.indexrelid = ANY(%(indexes)s)
ORDER BY 1, 2
"""

_SEQUENCES = f"""
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       s.seqmin, s.seqmax, s.seqcache, s.seqcycle, tc.relname, ta.attname, d.deptype = 'i',
       obj_description(c.oid, 'pg_class')
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
LEFT JOIN pg_class tc ON tc.oid = d.refobjid
LEFT JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid
WHERE n.nspname = ANY(%(schemas)s)
  AND {NOT_FROM_AN_EXTENSION.format(oid="c.oid", catalog="pg_class")}
  AND NOT (n.nspname = %(history_schema)s AND tc.relname IS NOT DISTINCT FROM
           %(history_table)s)
ORDER BY 1, 2
"""

_MATERIALIZED_VIEWS = """
SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'm' AND n.nspname = ANY(%(schemas)s)
"""


def read_database(connection: psycopg.Connection[Any], schemas: list[str],
                  history_table: Key) -> Database:
    """Everything in `schemas` that a migration would have to make."""
    version = connection.info.server_version
    parameters: dict[str, Any] = {"schemas": schemas, "history_schema": history_table[0],
                                  "history_table": history_table[1]}
    found = [row[0] for row in _rows(connection, _SCHEMAS, parameters)]
    database = Database(schemas=[s for s in schemas if s in found])
    database.extensions = [Extension(name, schema)
                           for name, schema in _rows(connection, _EXTENSIONS, parameters)]
    database.enums = [Enum(schema, name, tuple(labels))
                      for schema, name, labels in _rows(connection, _ENUMS, parameters)]
    database.sequences = [
        Sequence(schema, name, type_name, start, increment, low, high, cache, cycle,
                 (table, column) if table is not None else None, bool(identity), comment)
        for (schema, name, type_name, start, increment, low, high, cache, cycle, table,
             column, identity, comment) in _rows(connection, _SEQUENCES, parameters)]
    tables = _tables(connection, parameters, version)
    database.tables = list(tables.values())
    views = [row[0] for row in _rows(connection, _MATERIALIZED_VIEWS, parameters)]
    database.indexes = _indexes(connection, [*tables, *views], version)
    read_externals(connection, database, list(tables))
    database.raw, database.skipped = unmodelled_objects(connection, parameters)
    database.policies = policies(connection, parameters)
    database.grants = grants(connection, parameters)
    return database


_PARTITION_KEY = re.compile(r"(RANGE|LIST|HASH) \(((?:[a-z_][a-z0-9_$]*|\"(?:[^\"]|\"\")+\")"
                            r"(?:, (?:[a-z_][a-z0-9_$]*|\"(?:[^\"]|\"\")+\"))*)\)")


def _partition_by(definition: str | None) -> str | None:
    """`range (created_at)` for PostgreSQL's `RANGE (created_at)`; None for a key of
    expressions, an operator class or a collation, which the language does not write."""
    found = _PARTITION_KEY.fullmatch(definition or "")
    if found is None:
        return None
    return f"{found.group(1).lower()} ({found.group(2)})"


def _rows(connection: psycopg.Connection[Any], query: str,
          parameters: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.execute(query.encode(), parameters)]


def _tables(connection: psycopg.Connection[Any], parameters: dict[str, Any],
            version: int) -> dict[int, Table]:
    tables: dict[int, Table] = {}
    for (oid, schema, name, kind, persistence, partition, inherits, typed, options,
         row_security, force_row_security, comment, partition_key,
         partition_of) in _rows(connection, _TABLES, parameters):
        table = Table(schema, name, comment=comment, options=tuple(options),
                      row_security=row_security, force_row_security=force_row_security,
                      unlogged=persistence == "u")
        table.unmodelled = ("partitioned" if kind == "p" else "a partition" if partition
                            else "inherits from another table" if inherits
                            else "a typed table" if typed else None)
        if kind == "p" and not partition:
            table.partition_by = _partition_by(partition_key)
            if table.partition_by is not None:
                table.unmodelled = None
        if partition_of is not None:
            table.partition_of = (partition_of[0], partition_of[1])
            table.partition_bound = partition_of[2]
        tables[oid] = table
    by_oid = {"tables": list(tables)}
    columns = _COLUMNS.format(not_null_name=_NOT_NULL_NAME if version >= 180000 else "NULL")
    for (oid, name, type_name, type_kind, not_null, not_null_name, default, identity,
         generated, collation_schema, collation, comment) in _rows(connection, columns,
                                                                  by_oid):
        tables[oid].columns.append(Column(
            name, type_name, type_kind, not_null, not_null_name, default, identity,
            generated, (collation_schema, collation) if collation else None, comment))
    constraints = _CONSTRAINTS.format(
        enforced="con.conenforced" if version >= 180000 else "true",
        nulls_distinct="NOT coalesce(ix.indnullsnotdistinct, false)" if version >= 150000
        else "true",
        delete_set_columns="con.confdelsetcols IS NOT NULL" if version >= 150000 else "false")
    for (oid, name, kind, columns_of, definition, expression, ref_schema, ref_table,
         ref_columns, on_delete, on_update, match_full, deferrable, validated, no_inherit,
         enforced, nulls_distinct, plain_index, delete_set_columns,
         comment) in _rows(connection, constraints, by_oid):
        tables[oid].constraints.append(Constraint(
            name, kind, tuple(columns_of), definition, expression,
            (ref_schema, ref_table) if ref_table is not None else None, tuple(ref_columns),
            on_delete, on_update, match_full, deferrable, validated, no_inherit, enforced,
            nulls_distinct, plain_index, delete_set_columns, comment))
    return tables


def _indexes(connection: psycopg.Connection[Any], relations: list[int],
             version: int) -> list[Index]:
    query = _INDEXES.format(nulls_distinct="NOT x.indnullsnotdistinct" if version >= 150000
                            else "true")
    rows = _rows(connection, query, {"relations": relations})
    keys: dict[int, list[IndexKey]] = {}
    include: dict[int, list[str]] = {}
    key_counts = {row[0]: row[7] for row in rows}
    for (oid, place, text, column, opclass, opclass_schema, opclass_default, option,
         collation, column_collation, options) in _rows(connection, _INDEX_KEYS,
                                                        {"indexes": list(key_counts)}):
        if place > key_counts[oid]:
            include.setdefault(oid, []).append(column)
            continue
        named = None if opclass is None or opclass_default else (opclass_schema, opclass)
        own_collation = (collation != column_collation if column is not None
                         else collation not in (0, 100))
        keys.setdefault(oid, []).append(IndexKey(
            column, None if column is not None else text, named, bool(option & 1),
            bool(option & 2), own_collation, options))
    indexes = []
    for (oid, schema, name, table, on_view, unique, method, _, options, predicate,
         nulls_distinct, valid, definition, comment) in rows:
        parameters = tuple(tuple(option.split("=", 1)) for option in options)
        indexes.append(Index(schema, name, table, unique, method, tuple(keys.get(oid, ())),
                             tuple(include.get(oid, ())),
                             parameters,
                             predicate, nulls_distinct, valid, definition, comment, on_view))
    return indexes
