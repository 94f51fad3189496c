"""What a migration file holds besides its statements: the header, the positions (spans)
of nodes, the file's name and version, and how a file on disk is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift.dsl import (
    BadFileName,
    MigrationName,
    Span,
    Version,
    ast,
    parse_file,
    parse_file_name,
    parse_text,
)
from tests.dsl.parse_ast_support import ANY, COL, PATH, N, S, T, nospan, parse

# ---------------------------------------------------------------- the migration header


def test_migration_header() -> None:
    migration = parse("""\
        migration {
            lock_timeout 5s
            statement_timeout 1min
        }
        extension vector
    """)
    assert nospan(migration.header) == ast.MigrationHeader(
        ast.Duration(5000, "5s", ANY), ast.Duration(60000, "1min", ANY), ANY
    )
    assert nospan(migration.statements) == (ast.CreateExtension(N("vector"), ANY),)


@pytest.mark.parametrize(
    ("written", "milliseconds"),
    [("500ms", 500), ("5s", 5000), ("1min", 60_000), ("2h", 7_200_000), ("1d", 86_400_000)],
)
def test_header_durations(written: str, milliseconds: int) -> None:
    header = parse(f"migration {{ lock_timeout {written} }}\nextension x").header
    assert header is not None
    assert nospan(header.lock_timeout) == ast.Duration(milliseconds, written, ANY)
    assert header.statement_timeout is None


def test_header_with_one_setting_and_empty_header() -> None:
    header = parse("migration { statement_timeout 30s }\nextension x").header
    assert nospan(header) == ast.MigrationHeader(None, ast.Duration(30_000, "30s", ANY), ANY)
    assert nospan(parse("migration { }\nextension x").header) == ast.MigrationHeader(
        None, None, ANY
    )


# ---------------------------------------------------------------- spans


SPAN_TEXT = """\
table rag.documents {
    id      bigint identity primary key
    title   varchar(200) not null
    check `length(title) > 0`
}
index documents_title on rag.documents (title)
"""


def at(line: int, column: int, end_line: int, end_column: int) -> Span:
    return Span(PATH, line, column, end_line, end_column)


def test_spans_of_a_table_its_name_and_columns() -> None:
    table = parse_text(SPAN_TEXT, PATH).statements[0]
    assert isinstance(table, ast.CreateTable)
    assert table.span == at(1, 1, 5, 2)
    assert table.name.span == at(1, 7, 1, 20)
    id_, title = table.columns
    assert id_.span == at(2, 5, 2, 40)
    assert id_.name.span == at(2, 5, 2, 7)
    assert id_.type.span == at(2, 13, 2, 19)
    assert [c.span for c in id_.constraints] == [at(2, 20, 2, 28), at(2, 29, 2, 40)]
    assert title.name.span == at(3, 5, 3, 10)
    assert title.type.span == at(3, 13, 3, 25)
    assert title.span == at(3, 5, 3, 34)


def test_span_of_a_check_on_its_own_line_starts_at_check() -> None:
    table = parse_text(SPAN_TEXT, PATH).statements[0]
    assert isinstance(table, ast.CreateTable)
    (check,) = table.constraints
    assert isinstance(check, ast.CheckConstraint)
    assert check.span == at(4, 5, 4, 30)
    assert check.expression.span == at(4, 11, 4, 30)


def test_spans_of_an_index() -> None:
    index = parse_text(SPAN_TEXT, PATH).statements[1]
    assert isinstance(index, ast.CreateIndex)
    assert index.span == at(6, 1, 6, 47)
    assert index.name.span == at(6, 7, 6, 22)
    assert index.table.span == at(6, 26, 6, 39)
    assert index.elements[0].span == at(6, 41, 6, 46)


def test_span_of_a_multi_line_statement_and_a_unicode_name() -> None:
    text = 'extension vector\n\nsql """\nselect 1\n"""\ntable "Grüße" { "ü" text }\n'
    _, raw, table = parse_text(text, PATH).statements
    assert raw.span == at(3, 1, 5, 4)
    assert isinstance(table, ast.CreateTable)
    assert table.name.span == at(6, 7, 6, 14)
    assert table.columns[0].name.span == at(6, 17, 6, 20)


# ---------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("0.0.1_initial_schema.shift",
         MigrationName(Version((0, 0, 1)), "0.0.1", "initial schema")),
        ("migrations/0.0.2_document_language.shift",
         MigrationName(Version((0, 0, 2)), "0.0.2", "document language")),
        ("20261123093000_add_x.shift",
         MigrationName(Version((20261123093000,)), "20261123093000", "add x")),
        ("1_add-index.shift", MigrationName(Version((1,)), "1", "add-index")),
        ("0.0.010_padded.shift", MigrationName(Version((0, 0, 10)), "0.0.010", "padded")),
    ],
)
def test_parse_file_name(file_name: str, expected: MigrationName) -> None:
    assert parse_file_name(file_name) == expected


def test_versions_order_numerically_part_by_part() -> None:
    def version(name: str) -> Version:
        return parse_file_name(name).version

    assert version("0.0.10_b.shift") > version("0.0.9_a.shift")
    assert version("0.1.0_b.shift") > version("0.0.99_a.shift")
    assert version("1.0_b.shift") > version("0.99.99_a.shift")
    assert version("20261123093000_b.shift") > version("20261123092959_a.shift")
    ordered = sorted(["0.0.10_c.shift", "0.0.2_b.shift", "0.0.1_a.shift", "0.1_d.shift"],
                     key=version)
    assert ordered == ["0.0.1_a.shift", "0.0.2_b.shift", "0.0.10_c.shift", "0.1_d.shift"]
    assert str(version("0.0.10_x.shift")) == "0.0.10"


@pytest.mark.parametrize(
    "file_name",
    [
        "initial_schema.shift",
        "0.0.1.shift",
        "0.0.1_.shift",
        "0.0.1-initial.shift",
        "0.0.1_initial schema.shift",
        "0..1_initial.shift",
        ".0.1_initial.shift",
        "0.0.1._initial.shift",
        "v0.0.1_initial.shift",
        "0.0.1_initial.sql",
        "0.0.1_initial.shift.bak",
        "0.0.1_initial",
        "",
    ],
)
def test_bad_file_names(file_name: str) -> None:
    with pytest.raises(BadFileName, match=r"\.shift"):
        parse_file_name(file_name)


# ---------------------------------------------------------------- files on disk


def test_parse_file_reads_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "0.0.1_initial_schema.shift"
    text = "table documents {\n    title text default 'café'\n    check `title <> ''`\n}\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    migration = parse_file(path)
    assert migration.path == str(path)
    (table,) = migration.statements
    assert isinstance(table, ast.CreateTable)
    assert nospan(table.columns) == (COL("title", T("text"), ast.Default(S("café"), ANY)),)
    assert table.span == Span(str(path), 1, 1, 4, 2)
    (check,) = table.constraints
    assert check.span == Span(str(path), 3, 5, 3, 24)


def test_parse_text_default_path() -> None:
    migration = parse_text("extension vector")
    assert migration.path == "<text>"
    assert migration.statements[0].span.file == "<text>"
