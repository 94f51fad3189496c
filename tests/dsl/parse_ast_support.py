"""What the parse-to-AST tests share: parsing a snippet, and short builders for the nodes
it should give. Nodes are compared with `nospan()` applied to both sides, so a test pins
values without pinning positions; only the `test_spans_*` tests pin positions exactly."""

from __future__ import annotations

import dataclasses
import textwrap
from typing import Any, TypeVar

from pgshift.dsl import Span, ast, parse_text

PATH = "migrations/0.0.2_test.shift"
ANY = Span("", 0, 0, 0, 0)

NodeT = TypeVar("NodeT")


def _strip(value: Any) -> Any:
    if isinstance(value, Span):
        return ANY
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _strip(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_strip(item) for item in value)
    return value


def nospan(node: NodeT) -> NodeT:
    """`node` with every Span in it (however deep) replaced by ANY."""
    result: NodeT = _strip(node)
    return result


def parse(text: str) -> ast.MigrationFile:
    return parse_text(textwrap.dedent(text), PATH)


def statements(text: str) -> tuple[ast.Statement, ...]:
    return nospan(parse(text).statements)


def only(text: str, kind: type[NodeT]) -> NodeT:
    """The one statement in `text`, which must be a `kind`, without spans."""
    found = statements(text)
    assert len(found) == 1, found
    statement = found[0]
    assert isinstance(statement, kind), statement
    return statement


def column(declaration: str) -> ast.Column:
    """The column declared by one line inside `table t { … }`."""
    table = only(f"table t {{\n    {declaration}\n}}\n", ast.CreateTable)
    assert len(table.columns) == 1, table.columns
    assert table.constraints == ()
    return table.columns[0]


def constraints_of(declaration: str) -> tuple[ast.ColumnConstraint, ...]:
    return column(f"c text {declaration}").constraints


def N(value: str) -> ast.Name:
    return ast.Name(value, ANY)


def Q(name: str, schema: str | None = None) -> ast.QualifiedName:
    return ast.QualifiedName(name, schema, ANY)


def T(
    name: str,
    *modifiers: int,
    bounds: tuple[int | None, ...] = (),
    schema: str | None = None,
    builtin: bool = True,
) -> ast.TypeName:
    return ast.TypeName(name, ANY, modifiers, bounds, schema, builtin)


def S(value: str) -> ast.Literal:
    return ast.Literal("string", value, ANY)


def NUM(value: str) -> ast.Literal:
    return ast.Literal("number", value, ANY)


def RAW(sql: str) -> ast.RawExpression:
    return ast.RawExpression(sql, ANY)


def CALL(name: str, *arguments: ast.Expression, schema: str | None = None) -> ast.FunctionCall:
    return ast.FunctionCall(Q(name, schema), arguments, ANY)


def COL(name: str, type_: ast.TypeName, *constraints: ast.ColumnConstraint) -> ast.Column:
    return ast.Column(N(name), type_, constraints, ANY)


def LABEL(value: str) -> ast.EnumLabel:
    return ast.EnumLabel(value, ANY)


def ELEMENT(
    column: str | None = None,
    *,
    expression: str | None = None,
    opclass: ast.QualifiedName | None = None,
    descending: bool | None = None,
    nulls_first: bool | None = None,
) -> ast.IndexElement:
    return ast.IndexElement(
        N(column) if column is not None else None,
        RAW(expression) if expression is not None else None,
        opclass,
        descending,
        nulls_first,
        ANY,
    )


def INDEX(
    name: str,
    table: ast.QualifiedName,
    *elements: ast.IndexElement,
    unique: bool = False,
    concurrently: bool = False,
    method: str | None = None,
    include: tuple[str, ...] = (),
    parameters: tuple[tuple[str, ast.Literal], ...] = (),
    where: str | None = None,
) -> ast.CreateIndex:
    return ast.CreateIndex(
        N(name),
        table,
        unique,
        concurrently,
        N(method) if method is not None else None,
        elements,
        tuple(N(c) for c in include),
        tuple(ast.IndexParameter(N(k), v, ANY) for k, v in parameters),
        RAW(where) if where is not None else None,
        ANY,
    )


def REFS(
    table: str,
    *columns: str,
    schema: str | None = None,
    on_delete: ast.ReferentialAction | None = None,
    on_update: ast.ReferentialAction | None = None,
) -> ast.References:
    return ast.References(
        Q(table, schema), tuple(N(c) for c in columns), on_delete, on_update, ANY
    )


def names(*values: str) -> tuple[ast.Name, ...]:
    return tuple(N(v) for v in values)
