"""What the language does not model, read from the catalog as SQL that makes it again.

Each object becomes a `RawObject`: the server's own deparse of it (`pg_get_functiondef`,
`pg_get_viewdef`, `pg_get_triggerdef`, …) as its Up, and the one DROP that removes it as its
Down, for a person to check. Kinds that no deparse function covers are listed as skipped.
"""

from __future__ import annotations

import re
from graphlib import TopologicalSorter
from typing import Any

import psycopg

from ..compiler.quoting import quote_ident
from .language import name as language_name
from .language import string
from .records import Grant, Policy, RawObject
from .routines import function_statement, trigger_statement
from .views import view_statement

_NOT_FROM_AN_EXTENSION = """NOT EXISTS (SELECT 1 FROM pg_depend x_dep WHERE x_dep.objid = {oid}
    AND x_dep.classid = '{catalog}'::regclass AND x_dep.deptype = 'e')"""


def _outside_extensions(oid: str, catalog: str) -> str:
    return _NOT_FROM_AN_EXTENSION.format(oid=oid, catalog=catalog)


_SCHEMAS = """
SELECT format('%%I', nspname), obj_description(oid, 'pg_namespace'), nspname FROM pg_namespace
WHERE nspname = ANY(%(schemas)s) AND nspname <> 'public' ORDER BY 1
"""

_DOMAINS = f"""
SELECT format('%%I.%%I', n.nspname, t.typname), format_type(t.typbasetype, t.typtypmod),
       CASE WHEN t.typcollation <> b.typcollation THEN
            format(' COLLATE %%I.%%I', cn.nspname, co.collname) ELSE '' END,
       t.typdefault, t.typnotnull,
       ARRAY(SELECT format(' CONSTRAINT %%I %%s', con.conname, pg_get_constraintdef(con.oid))
             FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c'
             ORDER BY con.conname)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type b ON b.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE t.typtype = 'd' AND n.nspname = ANY(%(schemas)s)
  AND {_outside_extensions("t.oid", "pg_type")}
ORDER BY 1
"""

_COMPOSITES = f"""
SELECT format('%%I.%%I', n.nspname, t.typname),
       ARRAY(SELECT format('%%I %%s', a.attname, format_type(a.atttypid, a.atttypmod))
             FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0
               AND NOT a.attisdropped ORDER BY a.attnum)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid
WHERE t.typtype = 'c' AND c.relkind = 'c' AND n.nspname = ANY(%(schemas)s)
  AND {_outside_extensions("t.oid", "pg_type")}
ORDER BY 1
"""

# Functions that a table's default, check or index uses must exist before the table.
_FUNCTIONS = f"""
SELECT format('%%I.%%I(%%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
       p.prokind, pg_get_functiondef(p.oid),
       EXISTS (SELECT 1 FROM pg_depend d WHERE d.refclassid = 'pg_proc'::regclass
               AND d.refobjid = p.oid AND d.classid IN ('pg_attrdef'::regclass,
               'pg_constraint'::regclass, 'pg_class'::regclass, 'pg_type'::regclass)),
       obj_description(p.oid, 'pg_proc'),
       p.prokind IN ('f', 'p') AND NOT 't' = ANY(coalesce(p.proargmodes, '{{}}'))
         AND p.pronargdefaults = 0 AND NOT p.proleakproof AND p.procost = 100
         AND p.prorows = CASE WHEN p.proretset THEN 1000 ELSE 0 END
         AND p.prosqlbody IS NULL AND p.probin IS NULL AND l.lanname NOT IN ('c', 'internal'),
       n.nspname, p.proname,
       ARRAY(SELECT format_type(a.t, NULL)
             FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]))
             WITH ORDINALITY AS a(t, i) ORDER BY a.i),
       p.proargnames, p.proretset, format_type(p.prorettype, NULL), l.lanname, p.provolatile,
       p.proisstrict, p.prosecdef, p.prosrc, obj_description(p.oid, 'pg_proc'),
       p.proargmodes::text[], p.proparallel, p.proconfig, p.prokind
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p') AND n.nspname = ANY(%(schemas)s)
  AND {_outside_extensions("p.oid", "pg_proc")}
ORDER BY 1
"""

