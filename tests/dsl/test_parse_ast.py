"""The language as a whole parsed to the AST: DESIGN.md's sketch as written, and the rules
every statement shares (comments, line breaks, names, quoting, keywords)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift.dsl import ast, parse_text
from tests.dsl.parse_ast_support import (
    ANY,
    CALL,
    COL,
    ELEMENT,
    INDEX,
    LABEL,
    NUM,
    PATH,
    RAW,
    REFS,
    N,
    Q,
    S,
    T,
    names,
    nospan,
    only,
    parse,
    statements,
)

# ---------------------------------------------------------------- the design sketch

# DESIGN.md's language sketch, verbatim: its contract is that it parses as written.
DESIGN_SKETCH = (Path(__file__).parent / "testdata" / "design_sketch.shift").read_text(
    encoding="utf-8")


def test_design_sketch_parses_as_written() -> None:
    migration = parse_text(DESIGN_SKETCH, PATH)
    assert migration.path == PATH
    assert migration.header is None
    assert not migration.irreversible
    assert nospan(migration.statements) == (
        ast.CreateExtension(N("vector"), ANY),
        ast.CreateEnum(
            Q("document_status"), (LABEL("draft"), LABEL("published"), LABEL("archived")), ANY
        ),
        ast.CreateTable(
            Q("embeddings"),
            (
                COL("id", T("bigint"), ast.Identity(False, ANY), ast.PrimaryKey(ANY)),
                COL(
                    "content_part_id",
                    T("integer"),
                    ast.NotNull(ANY),
                    REFS("content_parts", "id", on_delete="cascade"),
                ),
                COL("embedding", T("vector", 1536), ast.NotNull(ANY)),
                COL(
                    "created_at",
                    T("timestamp with time zone"),
                    ast.NotNull(ANY),
                    ast.Default(CALL("now"), ANY),
                ),
                COL("note", T("text"), ast.Check(RAW("length(note) < 1000"), ANY)),
            ),
            (ast.UniqueConstraint(None, names("content_part_id"), True, ANY),),
            ANY,
        ),
        INDEX(
            "embeddings_embedding_hnsw",
            Q("embeddings"),
            ELEMENT("embedding", opclass=Q("vector_cosine_ops")),
            method="hnsw",
            parameters=(("m", NUM("16")), ("ef_construction", NUM("64"))),
        ),
        INDEX(
            "users_email_lower",
            Q("users"),
            ELEMENT(expression="lower(email)"),
            unique=True,
            where="deleted_at is null",
        ),
        INDEX(
            "documents_fetched_at", Q("documents"), ELEMENT("fetched_at"), concurrently=True
        ),
        ast.AlterTable(
            Q("documents"),
            (
                ast.AddColumn(
                    COL("language", T("text"), ast.NotNull(ANY), ast.Default(S("en"), ANY)),
                    ANY,
                ),
                ast.RenameColumn(N("body"), N("content"), ANY),
                ast.AlterColumnType(N("title"), T("character varying", 500), None, ANY),
                ast.DropColumn(N("url"), False, ANY),
            ),
            ANY,
        ),
        ast.RenameTable(Q("metadata"), N("document_metadata"), ANY),
        ast.DropIndex(Q("idx_documents_body"), False, ANY),
        ast.RawSql(
            "\n    CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql"
            " AS $$ ... $$\n",
            "\n    DROP FUNCTION touch_updated_at()\n",
            ANY,
        ),
    )


# ---------------------------------------------------------------- comments, names, keywords


def test_line_comments_anywhere() -> None:
    migration = parse("""\
        -- leading comment
        migration { -- after a brace
            lock_timeout 5s -- after a setting
            -- on its own line
        } -- after the header
        table t { -- after a brace
            -- between columns
            a text default 'a -- b' -- after a default
            b int check `b -- in SQL
              > 0` -- after a backtick
        } -- after a table
        index -- inside a statement
            i on t -- more
            (a) -- end
        sql \"\"\" -- kept \"\"\" -- after a block
        -- trailing comment""")
    assert migration.header is not None
    assert migration.header.lock_timeout is not None
    assert nospan(migration.statements) == (
        ast.CreateTable(
            Q("t"),
            (
                COL("a", T("text"), ast.Default(S("a -- b"), ANY)),
                COL("b", T("integer"), ast.Check(RAW("b -- in SQL\n      > 0"), ANY)),
            ),
            (),
            ANY,
        ),
        INDEX("i", Q("t"), ELEMENT("a")),
        ast.RawSql(" -- kept ", None, ANY),
    )


def test_statements_need_no_line_breaks() -> None:
    assert statements("table t { a int } index i on t (a) extension x drop table u") == (
        ast.CreateTable(Q("t"), (COL("a", T("integer")),), (), ANY),
        INDEX("i", Q("t"), ELEMENT("a")),
        ast.CreateExtension(N("x"), ANY),
        ast.DropTable(Q("u"), False, ANY),
    )


def test_schema_qualified_names() -> None:
    found = statements("""\
        table rag.documents { id bigint }
        index i on rag.documents (id)
        alter table rag.documents { drop column id }
        drop table "Rag"."Documents"
    """)
    table, index, alter, drop = found
    assert isinstance(table, ast.CreateTable)
    assert isinstance(index, ast.CreateIndex)
    assert isinstance(alter, ast.AlterTable)
    assert isinstance(drop, ast.DropTable)
    assert [table.name, index.table, alter.table, drop.table] == [
        Q("documents", "rag"),
        Q("documents", "rag"),
        Q("documents", "rag"),
        Q("Documents", "Rag"),
    ]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("documents", "documents"),
        ("Documents", "documents"),
        ("DOCUMENTS_2$x", "documents_2$x"),
        ("_private", "_private"),
        ('"Documents"', "Documents"),
        ('"my table"', "my table"),
        ('"Grüße 😀"', "Grüße 😀"),
        ('"say ""hi"""', 'say "hi"'),
        ('"select"', "select"),
        ('"a.b"', "a.b"),
        ('"--x"', "--x"),
        ('"{}()`\'"', "{}()`'"),
    ],
)
def test_identifiers_fold_unless_quoted(written: str, value: str) -> None:
    table = only(f"table {written} {{ {written} text }}", ast.CreateTable)
    assert table.name == Q(value)
    assert table.columns[0].name == N(value)


