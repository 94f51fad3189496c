"""The statements besides tables parsed to the AST: schemas, extensions, enums, indexes,
comments on objects, raw sql and irreversible."""

from __future__ import annotations

from typing import Literal

import pytest

from pgshift.dsl import DiagnosticError, ast
from tests.dsl.parse_ast_support import (
    ANY,
    ELEMENT,
    INDEX,
    LABEL,
    NUM,
    N,
    Q,
    S,
    nospan,
    only,
    parse,
    statements,
)

# ---------------------------------------------------------------- schemas


def test_schema() -> None:
    assert only("schema rag", ast.CreateSchema) == ast.CreateSchema(N("rag"), ANY)


def test_schema_with_quoted_name_keeps_its_case() -> None:
    assert only('SCHEMA "Tenant One"', ast.CreateSchema).name == N("Tenant One")


def test_drop_schema() -> None:
    assert only("drop schema Rag", ast.DropSchema) == ast.DropSchema(N("rag"), ANY)


def test_schema_is_still_a_column_name() -> None:
    table = only("table t { schema text }", ast.CreateTable)
    assert table.columns[0].name == N("schema")


def test_a_schema_name_cannot_be_qualified() -> None:
    with pytest.raises(DiagnosticError) as raised:
        parse("schema a.b")
    assert raised.value.diagnostics[0].code == "syntax"


# ---------------------------------------------------------------- extensions


def test_extension() -> None:
    assert only("extension vector", ast.CreateExtension) == ast.CreateExtension(N("vector"), ANY)


def test_extension_with_quoted_name() -> None:
    assert only('extension "uuid-ossp"', ast.CreateExtension).name == N("uuid-ossp")


def test_extension_with_schema() -> None:
    assert only('extension vector WITH schema "Ext"', ast.CreateExtension) == (
        ast.CreateExtension(N("vector"), ANY, N("Ext")))


def test_extension_then_a_schema_statement() -> None:
    """Only `with schema` names the extension's schema: `schema` alone starts a statement."""
    assert statements("extension vector\nschema ext") == (
        ast.CreateExtension(N("vector"), ANY), ast.CreateSchema(N("ext"), ANY))


def test_drop_extension() -> None:
    assert only("drop extension vector", ast.DropExtension) == ast.DropExtension(
        N("vector"), ANY
    )


# ---------------------------------------------------------------- enums


def test_enum_with_double_quoted_labels() -> None:
    assert only('enum mood ("happy", "sad")', ast.CreateEnum) == ast.CreateEnum(
        Q("mood"), (LABEL("happy"), LABEL("sad")), ANY
    )


def test_enum_with_single_quoted_labels_keeps_them_exactly() -> None:
    enum = only("enum mood ('Happy', 'it''s ok', 'with \"quote\"',)", ast.CreateEnum)
    assert enum.labels == (LABEL("Happy"), LABEL("it's ok"), LABEL('with "quote"'))


def test_enum_double_quoted_label_with_doubled_quote() -> None:
    enum = only('enum mood ("say ""hi""")', ast.CreateEnum)
    assert enum.labels == (LABEL('say "hi"'),)


def test_enum_schema_qualified() -> None:
    assert only("enum rag.mood ('a')", ast.CreateEnum).name == Q("mood", "rag")


def test_enum_unquoted_labels() -> None:
    enum = only("enum mood (happy, sad)", ast.CreateEnum)
    assert enum.labels == (LABEL("happy"), LABEL("sad"))


def test_alter_enum_add_value() -> None:
    assert only("alter enum mood add value 'meh'", ast.AddEnumValue) == ast.AddEnumValue(
        Q("mood"), LABEL("meh"), None, None, ANY
    )


POSITIONS: list[Literal["before", "after"]] = ["before", "after"]


@pytest.mark.parametrize("position", POSITIONS)
def test_alter_enum_add_value_before_or_after(position: Literal["before", "after"]) -> None:
    statement = only(f"alter enum rag.mood add value 'meh' {position.upper()} 'sad'",
                     ast.AddEnumValue)
    assert statement == ast.AddEnumValue(Q("mood", "rag"), LABEL("meh"), position,
                                         LABEL("sad"), ANY)


def test_alter_enum_rename_value() -> None:
    assert only("alter enum mood rename value 'sad' to 'blue'", ast.RenameEnumValue) == (
        ast.RenameEnumValue(Q("mood"), LABEL("sad"), LABEL("blue"), ANY)
    )


def test_drop_enum() -> None:
    assert only("drop enum rag.mood", ast.DropEnum) == ast.DropEnum(Q("mood", "rag"), ANY)


# ---------------------------------------------------------------- indexes


def test_index_minimal() -> None:
    assert only("index i on t (a)", ast.CreateIndex) == INDEX("i", Q("t"), ELEMENT("a"))


def test_unique_concurrently_schema_qualified_index() -> None:
    assert only("unique index concurrently i on rag.t (a, b,)", ast.CreateIndex) == INDEX(
        "i", Q("t", "rag"), ELEMENT("a"), ELEMENT("b"), unique=True, concurrently=True
    )