_VIEWS = f"""
SELECT c.oid, format('%%I.%%I', n.nspname, c.relname), c.relkind = 'm',
       rtrim(pg_get_viewdef(c.oid), ';'), coalesce(c.reloptions, '{{}}'), c.relispopulated,
       obj_description(c.oid, 'pg_class'),
       ARRAY(SELECT format('%%I', a.attname) || ' IS ' || quote_literal(d.description)
             FROM pg_attribute a JOIN pg_description d ON d.objoid = c.oid
               AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
             WHERE a.attrelid = c.oid ORDER BY a.attnum),
       ARRAY(SELECT DISTINCT dep.refobjid FROM pg_rewrite r
             JOIN pg_depend dep ON dep.classid = 'pg_rewrite'::regclass AND dep.objid = r.oid
               AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid <> c.oid
             WHERE r.ev_class = c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY(%(schemas)s)
  AND {_outside_extensions("c.oid", "pg_class")}
"""

_TRIGGERS = f"""
SELECT format('%%I on %%I.%%I', t.tgname, n.nspname, c.relname), pg_get_triggerdef(t.oid),
       format('%%I ON %%I.%%I', t.tgname, n.nspname, c.relname),
       format('%%I.%%I', n.nspname, c.relname), format('%%I', t.tgname), t.tgenabled,
       obj_description(t.oid, 'pg_trigger'),
       t.tgconstraint = 0 AND t.tgoldtable IS NULL AND t.tgnewtable IS NULL
         AND t.tgparentid = 0 AND c.relkind IN ('r', 'v'),
       pg_get_triggerdef(t.oid), t.tgname, n.nspname, c.relname, t.tgtype::int,
       ARRAY(SELECT a.attname::text FROM unnest(t.tgattr::int2[]) WITH ORDINALITY AS u(k, i)
             JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = u.k ORDER BY u.i),
       fn.nspname, fp.proname, t.tgargs, t.tgnargs, t.tgenabled,
       obj_description(t.oid, 'pg_trigger')
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_proc fp ON fp.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = fp.pronamespace
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND n.nspname = ANY(%(schemas)s)
  AND NOT (n.nspname = %(history_schema)s AND c.relname = %(history_table)s)
  AND {_outside_extensions("t.oid", "pg_trigger")}
ORDER BY 1
"""

# Policies, written in the language (adopt/writing.py); as SQL where the compiler refuses one.
_POLICIES = """
SELECT n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END
             FROM unnest(p.polroles) AS r ORDER BY r),
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s) ORDER BY 1, 2, 3
"""

# Kinds of object no deparse function covers: named, not written.
_SKIPPED = f"""
SELECT 'range type', format('%%I.%%I', n.nspname, t.typname)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'r' AND n.nspname = ANY(%(schemas)s) AND {_outside_extensions("t.oid", "pg_type")}
UNION ALL
SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END,
       format('%%I.%%I', n.nspname, p.proname)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('a', 'w') AND n.nspname = ANY(%(schemas)s)
  AND {_outside_extensions("p.oid", "pg_proc")}
UNION ALL
SELECT 'rule', format('%%I on %%I.%%I', r.rulename, n.nspname, c.relname)
FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN' AND n.nspname = ANY(%(schemas)s)
UNION ALL
SELECT 'foreign table', format('%%I.%%I', n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'f' AND n.nspname = ANY(%(schemas)s)
UNION ALL
SELECT 'statistics object', format('%%I.%%I', n.nspname, s.stxname)
FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
WHERE n.nspname = ANY(%(schemas)s)
UNION ALL
SELECT 'collation', format('%%I.%%I', n.nspname, c.collname)
FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE n.nspname = ANY(%(schemas)s) AND {_outside_extensions("c.oid", "pg_collation")}
UNION ALL
SELECT 'operator', format('%%s.%%s', n.nspname, o.oprname)
FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
WHERE n.nspname = ANY(%(schemas)s) AND {_outside_extensions("o.oid", "pg_operator")}
UNION ALL
SELECT 'text search configuration', format('%%I.%%I', n.nspname, c.cfgname)
FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
WHERE n.nspname = ANY(%(schemas)s) AND {_outside_extensions("c.oid", "pg_ts_config")}
UNION ALL
SELECT 'event trigger', format('%%I', e.evtname) FROM pg_event_trigger e
WHERE {_outside_extensions("e.oid", "pg_event_trigger")}
ORDER BY 1, 2
"""

_COMMANDS = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}


def literal(text: str) -> str:
    """A standard SQL string literal, as the server's own quote_literal writes one."""
    return "'" + text.replace("'", "''") + "'"


