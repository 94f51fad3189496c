"""Steps for row-level security and privileges: `enable|disable|force|no force row level
security` in `alter table { }`, `policy … on …`, `drop policy … on …`, `grant` and `revoke`.

What a table's security is lives on its TableModel (flags, policies by name, grants by
role), so a rename takes it along and `drop table` reads it for its Down (tables.py, through
security_render.restore_security); a schema's grants are the model's `schema_grants`. Roles
are the cluster's, never a migration's: a policy or grant names `public`, or a role
declared `external role` (a policy may name the session's own too: `current_user`, …).

ALTER TABLE … ROW LEVEL SECURITY, CREATE POLICY and DROP POLICY take ACCESS EXCLUSIVE on
the table; GRANT and REVOKE lock no table. All change the catalog only, and each is undone
exactly from the model before it.
"""

from __future__ import annotations

from ..dsl import ast
from .alter import action
from .context import Context, Step
from .model import PolicyModel, TableModel
from .quoting import quote_ident
from .registry import step
from .render import table_ref
from .security_render import (
    PRIVILEGES,
    ROLE_KEYWORDS,
    create_policy_sql,
    drop_policy_sql,
    grant_sql,
    role_sql,
    row_security_sql,
)
from .statement import Statement, exclusive

_UNDO = {"enable": "disable", "disable": "enable", "force": "no force", "no force": "force"}
# The clauses PostgreSQL refuses for a command: no USING for INSERT (there is no old row),
# no WITH CHECK for SELECT or DELETE (there is no new one).
_NO_USING = frozenset({"insert"})
_NO_CHECK = frozenset({"select", "delete"})


@action(ast.RowSecurity)
def row_security(ctx: Context, table: TableModel, s: ast.AlterAction) -> Step:
    assert isinstance(s, ast.RowSecurity)
    forcing = s.change in ("force", "no force")
    wanted = s.change in ("enable", "force")
    now = table.force_row_security if forcing else table.row_security
    if now == wanted:
        state = ("forced" if wanted else "not forced") if forcing else (
            "enabled" if wanted else "disabled")
        raise ctx.error("row-security-unchanged",
                        f"row level security of table '{table.name}' is {state} already: this"
                        " changes nothing, and its Down would undo what it never did",
                        s.span)
    if forcing:
        table.force_row_security = wanted
    else:
        table.row_security = wanted
    return Step([exclusive(table, row_security_sql(table, s.change))],
                [exclusive(table, row_security_sql(table, _UNDO[s.change]))], s.span, node=s)


def _roles(ctx: Context, s: ast.CreatePolicy | ast.Grant) -> tuple[str, ...]:
    roles: list[str] = []
    for written in s.roles:
        role = written.value
        if isinstance(s, ast.Grant) and role in ROLE_KEYWORDS - {"public"}:
            raise ctx.error("grant-to-owner",
                            f"'{role}' is the role that runs the migrations, which owns what"
                            " they make and holds every privilege on it already; a revoke"
                            " from it would take away the owner's own", written.span)
        if role not in ROLE_KEYWORDS and role not in ctx.model.external_roles:
            known = sorted(ctx.model.external_roles | ROLE_KEYWORDS)
            raise ctx.error("unknown-role",
                            f"unknown role '{role}'{ctx.hint(role, known)}: roles belong to the"
                            " cluster, not to migrations; declare one the platform makes with"
                            f" `external role {role_sql(role) if role != role.lower() else role}`",
                            written.span)
        if role in roles:
            raise ctx.error("duplicate-role", f"role '{role}' is named twice", written.span)
        roles.append(role)
    return tuple(roles) or ("public",)


