"""`external` declarations parsed to the AST: a schema, a table, an enum or a type that
exists without the migrations, each written as its own statement would write it."""

from __future__ import annotations

import pytest

from pgshift.dsl import DiagnosticError, ast
from tests.dsl.parse_ast_support import ANY, COL, LABEL, N, Q, T, nospan, only, parse


def test_external_schema() -> None:
    assert only("external schema auth", ast.External) == ast.External(
        ast.CreateSchema(N("auth"), ANY), ANY)


def test_external_table_holds_its_columns_and_keys() -> None:
    written = """\
        external table auth.users {
            id    uuid primary key
            email text not null
            unique (email)
        }
    """
    assert only(written, ast.External) == ast.External(ast.CreateTable(
        Q("users", "auth"),
        (COL("id", T("uuid"), ast.PrimaryKey(ANY)), COL("email", T("text"), ast.NotNull(ANY))),
        (ast.UniqueConstraint(None, (N("email"),), True, ANY),), ANY), ANY)


def test_external_enum() -> None:
    assert only("External Enum auth.aal_level ('aal1', 'aal2',)", ast.External) == ast.External(
        ast.CreateEnum(Q("aal_level", "auth"), (LABEL("aal1"), LABEL("aal2")), ANY), ANY)


def test_external_type() -> None:
    assert only("external type extensions.citext", ast.External) == ast.External(
        ast.ExternalType(Q("citext", "extensions"), ANY), ANY)


def test_an_external_type_may_be_unqualified() -> None:
    assert only("external type geometry", ast.External).object == ast.ExternalType(
        Q("geometry"), ANY)


def test_external_declarations_read_as_their_own_statements_do() -> None:
    """What a table, an enum or a schema refuses, their external declarations refuse too."""
    with pytest.raises(DiagnosticError) as raised:
        parse("external table auth.users {\n    id uuid\n    id text\n}")
    assert raised.value.diagnostics[0].code == "duplicate-column"
    with pytest.raises(DiagnosticError) as raised:
        parse("external enum auth.role ('a', 'a')")
    assert raised.value.diagnostics[0].code == "duplicate-enum-value"


@pytest.mark.parametrize("written", [
    "external function auth.uid()", "external role auth.anon", "external auth.users",
    "external schema auth.inner",
])
def test_only_a_schema_table_enum_or_type_can_be_external(written: str) -> None:
    with pytest.raises(DiagnosticError) as raised:
        parse(written)
    assert raised.value.diagnostics[0].code == "syntax"


def test_external_is_still_a_name() -> None:
    table = only("table t {\n    id bigint\n    external boolean\n}", ast.CreateTable)
    assert table.columns[1].name == N("external")
    assert only("table external { id bigint }", ast.CreateTable).name == Q("external")


def test_spans_of_an_external_declaration() -> None:
    statement = parse("-- platform\nexternal table auth.users { id uuid }\n").statements[0]
    assert isinstance(statement, ast.External)
    assert (statement.span.line, statement.span.column) == (2, 1)
    assert (statement.object.span.line, statement.object.span.column) == (2, 10)
    assert nospan(statement.object) == ast.CreateTable(
        Q("users", "auth"), (COL("id", T("uuid")),), (), ANY)
