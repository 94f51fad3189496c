"""One line per statement: what a migration will do, for `pgshift plan`."""

from __future__ import annotations

from functools import singledispatch

from ..dsl import ast


@singledispatch
def describe(statement: ast.Statement) -> str:
    raise TypeError(f"no description for {type(statement).__name__}")


@describe.register
def _(s: ast.CreateExtension) -> str:
    return f"create extension {s.name.value}"


@describe.register
def _(s: ast.DropExtension) -> str:
    return f"drop extension {s.name.value}"


@describe.register
def _(s: ast.CreateEnum) -> str:
    return f"create enum {s.name} ({len(s.labels)} values)"


@describe.register
def _(s: ast.AddEnumValue) -> str:
    return f"add value '{s.label.value}' to enum {s.enum}"


@describe.register
def _(s: ast.RenameEnumValue) -> str:
    return f"rename value '{s.old.value}' of enum {s.enum} to '{s.new.value}'"


@describe.register
def _(s: ast.DropEnum) -> str:
    return f"drop enum {s.name}"


@describe.register
def _(s: ast.CreateTable) -> str:
    columns = f"{len(s.columns)} column" + "s" * (len(s.columns) != 1)
    return f"create table {s.name} ({columns})"


@describe.register
def _(s: ast.AlterTable) -> str:
    actions = f"{len(s.actions)} change" + "s" * (len(s.actions) != 1)
    return f"alter table {s.table} ({actions})"


@describe.register
def _(s: ast.RenameTable) -> str:
    return f"rename table {s.table} to {s.new_name.value}"


@describe.register
def _(s: ast.DropTable) -> str:
    return f"drop table {s.table}"


@describe.register
def _(s: ast.CreateIndex) -> str:
    kind = "unique index" if s.unique else "index"
    method = f" using {s.method.value}" if s.method else ""
    how = " concurrently" if s.concurrently else ""
    return f"create {kind} {s.name.value} on {s.table}{method}{how}"


@describe.register
def _(s: ast.RenameIndex) -> str:
    return f"rename index {s.index} to {s.new_name.value}"


@describe.register
def _(s: ast.DropIndex) -> str:
    return f"drop index {s.index}" + (" concurrently" if s.concurrently else "")


@describe.register
def _(s: ast.Comment) -> str:
    target = f"{s.object}.{s.column.value}" if s.column else str(s.object)
    return f"comment on {s.target} {target}"


@describe.register
def _(s: ast.RawSql) -> str:
    first = next((line.strip() for line in s.up.splitlines() if line.strip()), "")
    return f"sql: {first[:60]}" + ("…" if len(first) > 60 else "")


@describe.register
def _(s: ast.Irreversible) -> str:
    return "irreversible" + (f": {s.reason}" if s.reason else "")