@pytest.mark.parametrize("method", ["btree", "hash", "gin", "gist", "brin", "hnsw", "ivfflat"])
def test_index_using(method: str) -> None:
    assert only(f"index i on t using {method} (a)", ast.CreateIndex).method == N(method)


def test_index_operator_classes() -> None:
    index = only(
        "index i on t using hnsw (embedding vector_l2_ops, e2 public.vector_ip_ops)",
        ast.CreateIndex,
    )
    assert index.elements == (
        ELEMENT("embedding", opclass=Q("vector_l2_ops")),
        ELEMENT("e2", opclass=Q("vector_ip_ops", "public")),
    )


def test_index_expressions_and_ordering() -> None:
    index = only(
        "index i on t (`lower(email)` text_pattern_ops desc, a asc nulls first,"
        " b nulls last, c DESC NULLS LAST)",
        ast.CreateIndex,
    )
    assert index.elements == (
        ELEMENT(expression="lower(email)", opclass=Q("text_pattern_ops"), descending=True),
        ELEMENT("a", descending=False, nulls_first=True),
        ELEMENT("b", nulls_first=False),
        ELEMENT("c", descending=True, nulls_first=False),
    )


def test_index_with_parameters() -> None:
    index = only(
        "index i on t using ivfflat (e vector_cosine_ops)\n"
        "    with (lists = 100, fastupdate = false, buffering = 'auto', mode = on,"
        " f = 1.5, g = -1,)",
        ast.CreateIndex,
    )
    assert index.parameters == (
        ast.IndexParameter(N("lists"), NUM("100"), ANY),
        ast.IndexParameter(N("fastupdate"), ast.Literal("boolean", "false", ANY), ANY),
        ast.IndexParameter(N("buffering"), S("auto"), ANY),
        ast.IndexParameter(N("mode"), S("on"), ANY),
        ast.IndexParameter(N("f"), NUM("1.5"), ANY),
        ast.IndexParameter(N("g"), NUM("-1"), ANY),
    )


@pytest.mark.parametrize(
    "options",
    [
        "include (b, c) with (fillfactor = 70) where `a > 0`",
        "include (b, c) where `a > 0` with (fillfactor = 70)",
        "with (fillfactor = 70) include (b, c) where `a > 0`",
        "with (fillfactor = 70) where `a > 0` include (b, c)",
        "where `a > 0` include (b, c) with (fillfactor = 70)",
        "where `a > 0`\n    with (fillfactor = 70)\n    include (b, c)",
    ],
)
def test_index_options_in_any_order(options: str) -> None:
    assert only(f"index i on t (a) {options}", ast.CreateIndex) == INDEX(
        "i",
        Q("t"),
        ELEMENT("a"),
        include=("b", "c"),
        parameters=(("fillfactor", NUM("70")),),
        where="a > 0",
    )


# ---------------------------------------------------------------- comments on objects


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("comment on table t is 'hello'",
         ast.Comment("table", Q("t"), None, "hello", ANY)),
        ("comment on table rag.t is 'it''s'",
         ast.Comment("table", Q("t", "rag"), None, "it's", ANY)),
        ("comment on table t is null",
         ast.Comment("table", Q("t"), None, None, ANY)),
        ("comment on column t.c is 'the c'",
         ast.Comment("column", Q("t"), N("c"), "the c", ANY)),
        ("comment on column rag.t.c is NULL",
         ast.Comment("column", Q("t", "rag"), N("c"), None, ANY)),
        ('comment on column "My T"."My C" is \'x\'',
         ast.Comment("column", Q("My T"), N("My C"), "x", ANY)),
        ("comment on index i is 'idx'",
         ast.Comment("index", Q("i"), None, "idx", ANY)),
        ("COMMENT ON INDEX rag.i IS ''",
         ast.Comment("index", Q("i", "rag"), None, "", ANY)),
    ],
)
def test_comment_on(written: str, expected: ast.Comment) -> None:
    assert only(written, ast.Comment) == expected


# ---------------------------------------------------------------- sql and irreversible


def test_sql_without_down() -> None:
    assert only('sql """select 1"""', ast.RawSql) == ast.RawSql("select 1", None, ANY)


def test_sql_with_down_keeps_text_verbatim() -> None:
    text = 'sql """\n  -- not a comment\n  select \'x\' "y" `z`\n""" down """DROP x"""'
    assert only(text, ast.RawSql) == ast.RawSql(
        "\n  -- not a comment\n  select 'x' \"y\" `z`\n", "DROP x", ANY
    )


def test_irreversible() -> None:
    migration = parse("extension x\nirreversible\n")
    assert migration.irreversible
    assert nospan(migration.statements[1]) == ast.Irreversible(None, ANY)


def test_irreversible_with_reason() -> None:
    assert only("irreversible 'drops the 2019 data'", ast.Irreversible) == ast.Irreversible(
        "drops the 2019 data", ANY
    )


def test_migration_without_irreversible_is_reversible() -> None:
    assert not parse("extension x").irreversible
