"""Row-level security as SQL, from the model: the statements `alter table`, `policy` and
`drop policy` emit, and those that put a dropped table's security back (Down of `drop
table`). No step builders here, so tables.py can import it."""

from __future__ import annotations

from .model import TableModel
from .model_security import PolicyModel
from .quoting import quote_ident, quote_qualified
from .sqltext import mentions, rename_in
from .statement import Statement, exclusive

# Role names SQL writes as keywords: PUBLIC, and the roles of the session.
ROLE_KEYWORDS = frozenset({"public", "current_user", "current_role", "session_user"})


def table_ref(schema: str, name: str) -> str:
    """render.table_ref, which imports this module (a table's schema.sql text includes its
    security): unqualified in `public`."""
    return quote_ident(name) if schema == "public" else quote_qualified(name, schema)


def role_sql(role: str) -> str:
    return role.upper() if role in ROLE_KEYWORDS else quote_ident(role)


def row_security_sql(table: TableModel, change: str) -> str:
    return f"ALTER TABLE {table_ref(*table.key)} {change.upper()} ROW LEVEL SECURITY"


def create_policy_sql(table: TableModel, policy: PolicyModel) -> str:
    sql = f"CREATE POLICY {quote_ident(policy.name)} ON {table_ref(*table.key)}"
    if policy.restrictive:
        sql += " AS RESTRICTIVE"
    if policy.command != "all":
        sql += f" FOR {policy.command.upper()}"
    if policy.roles != ("public",):
        sql += " TO " + ", ".join(role_sql(role) for role in policy.roles)
    if policy.using is not None:
        sql += f" USING {policy.using}"
    if policy.check is not None:
        sql += f" WITH CHECK {policy.check}"
    return sql


def drop_policy_sql(table: TableModel, name: str) -> str:
    return f"DROP POLICY {quote_ident(name)} ON {table_ref(*table.key)}"


def rename_policy_sql(table: TableModel, old: str, new: str) -> str:
    return (f"ALTER POLICY {quote_ident(old)} ON {table_ref(*table.key)}"
            f" RENAME TO {quote_ident(new)}")


def alter_policy_sql(table: TableModel, name: str, roles: tuple[str, ...] | None,
                     using: str | None, check: str | None) -> str:
    """ALTER POLICY … with the clauses given (None: left as it is); one at least."""
    sql = f"ALTER POLICY {quote_ident(name)} ON {table_ref(*table.key)}"
    if roles is not None:
        sql += " TO " + ", ".join(role_sql(role) for role in roles)
    if using is not None:
        sql += f" USING {using}"
    if check is not None:
        sql += f" WITH CHECK {check}"
    return sql


# The privileges a grant may name, per kind of object, in PostgreSQL's order (a view's and
# a materialized view's are a table's). `all` is none of them: what it means depends on
# the server's version, which Down could not undo exactly.
PRIVILEGES = {
    "table": ("select", "insert", "update", "delete", "truncate", "references", "trigger"),
    "schema": ("usage", "create"),
    "sequence": ("usage", "select", "update"),
    "function": ("execute",),
}


def grant_sql(kind: str, target: str, privileges: tuple[str, ...], roles: tuple[str, ...],
              revoke: bool = False) -> str:
    """GRANT … ON TABLE|SCHEMA … TO …, or REVOKE … FROM …; `target` is SQL already."""
    return grant_on_sql(f"{kind.upper()} {target}", privileges, roles, revoke)


def grant_on_sql(on: str, privileges: tuple[str, ...], roles: tuple[str, ...],
                 revoke: bool = False) -> str:
    """GRANT … ON `on` TO …, or REVOKE … FROM …; `on` is SQL (`FUNCTION f(integer)`)."""
    what = ", ".join(p.upper() for p in privileges)
    to = ", ".join(role_sql(role) for role in roles)
    if revoke:
        return f"REVOKE {what} ON {on} FROM {to}"
    return f"GRANT {what} ON {on} TO {to}"


def restore_grants_sql(on: str, grants: dict[str, tuple[str, ...]],
                       default: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """What makes an object just made, which holds `default` (PostgreSQL's own grants: a
    function's EXECUTE for PUBLIC), hold `grants` instead: REVOKEs, then GRANTs."""
    default = default or {}
    statements = []
    for role, privileges in default.items():
        taken = tuple(p for p in privileges if p not in grants.get(role, ()))
        if taken:
            statements.append(grant_on_sql(on, taken, (role,), revoke=True))
    for role, privileges in grants.items():
        given = tuple(p for p in privileges if p not in default.get(role, ()))
        if given:
            statements.append(grant_on_sql(on, given, (role,)))
    return statements


def security_statements(table: TableModel) -> list[str]:
    """What makes a new table's row-level security and grants what `table`'s are."""
    statements = []
    if table.row_security:
        statements.append(row_security_sql(table, "enable"))
    if table.force_row_security:
        statements.append(row_security_sql(table, "force"))
    statements += [create_policy_sql(table, p) for p in table.policies.values()]
    statements += [grant_sql("table", table_ref(*table.key), privileges, (role,))
                   for role, privileges in table.grants.items()]
    for sequence, grants in table.sequence_grants.items():  # of its serial, identity columns
        statements += restore_grants_sql(f"SEQUENCE {table_ref(table.schema, sequence)}",
                                         grants)
    return statements


def restore_security(table: TableModel) -> list[Statement]:
    """Statements that put back a dropped table's row-level security, policies and grants:
    each takes ACCESS EXCLUSIVE on the table but a GRANT, which locks no table."""
    return [Statement(sql) if sql.startswith("GRANT ") else exclusive(table, sql)
            for sql in security_statements(table)]


def policy_using_column(table: TableModel, column: str) -> str | None:
    """The first policy of `table` whose expressions name `column` (PostgreSQL refuses to
    drop a column a policy depends on), or None."""
    return next((p.name for p in table.policies.values()
                 if mentions(p.using, column) or mentions(p.check, column)), None)


def rename_policy_column(table: TableModel, old: str, new: str) -> None:
    """A renamed column, renamed in the policies' expressions as PostgreSQL renames it."""
    for policy in table.policies.values():
        policy.using = rename_in(policy.using, old, new)
        policy.check = rename_in(policy.check, old, new)