def unmodelled_objects(connection: psycopg.Connection[Any], parameters: dict[str, Any]
                       ) -> tuple[list[RawObject], list[tuple[str, str]]]:
    """Every object of the schemas that the language cannot write, as SQL; and the kinds
    that pull does not write at all, each as (object, why)."""
    def rows(query: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in connection.execute(query.encode(), parameters)]

    raw: list[RawObject] = []
    for name, comment, plain in rows(_SCHEMAS):
        said = f"schema {language_name(plain)}" + (
            f"\ncomment on schema {language_name(plain)} is {string(comment)}" if comment else "")
        raw.append(RawObject("schema", name, f"CREATE SCHEMA {name};" + _comment(
            "SCHEMA", name, comment), f"DROP SCHEMA {name};", "first", language=said))
    raw += [_domain(*row) for row in rows(_DOMAINS)]
    for name, attributes in rows(_COMPOSITES):
        raw.append(RawObject("composite type", name,
                             f"CREATE TYPE {name} AS ({', '.join(attributes)});",
                             f"DROP TYPE {name};", "types"))
    raw += [_function(row[0], row[1], row[2], row[3], row[4],
                      language=function_statement(*row[5:])) for row in rows(_FUNCTIONS)]
    raw += _views(rows(_VIEWS))
    raw += [_trigger(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                     language=trigger_statement(*row[7:])) for row in rows(_TRIGGERS)]
    skipped = [(f"{kind} {name}", "the language does not model it and pull does not write"
                " it: add it to the migration by hand, as a sql block")
               for kind, name in rows(_SKIPPED)]
    return raw, skipped


def _comment(kind: str, name: str, comment: str | None) -> str:
    return f"\nCOMMENT ON {kind} {name} IS {literal(comment)};" if comment else ""


def _domain(name: str, base: str, collation: str, default: str | None, not_null: bool,
            checks: list[str]) -> RawObject:
    text = f"CREATE DOMAIN {name} AS {base}{collation}"
    text += f" DEFAULT {default}" if default is not None else ""
    text += " NOT NULL" if not_null else ""
    return RawObject("domain", name, text + "".join(checks) + ";", f"DROP DOMAIN {name};",
                     "types")


def _function(signature: str, kind: str, definition: str, used_by_tables: bool,
              comment: str | None, language: str | None = None) -> RawObject:
    """A function or procedure; in the language (routines.py) unless a table uses it,
    which it must exist before."""
    what = "PROCEDURE" if kind == "p" else "FUNCTION"
    return RawObject(what.lower(), signature,
                     definition.strip() + ";" + _comment(what, signature, comment),
                     f"DROP {what} {signature};",
                     "before tables" if used_by_tables else "after tables",
                     language=None if used_by_tables else language)


def _views(rows: list[tuple[Any, ...]]) -> list[RawObject]:
    """Views and materialized views, each after the views it reads from."""
    by_oid = {row[0]: row for row in rows}
    order = TopologicalSorter({oid: [r for r in row[8] if r in by_oid]
                               for oid, row in sorted(by_oid.items(), key=lambda i: i[1][1])})
    made = []
    for oid in order.static_order():
        _, name, materialized, query, options, populated, comment, column_comments, _ = \
            by_oid[oid]
        kind = "MATERIALIZED VIEW" if materialized else "VIEW"
        settings = f" WITH ({', '.join(options)})" if options else ""
        data = ("" if populated else " WITH NO DATA") if materialized else ""
        text = f"CREATE {kind} {name}{settings} AS\n{query.rstrip()}{data};"
        text += _comment(kind, name, comment)
        text += "".join(f"\nCOMMENT ON COLUMN {name}.{column};" for column in column_comments)
        said = view_statement(view_key(name), materialized, query, list(options), populated,
                              comment, list(column_comments))
        made.append(RawObject(kind.lower(), name, text, f"DROP {kind} {name};",
                              language=said))
    return made


_PART = re.compile(r'"((?:[^"]|"")*)"|([^".]+)')


def view_key(written: str) -> tuple[str, str]:
    """(schema, name) from format('%I.%I'), as a view's RawObject is named."""
    parts = [quoted.replace('""', '"') if plain is None or plain == "" else plain
             for quoted, plain in ((m.group(1), m.group(2)) for m in _PART.finditer(written))]
    return parts[0], parts[1]