@step(ast.CreatePolicy)
def create_policy(ctx: Context, s: ast.CreatePolicy) -> Step:
    table = ctx.table(s.table, "add a policy to")
    name = s.name.value
    ctx.check_identifier(name, s.name.span, "policy name")
    if name in table.policies:
        raise ctx.error("duplicate-policy",
                        f"table '{table.name}' already has a policy '{name}'", s.name.span)
    if s.using is not None and s.command in _NO_USING:
        raise ctx.error("policy-clause", "a policy for insert has no `using`: there is no"
                        " existing row to test; write the condition in `with check`",
                        s.using.span)
    if s.check is not None and s.command in _NO_CHECK:
        raise ctx.error("policy-clause", f"a policy for {s.command} has no `with check`:"
                        " there is no new row to test; write the condition in `using`",
                        s.check.span)
    policy = PolicyModel(
        name, s.restrictive, s.command, _roles(ctx, s),
        ctx.expression_sql(s.using) if s.using is not None else None,
        ctx.expression_sql(s.check) if s.check is not None else None)
    table.policies[name] = policy
    return Step([exclusive(table, create_policy_sql(table, policy))],
                [exclusive(table, drop_policy_sql(table, name))], s.span, node=s)


@step(ast.DropPolicy)
def drop_policy(ctx: Context, s: ast.DropPolicy) -> Step:
    table = ctx.table(s.table, "drop a policy of")
    policy = table.policies.get(s.name.value)
    if policy is None:
        raise ctx.error("unknown-policy",
                        f"table '{table.name}' has no policy '{s.name.value}'"
                        f"{ctx.hint(s.name.value, table.policies)}", s.name.span)
    del table.policies[policy.name]
    return Step([exclusive(table, drop_policy_sql(table, policy.name))],
                [exclusive(table, create_policy_sql(table, policy))], s.span, node=s)


@step(ast.Grant)
def grant(ctx: Context, s: ast.Grant) -> Step:
    """GRANT or REVOKE of privileges on a table or a schema: each must change what the
    model holds (a grant of what is granted, a revoke of what is not, would give a Down
    that undoes what the migration never did). GRANT and REVOKE lock no table."""
    verb = "revoke" if s.revoke else "grant"
    if s.target == "table":
        table = ctx.table(s.object, f"{verb} privileges on")
        held = table.grants
        target = table_ref(*table.key)
        subject = f"table '{table.name}'"
    else:
        schema = s.object.name
        if schema in ctx.model.external_schemas:
            raise ctx.external_object(f"schema '{schema}' is external",
                                      f"{verb} privileges on", s.object.span)
        if not ctx.schema_exists(schema) or schema not in (*ctx.model.schemas, "public"):
            raise ctx.error("unknown-schema", f"schema '{schema}' was never created"
                            f"{ctx.hint(schema, ctx.model.schemas)}", s.object.span)
        held = ctx.model.schema_grants.setdefault(schema, {})
        target = quote_ident(schema)
        subject = f"schema '{schema}'"
    allowed = PRIVILEGES[s.target]
    named: list[str] = []
    for written in s.privileges:
        privilege = written.value
        if privilege not in allowed:
            hint = ("; `all` is not written: name the privileges, so that Down is exact"
                    if privilege in ("all", "privileges") else ctx.hint(privilege, allowed))
            raise ctx.error("bad-privilege", f"'{privilege}' is not a privilege on a"
                            f" {s.target}{hint}; a {s.target} has {', '.join(allowed)}",
                            written.span)
        if privilege in named:
            raise ctx.error("bad-privilege", f"'{privilege}' is named twice", written.span)
        named.append(privilege)
    privileges = tuple(p for p in allowed if p in named)
    roles = _roles(ctx, s)
    for role in roles:
        has = held.get(role, ())
        clash = [p for p in privileges if (p in has) != s.revoke]
        if clash:
            state = "does not hold" if s.revoke else "holds"
            where = next(r for r in s.roles if r.value == role)
            raise ctx.error("privilege-unchanged",
                            f"role '{role}' {state} {', '.join(clash)} on {subject}"
                            f"{'' if s.revoke else ' already'}: this"
                            " changes nothing that the migrations made, and its Down would"
                            " undo what it never did", where.span)
    for role in roles:
        has = held.get(role, ())
        now = tuple(p for p in allowed if (p in has or p in privileges) and not (
            s.revoke and p in privileges))
        if now:
            held[role] = now
        else:
            held.pop(role, None)
    up = grant_sql(s.target, target, privileges, roles, revoke=s.revoke)
    down = grant_sql(s.target, target, privileges, roles, revoke=not s.revoke)
    return Step([Statement(up)], [Statement(down)], s.span, node=s)

