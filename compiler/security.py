"""Steps for row-level security and privileges: `enable|disable|force|no force row level
security` in `alter table { }`, `policy … on …`, `alter policy`, `drop policy … on …`,
`grant` and `revoke`.

What a table's security is lives on its TableModel (flags, policies by name, grants by
role), so a rename takes it along and `drop table` reads it for its Down (tables.py, through
security_render.restore_security); a schema's grants are the model's `schema_grants`, a
view's, a sequence's and a function's their models' own (grant_targets.py). Roles
are the cluster's, never a migration's: a policy or grant names `public`, or a role
declared `external role` (a policy may name the session's own too: `current_user`, …).

ALTER TABLE … ROW LEVEL SECURITY, CREATE, ALTER and DROP POLICY take ACCESS EXCLUSIVE on
the table; GRANT and REVOKE lock no table. All change the catalog only, and each is undone
exactly from the model before it.
"""

from __future__ import annotations

from dataclasses import replace

from ..dsl import ast
from .alter import action
from .context import Context, Step
from .grant_targets import grant_target
from .model import TableModel
from .model_security import PolicyModel
from .registry import step
from .security_render import (
    PRIVILEGES,
    ROLE_KEYWORDS,
    alter_policy_sql,
    create_policy_sql,
    drop_policy_sql,
    grant_on_sql,
    rename_policy_sql,
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


def _roles(ctx: Context, s: ast.CreatePolicy | ast.AlterPolicy | ast.Grant
           ) -> tuple[str, ...]:
    roles: list[str] = []
    for written in s.roles or ():
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


def _check_clauses(ctx: Context, command: str, s: ast.CreatePolicy | ast.AlterPolicy) -> None:
    """PostgreSQL refuses `using` for insert and `with check` for select and delete."""
    if s.using is not None and command in _NO_USING:
        raise ctx.error("policy-clause", "a policy for insert has no `using`: there is no"
                        " existing row to test; write the condition in `with check`",
                        s.using.span)
    if s.check is not None and command in _NO_CHECK:
        raise ctx.error("policy-clause", f"a policy for {command} has no `with check`:"
                        " there is no new row to test; write the condition in `using`",
                        s.check.span)


@step(ast.CreatePolicy)
def create_policy(ctx: Context, s: ast.CreatePolicy) -> Step:
    table = ctx.table(s.table, "add a policy to")
    name = s.name.value
    ctx.check_identifier(name, s.name.span, "policy name")
    if name in table.policies:
        raise ctx.error("duplicate-policy",
                        f"table '{table.name}' already has a policy '{name}'", s.name.span)
    _check_clauses(ctx, s.command, s)
    policy = PolicyModel(
        name, s.restrictive, s.command, _roles(ctx, s),
        ctx.expression_sql(s.using) if s.using is not None else None,
        ctx.expression_sql(s.check) if s.check is not None else None)
    table.policies[name] = policy
    return Step([exclusive(table, create_policy_sql(table, policy))],
                [exclusive(table, drop_policy_sql(table, name))], s.span, node=s)


def _policy(ctx: Context, table: TableModel, name: ast.Name) -> PolicyModel:
    policy = table.policies.get(name.value)
    if policy is None:
        raise ctx.error("unknown-policy", f"table '{table.name}' has no policy '{name.value}'"
                        f"{ctx.hint(name.value, table.policies)}", name.span)
    return policy


@step(ast.DropPolicy)
def drop_policy(ctx: Context, s: ast.DropPolicy) -> Step:
    table = ctx.table(s.table, "drop a policy of")
    policy = _policy(ctx, table, s.name)
    del table.policies[policy.name]
    return Step([exclusive(table, drop_policy_sql(table, policy.name))],
                [exclusive(table, create_policy_sql(table, policy))], s.span, node=s)


@step(ast.AlterPolicy)
def alter_policy(ctx: Context, s: ast.AlterPolicy) -> Step:
    """ALTER POLICY: a new name (RENAME TO, a statement of its own), then new roles or
    expressions. Down sets back what the model held; an expression the policy did not have
    cannot be taken away by ALTER POLICY, so then Down drops the policy and makes it again."""
    table = ctx.table(s.table, "alter a policy of")
    before = _policy(ctx, table, s.name)
    _check_clauses(ctx, before.command, s)
    name = before.name
    if s.rename is not None:
        name = s.rename.value
        ctx.check_identifier(name, s.rename.span, "policy name")
        if name in table.policies:
            raise ctx.error("duplicate-policy",
                            f"table '{table.name}' already has a policy '{name}'",
                            s.rename.span)
    after = replace(before, name=name)
    if s.roles is not None:
        after.roles = _roles(ctx, s)
    if s.using is not None:
        after.using = ctx.expression_sql(s.using)
    if s.check is not None:
        after.check = ctx.expression_sql(s.check)
    # in its place: `drop table`'s Down makes the policies again in the table's order
    policies = [after if policy is before else policy for policy in table.policies.values()]
    table.policies = {policy.name: policy for policy in policies}
    up, down = [], []
    if s.rename is not None:
        up.append(exclusive(table, rename_policy_sql(table, before.name, name)))
    if (s.roles, s.using, s.check) != (None, None, None):
        up.append(exclusive(table, _alter_sql(table, s, after)))
        down.append(exclusive(table, _alter_sql(table, s, replace(before, name=name))))
    if s.rename is not None:
        down.append(exclusive(table, rename_policy_sql(table, name, before.name)))
    if (s.using is not None and before.using is None) or (
            s.check is not None and before.check is None):
        down = [exclusive(table, drop_policy_sql(table, name)),
                exclusive(table, create_policy_sql(table, before))]
    return Step(up, down, s.span, node=s)


def _alter_sql(table: TableModel, s: ast.AlterPolicy, policy: PolicyModel) -> str:
    """ALTER POLICY setting, to `policy`'s, the clauses `s` writes."""
    return alter_policy_sql(table, policy.name, None if s.roles is None else policy.roles,
                            None if s.using is None else policy.using,
                            None if s.check is None else policy.check)


@step(ast.Grant)
def grant(ctx: Context, s: ast.Grant) -> Step:
    """GRANT or REVOKE of privileges on a table, view, schema, sequence or function (what
    grant_targets.py finds): each must change what the model holds (a grant of what is
    granted, a revoke of what is not, would give a Down that undoes what the migration
    never did). GRANT and REVOKE lock no table."""
    target = grant_target(ctx, s)
    held, subject = target.held, target.subject
    allowed = PRIVILEGES[s.target]
    named: list[str] = []
    for written in s.privileges:
        privilege = written.value
        if privilege not in allowed:
            hint = ("; `all` is not written: name the privileges, so that Down is exact"
                    if privilege in ("all", "privileges") else
                    ctx.hint(privilege, allowed) if len(allowed) > 1 else "")
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
    up = grant_on_sql(target.sql, privileges, roles, revoke=s.revoke)
    down = grant_on_sql(target.sql, privileges, roles, revoke=not s.revoke)
    return Step([Statement(up)], [Statement(down)], s.span, node=s)