def _trigger(name: str, definition: str, target: str, table: str, trigger: str,
             enabled: str, comment: str | None, language: str | None = None) -> RawObject:
    text = definition + ";"
    if enabled != "O":  # fired only as a replica, always, or never
        state = {"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}[enabled]
        text += f"\nALTER TABLE {table} {state} TRIGGER {trigger};"
    return RawObject("trigger", name, text + _comment("TRIGGER", target, comment),
                     f"DROP TRIGGER {target};", language=language)


def policies(connection: psycopg.Connection[Any], parameters: dict[str, Any]
             ) -> list[Policy]:
    """The row-level security policies of the pulled schemas' tables."""
    return [Policy(schema, table, name, permissive, command, tuple(roles), using, check)
            for schema, table, name, permissive, command, roles, using, check
            in connection.execute(_POLICIES.encode(), parameters)]


# Privileges granted on the pulled tables, views, sequences, schemas and functions, but
# their owners' own; a function's argument types last. A function's NULL ACL is
# PostgreSQL's default (EXECUTE for PUBLIC), and one whose PUBLIC lacks EXECUTE gets a row
# with no privileges for PUBLIC, which `pull` writes as a revoke.
_GRANTS = f"""
SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END, n.nspname, c.relname,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END,
       array_agg(lower(a.privilege_type) ORDER BY a.privilege_type),
       array_agg(lower(a.privilege_type) ORDER BY a.privilege_type)
           FILTER (WHERE a.is_grantable), '{{}}'::text[]
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') AND n.nspname = ANY(%(schemas)s)
  AND a.grantee <> c.relowner
  AND NOT (n.nspname = %(history_schema)s AND c.relname = %(history_table)s)
  AND {_outside_extensions("c.oid", "pg_class")}
GROUP BY 1, 2, 3, 4
UNION ALL
SELECT 'schema', n.nspname, n.nspname,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END,
       array_agg(lower(a.privilege_type) ORDER BY a.privilege_type),
       array_agg(lower(a.privilege_type) ORDER BY a.privilege_type)
           FILTER (WHERE a.is_grantable), '{{}}'::text[]
FROM pg_namespace n, aclexplode(n.nspacl) a
WHERE n.nspname = ANY(%(schemas)s) AND a.grantee <> n.nspowner
GROUP BY 1, 2, 3, 4
UNION ALL
SELECT 'function', n.nspname, p.proname,
       CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END,
       array_agg(lower(a.privilege_type) ORDER BY a.privilege_type),
       array_agg(lower(a.privilege_type) ORDER BY a.privilege_type)
           FILTER (WHERE a.is_grantable),
       ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY
             AS u(t, i) ORDER BY i)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
     aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
WHERE p.prokind = 'f' AND n.nspname = ANY(%(schemas)s) AND a.grantee <> p.proowner
  AND {_outside_extensions("p.oid", "pg_proc")}
GROUP BY 1, 2, 3, 4, p.oid
UNION ALL
SELECT 'function', n.nspname, p.proname, 'public', '{{}}'::text[], NULL,
       ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY
             AS u(t, i) ORDER BY i)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind = 'f' AND n.nspname = ANY(%(schemas)s)
  AND NOT has_function_privilege('public', p.oid, 'EXECUTE')
  AND {_outside_extensions("p.oid", "pg_proc")}
ORDER BY 1 DESC, 2, 3, 7, 4
"""


def grants(connection: psycopg.Connection[Any], parameters: dict[str, Any]) -> list[Grant]:
    """What is granted on the pulled schemas, their tables, views, sequences and
    functions."""
    return [Grant(kind, schema, name, grantee, tuple(privileges), tuple(grantable or ()),
                  tuple(arguments))
            for kind, schema, name, grantee, privileges, grantable, arguments
            in connection.execute(_GRANTS.encode(), parameters)]


def policy_sql(policy: Policy) -> RawObject:
    """A policy as CREATE POLICY, for one the compiler refuses in the language."""
    target = (f"{quote_ident(policy.name)} ON"
              f" {quote_ident(policy.schema)}.{quote_ident(policy.table)}")
    roles = ", ".join("PUBLIC" if r == "public" else quote_ident(r) for r in policy.roles)
    text = (f"CREATE POLICY {target} AS {'PERMISSIVE' if policy.permissive else 'RESTRICTIVE'}"
            f" FOR {_COMMANDS[policy.command]} TO {roles}")
    text += f" USING ({policy.using})" if policy.using is not None else ""
    text += f" WITH CHECK ({policy.check})" if policy.check is not None else ""
    return RawObject("policy", f"{policy.name} on {policy.schema}.{policy.table}", text + ";",
                     f"DROP POLICY {target};")

