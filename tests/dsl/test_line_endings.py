"""A line ends at LF, CRLF or a lone CR, as it does for PostgreSQL (issue 17.10).

A file saved with CR-only line endings once had its `--` comment run to the end of the
file, so every statement after it vanished without a word. Comments, the terminals that
look ahead past comments, and the line numbers of diagnostics all end lines the same way.
"""

from __future__ import annotations

import pytest

from pgshift.dsl import DiagnosticError, ast, parse_text, render_all
from pgshift.dsl.source import Source, span_inside, split_lines

TWO_TABLES = ["table t {", "    id integer", "}", "-- the second table", "table u {",
              "    id integer", "}", ""]
ENDINGS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


def tables(text: str) -> list[str]:
    return [s.name.name for s in parse_text(text).statements if isinstance(s, ast.CreateTable)]


@pytest.mark.parametrize("newline", ENDINGS.values(), ids=ENDINGS.keys())
def test_a_comment_between_two_tables_ends_at_its_line(newline: str) -> None:
    assert tables(newline.join(TWO_TABLES)) == ["t", "u"]


@pytest.mark.parametrize("newline", ENDINGS.values(), ids=ENDINGS.keys())
def test_lookaheads_past_comments_and_table_checks_end_lines_alike(newline: str) -> None:
    text = newline.join([
        "table t {",
        "    a integer -- a comment",
        "    check `a > 0`",
        "    b integer",
        "    primary -- why",
        "    key (a)",
        "}",
        "alter table t {",
        "    add -- a column",
        "    column c integer",
        "    drop -- it again",
        "    column c",
        "}",
        "",
    ])
    create, alter = parse_text(text).statements
    assert isinstance(create, ast.CreateTable)
    assert [type(c).__name__ for c in create.constraints] == [
        "CheckConstraint", "PrimaryKeyConstraint"]
    assert isinstance(alter, ast.AlterTable)
    assert [type(a).__name__ for a in alter.actions] == ["AddColumn", "DropColumn"]


def _rendered(text: str) -> list[str]:
    with pytest.raises(DiagnosticError) as failure:
        parse_text(text, "x.shift")
    return render_all(failure.value.diagnostics[:1], {"x.shift": Source("x.shift", text)}
                      ).split("\n")


def _error_position(text: str) -> tuple[int, int, str]:
    head, line, _ = _rendered(text)
    number, column = head.split(":")[1:3]
    return int(number), int(column), line


@pytest.mark.parametrize("newline", ENDINGS.values(), ids=ENDINGS.keys())
def test_diagnostics_count_a_lone_cr_as_a_line_end(newline: str) -> None:
    lines = [*TWO_TABLES[:5], "    id integer,", "}", ""]  # a comma where none goes
    assert _error_position(newline.join(lines)) == (6, 15, "    id integer,")


def test_mixed_line_endings_count_each_one_once() -> None:
    text = "table t {\r\n    a integer\r\r\n\n-- note\r    b integer,\n}\n"
    assert _error_position(text) == (6, 14, "    b integer,")


def test_the_line_shown_under_a_parse_error_found_by_lark_is_the_right_one() -> None:
    text = "table t {\r    id integer\r}\rtable u {\r    id integer\r\rtable v { id int }\r"
    head, shown, _ = _rendered(text)
    assert head.startswith("x.shift:4:9: error[unclosed-brace]")
    assert "line 7 starts a new statement" in head
    assert shown == "table u {"


def test_token_positions_count_lone_crs() -> None:
    text = "-- head\r\rtable t {\r    a integer default 'x'\r}\r"
    (table,) = parse_text(text).statements
    assert isinstance(table, ast.CreateTable)
    assert (table.span.line, table.span.column) == (3, 1)
    column = table.columns[0]
    assert (column.span.line, column.span.column) == (4, 5)


def test_split_lines_and_spans_inside_tokens_agree_with_the_parser() -> None:
    assert split_lines("a\rb\r\nc\nd") == ["a", "b", "c", "d"]
    token = Source("x.shift", "").span_at(0)._replace(line=3, column=10)
    assert span_inside(token, 1, "ab\r\ncd\ref", 8)[1:] == (5, 2, 5, 3)
    assert span_inside(token, 1, "ab\r\ncd\ref", 1, 5)[1:] == (3, 12, 3, 13)