def test_keywords_are_case_insensitive() -> None:
    assert statements("""\
        TABLE T {
            Id BIGINT Identity Primary Key
            Name Text Not Null Default 'x'
            Check `length(name) > 0`
        }
        Unique Index Concurrently I On T Using BTREE (Name DESC Nulls First)
        Alter Table T { Add Column X Int Null  Drop Column Y CASCADE }
        DROP INDEX I
        Comment On Table T Is NULL
        Irreversible
    """) == (
        ast.CreateTable(
            Q("t"),
            (
                COL("id", T("bigint"), ast.Identity(False, ANY), ast.PrimaryKey(ANY)),
                COL("name", T("text"), ast.NotNull(ANY), ast.Default(S("x"), ANY)),
            ),
            (ast.CheckConstraint(None, RAW("length(name) > 0"), ANY),),
            ANY,
        ),
        INDEX("i", Q("t"), ELEMENT("name", descending=True, nulls_first=True),
              unique=True, concurrently=True, method="btree"),
        ast.AlterTable(
            Q("t"),
            (
                ast.AddColumn(COL("x", T("integer"), ast.Nullable(ANY)), ANY),
                ast.DropColumn(N("y"), True, ANY),
            ),
            ANY,
        ),
        ast.DropIndex(Q("i"), False, ANY),
        ast.Comment("table", Q("t"), None, None, ANY),
        ast.Irreversible(None, ANY),
    )


KEYWORD_NAMES = ["key", "value", "type", "text", "status", "role", "comment", "index",
                 "table", "time", "data", "enum", "extension", "sql", "migration", "to",
                 "on", "with", "cascade", "first", "last", "year", "zone", "before"]


@pytest.mark.parametrize(
    "word",
    [
        *KEYWORD_NAMES,
        "using",
    ],
)
def test_keywords_elsewhere_work_as_column_names(word: str) -> None:
    table = only(f"table t {{\n    id bigint\n    {word} text not null\n    after int\n}}",
                 ast.CreateTable)
    assert table.columns == (
        COL("id", T("bigint")),
        COL(word, T("text"), ast.NotNull(ANY)),
        COL("after", T("integer")),
    )


@pytest.mark.parametrize("word", KEYWORD_NAMES)
def test_keywords_elsewhere_work_as_names_in_other_statements(word: str) -> None:
    found = statements(f"""\
        index {word} on {word} ({word})
        alter table {word} {{ rename column {word} to {word}2 }}
        comment on column {word}.{word} is 'x'
    """)
    assert found == (
        INDEX(word, Q(word), ELEMENT(word)),
        ast.AlterTable(Q(word), (ast.RenameColumn(N(word), N(f"{word}2"), ANY),), ANY),
        ast.Comment("column", Q(word), N(word), "x", ANY),
    )


@pytest.mark.parametrize("field", ["year", "month", "day", "hour", "minute", "second"])
def test_interval_field_names_after_an_interval_column(field: str) -> None:
    table = only(f"table t {{\n    span interval\n    {field} int\n}}", ast.CreateTable)
    assert table.columns == (COL("span", T("interval")), COL(field, T("integer")))
