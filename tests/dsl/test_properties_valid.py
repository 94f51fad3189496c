"""Property tests (a): valid programs, generated from the language's building blocks with
random names, keyword case, whitespace and comments, parse, and the AST says exactly what
was written (every statement, name, type, constraint and value is compared).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings

from pgshift.dsl import ast, parse_file, parse_text
from tests.dsl.properties_programs_support import SKETCH, Program, programs
from tests.dsl.properties_summary_support import header_summary, statement_summary
from tests.dsl.properties_support import COLUMN_RESERVED, KEYWORDS

# ------------------------------------------------------------------ (a) valid programs parse


def test_keyword_list_covers_the_grammar() -> None:
    """The generator's notion of a keyword is the grammar's (a new keyword must be seen here)."""
    assert {"table", "index", "column", "check", "primary", "references"} <= KEYWORDS
    assert not COLUMN_RESERVED - KEYWORDS


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_valid_programs_parse_to_what_was_written(program: Program) -> None:
    parsed = parse_text(program.text.removeprefix("\ufeff"), "generated.shift")
    assert len(parsed.statements) == len(program.statements)
    got = tuple(statement_summary(s) for s in parsed.statements)
    assert [g[0] for g in got] == [e[0] for e in program.statements]
    tables = [s for s in got if s[0] == "table"]
    expected_tables = [s for s in program.statements if s[0] == "table"]
    assert [t[1] for t in tables] == [t[1] for t in expected_tables]
    assert [[c[0] for c in t[2]] for t in tables] == [[c[0] for c in t[2]] for t in expected_tables]
    assert [[c[1][0] for c in t[2]] for t in tables] == [
        [c[1][0] for c in t[2]] for t in expected_tables]
    for statement, expected in zip(got, program.statements, strict=True):
        assert statement == expected
    assert header_summary(parsed.header) == program.header


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=programs())
def test_valid_programs_parse_from_bytes(program: Program, fuzz_dir: Path) -> None:
    """The file path (bytes → decode → parse) gives the same AST as parse_text."""
    path = fuzz_dir / "valid.shift"
    path.write_bytes(program.text.encode("utf-8"))
    from_file = parse_file(path)
    assert tuple(statement_summary(s) for s in from_file.statements) == program.statements


def test_design_sketch_parses() -> None:
    parsed = parse_text(SKETCH)
    assert [type(s).__name__ for s in parsed.statements] == [
        "CreateExtension", "CreateEnum", "CreateTable", "CreateIndex", "CreateIndex",
        "CreateIndex", "AlterTable", "RenameTable", "DropIndex", "RawSql"]
    table = parsed.statements[2]
    assert isinstance(table, ast.CreateTable)
    assert [(c.name.value, str(c.type)) for c in table.columns] == [
        ("id", "bigint"), ("content_part_id", "integer"), ("embedding", "vector(1536)"),
        ("created_at", "timestamp with time zone"), ("note", "text")]


