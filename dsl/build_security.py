"""Rules for row-level security: `… row level security` in `alter table { }`, `policy`,
`alter policy`, `drop policy` and `external role`; `grant` and `revoke`."""

from __future__ import annotations

import re
from typing import Any, cast

from lark import Token

from . import ast
from .build_base import Builder, Meta, children_of


class SecurityRules(Builder):
    def row_security(self, meta: Meta, items: list[Token]) -> ast.RowSecurity:
        change = re.sub(r"\s+", " ", str(items[0]).lower()).rsplit(" row ", 1)[0]
        return ast.RowSecurity(cast(ast.RowSecurityChange, change), meta)

    def create_policy(self, meta: Meta, items: list[Any]) -> ast.CreatePolicy:
        name, table, *clauses = items
        parts: dict[str, Any] = dict(clause for clause in clauses if clause is not None)
        return ast.CreatePolicy(
            self.name(name), table, parts.get("kind", False), parts.get("command", "all"),
            parts.get("roles", ()), parts.get("using"), parts.get("check"), meta)

    def policy_kind(self, meta: Meta, items: list[Token]) -> tuple[str, bool]:
        return "kind", str(items[0]).lower() == "restrictive"

    def policy_command(self, meta: Meta, items: list[Token]) -> tuple[str, str]:
        return "command", str(items[0]).lower()

    def policy_roles(self, meta: Meta, items: list[Token]) -> tuple[str, tuple[ast.Name, ...]]:
        return "roles", tuple(self.names(items))

    def policy_using(self, meta: Meta, items: list[Token]) -> tuple[str, ast.RawExpression]:
        return "using", self.raw(items[-1])

    def policy_check(self, meta: Meta, items: list[Token]) -> tuple[str, ast.RawExpression]:
        return "check", self.raw(items[-1])

    def drop_policy(self, meta: Meta, items: list[Any]) -> ast.DropPolicy:
        return ast.DropPolicy(self.name(items[0]), items[1], meta)

    def alter_policy(self, meta: Meta, items: list[Any]) -> ast.AlterPolicy:
        name, table, *clauses = items
        parts: dict[str, Any] = dict(clause for clause in clauses if clause is not None)
        if not parts:
            self.fail("empty-alter", f"'alter policy {self.name(name).value}' changes nothing:"
                      " write `rename to NEW`, `to ROLE, …`, or `using` or `with check` and its"
                      " expression in backticks",
                      meta)
        return ast.AlterPolicy(self.name(name), table, parts.get("rename"), parts.get("roles"),
                               parts.get("using"), parts.get("check"), meta)

    def policy_rename(self, meta: Meta, items: list[Token]) -> tuple[str, ast.Name]:
        return "rename", self.name(items[-1])

    def external_role(self, meta: Meta, items: list[Token]) -> ast.ExternalRole:
        return ast.ExternalRole(self.name(items[0]), meta)

    def grant(self, meta: Meta, items: list[Any], revoke: bool = False) -> ast.Grant:
        privileges, (target, name, *arguments), *roles = items
        return ast.Grant(privileges, target, name, tuple(self.names(roles)), revoke, meta,
                         tuple(arguments))

    def revoke(self, meta: Meta, items: list[Any]) -> ast.Grant:
        return self.grant(meta, items, revoke=True)

    def privileges(self, meta: Meta, items: list[Token]) -> tuple[ast.Name, ...]:
        return tuple(self.names(items))

    def grant_target(self, meta: Meta, items: list[Any]) -> tuple[str, ast.QualifiedName]:
        return "table", items[-1]

    def grant_sequence(self, meta: Meta, items: list[Any]) -> tuple[str, ast.QualifiedName]:
        return "sequence", items[-1]

    def grant_function(self, meta: Meta, items: list[Any]
                       ) -> tuple[Any, ...]:
        return ("function", items[0], *children_of(items[1:], ast.TypeName))

    def grant_schema(self, meta: Meta, items: list[Token]) -> tuple[str, ast.QualifiedName]:
        schema = self.name(items[-1])
        return "schema", ast.QualifiedName(schema.value, None, schema.span)

