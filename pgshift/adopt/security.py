"""Row-level security, policies and grants, for `pull`: written last, as a policy's
expressions may use any function or view. The roles they name are declared `external role`
(roles are the cluster's); what the language cannot say (a privilege it does not name, one
held WITH GRANT OPTION, a grant or policy on a table not written) is SQL.
"""

from __future__ import annotations

from ..compiler.quoting import quote_ident
from ..compiler.security_render import PRIVILEGES
from .language import Unwritable, backticks, name, qualified, type_name
from .lines import Choices, Lines, display, modelled_tables, sql_name, unmodelled_table
from .records import Database, Grant, Policy, RawObject
from .sql_blocks import policy_sql


def external_roles(database: Database) -> list[str]:
    """The roles the policies and grants name, but PUBLIC: declared `external role`, as
    roles are the cluster's."""
    named = {role for policy in database.policies for role in policy.roles}
    named |= {grant.grantee for grant in database.grants}
    return sorted(named - {"public"})


_COMMANDS = {"*": "all", "r": "select", "a": "insert", "w": "update", "d": "delete"}


def write_security(lines: Lines, database: Database, choices: Choices) -> None:
    """Each table's row-level security in the language, then its policies: after every
    object their expressions may use (functions, views)."""
    for table in modelled_tables(database):
        actions = [action for action, on in (("enable", table.row_security),
                                             ("force", table.force_row_security)) if on]
        if actions:
            lines.blank()
            lines.add(f"alter table {qualified(table.key)} {{\n"
                      + "".join(f"    {action} row level security\n" for action in actions)
                      + "}", f"row-level security {display(table.key)}")
    modelled = {table.key for table in modelled_tables(database)}
    for policy in database.policies:
        owner = f"policy {policy.name} on {display(policy.table_key)}"
        if policy.table_key not in modelled or owner in choices.as_sql:
            lines.sql(policy_sql(policy), owner)
            continue
        try:
            text = _policy(policy)
        except Unwritable as why:
            choices.as_sql[owner] = str(why)
            lines.sql(policy_sql(policy), owner)
            continue
        lines.blank()
        lines.add(text, owner)


# What PostgreSQL grants by itself (since 15), which the compiler's model starts from; and
# on every function, EXECUTE for PUBLIC.
_BUILT_IN_GRANTS = {("schema", "public", "public"): ("usage",)}


def _default(grant: Grant) -> tuple[str, ...]:
    if grant.kind == "function":
        return ("execute",) if grant.grantee == "public" else ()
    return _BUILT_IN_GRANTS.get((grant.kind, grant.name, grant.grantee), ())


def _targets(grant: Grant) -> tuple[str, str]:
    """The object as the language names it after `on`, and as SQL does."""
    key = (grant.schema, grant.name)
    if grant.kind == "schema":
        return f"schema {name(grant.name)}", f"SCHEMA {quote_ident(grant.name)}"
    if grant.kind == "function":
        return (f"function {qualified(key)}({', '.join(map(type_name, grant.arguments))})",
                f"FUNCTION {sql_name(key)}({', '.join(grant.arguments)})")
    if grant.kind == "sequence":
        return f"sequence {qualified(key)}", f"SEQUENCE {sql_name(key)}"
    return qualified(key), f"TABLE {sql_name(key)}"


def write_grants(lines: Lines, database: Database, choices: Choices) -> None:
    """`grant` (and, against PostgreSQL's own grants, `revoke`) in the language; as SQL what
    it cannot say: a privilege it does not name, one held WITH GRANT OPTION, a grant on a
    table it does not write (or on an object the compiler refuses: a function or view
    written as SQL)."""
    said = {(g.kind, g.name, g.grantee) for g in database.grants}
    built_in = [Grant(kind, name, name, grantee, ())
                for (kind, name, grantee) in _BUILT_IN_GRANTS
                if name in database.schemas and (kind, name, grantee) not in said]
    for grant in [*database.grants, *built_in]:
        key = (grant.schema, grant.name)
        target, sql_target = _targets(grant)
        signature = f"({', '.join(grant.arguments)})" if grant.kind == "function" else ""
        owner = f"grant on {grant.kind} {display(key)}{signature} to {grant.grantee}"
        known = PRIVILEGES[grant.kind]
        default = _default(grant)
        plain = [p for p in known if p in grant.privileges and p not in grant.grantable]
        said_in_sql = [p for p in grant.privileges if p not in plain]
        in_sql = (grant.kind == "table" and unmodelled_table(database, key)) or (
            owner in choices.as_sql)
        if in_sql:
            said_in_sql, plain = list(grant.privileges), []
        to = "PUBLIC" if grant.grantee == "public" else quote_ident(grant.grantee)
        given = [p for p in plain if p not in default]
        taken = [p for p in default if p not in grant.privileges]
        role = name(grant.grantee)
        if given:
            lines.blank()
            lines.add(f"grant {', '.join(given)} on {target} to {role}", owner)
        words = f"on {display(key)}{signature} to {grant.grantee}"
        if taken and not in_sql:
            lines.blank()
            lines.add(f"revoke {', '.join(taken)} on {target} from {role}", owner)
        elif taken:
            what = ", ".join(p.upper() for p in taken)
            lines.sql(RawObject("revoke", f"{what} {words}",
                                f"REVOKE {what} ON {sql_target} FROM {to};",
                                f"GRANT {what} ON {sql_target} TO {to};"), owner)
        plain_sql = [p for p in said_in_sql if p not in grant.grantable and p not in default]
        for privileges, option in ((plain_sql, ""), (list(grant.grantable), " WITH GRANT OPTION")):
            if privileges:
                what = ", ".join(p.upper() for p in privileges)
                lines.sql(RawObject("grant", f"{what} {words}",
                                    f"GRANT {what} ON {sql_target} TO {to}{option};",
                                    f"REVOKE {what} ON {sql_target} FROM {to};"), owner)


def _policy(policy: Policy) -> str:
    text = f"policy {name(policy.name)} on {qualified(policy.table_key)}"
    if not policy.permissive:
        text += " as restrictive"
    if policy.command != "*":
        text += f" for {_COMMANDS[policy.command]}"
    if policy.roles != ("public",):
        text += " to " + ", ".join(name(role) for role in policy.roles)
    if policy.using is not None:
        text += f"\n    using {backticks(policy.using)}"
    if policy.check is not None:
        text += f"\n    with check {backticks(policy.check)}"
    return text
