"""Function calls nested in a value, at any depth a file can hold (issue 17.12): up to
MAX_CALL_DEPTH they compile; deeper, a positioned error at the outermost call, never a
RecursionError from the compiler that reads values recursively."""

from __future__ import annotations

import pytest

from pgshift.compiler.history import compile_texts
from pgshift.dsl import DiagnosticError, ast, parse_text, render_all
from pgshift.dsl.build_types import MAX_CALL_DEPTH


def nested(depth: int, innermost: str = "") -> str:
    return "f(" * depth + innermost + ")" * depth


def test_calls_as_deep_as_allowed_compile() -> None:
    text = f"table t {{\n    a integer default {nested(MAX_CALL_DEPTH, '1')}\n}}\n"
    history = compile_texts([("0.0.1_deep.shift", text)])
    assert history.errors == []
    assert f"DEFAULT {nested(MAX_CALL_DEPTH, '1')}" in history.migrations[0].up[0]


@pytest.mark.parametrize("depth", [MAX_CALL_DEPTH + 1, 340, 10_000, 100_000])
@pytest.mark.parametrize("where", ["default", "set_default", "argument"])
def test_deeper_calls_are_one_positioned_error(depth: int, where: str) -> None:
    value = nested(depth, "1, 'x'") if where == "argument" else nested(depth)
    text = {
        "default": f"table t {{\n    a integer default {value}\n}}\n",
        "set_default": f"alter table t {{\n    alter column a set default {value}\n}}\n",
        "argument": f"table t {{\n    a integer default g(1, {value})\n}}\n",
    }[where]
    history = compile_texts([("0.0.1_deep.shift", text)])
    assert [d.code for d in history.errors] == ["nested-too-deep"]
    found = history.errors[0]
    assert f"more than {MAX_CALL_DEPTH} levels deep ({depth + (where == 'argument'):,})" in (
        found.message)
    assert found.span is not None
    column = text.split("\n")[1].index("default ") + len("default ") + 1
    assert (found.span.line, found.span.column, found.span.end_column) == (2, column, column + 1)
    rendered = render_all(history.errors, history.sources).split("\n")
    assert rendered[0].startswith(f"0.0.1_deep.shift:2:{column}: error[nested-too-deep]: ")
    assert rendered[2] == " " * (column - 1) + "^"


def test_deep_calls_beside_others_are_reported_once_per_value() -> None:
    deep = nested(MAX_CALL_DEPTH + 1)
    text = (f"table t {{\n    a integer default g({deep}, {deep})\n"
            f"    b integer default {deep}\n    c integer default {nested(3)}\n}}\n")
    with pytest.raises(DiagnosticError) as failure:
        parse_text(text)
    assert [(d.code, d.span.line if d.span else 0) for d in failure.value.diagnostics] == [
        ("nested-too-deep", 2), ("nested-too-deep", 3)]


def test_each_call_knows_its_depth() -> None:
    (table,) = parse_text("table t {\n    a integer default f(g(), h(i(1)), 2)\n}\n").statements
    assert isinstance(table, ast.CreateTable)
    (default,) = [c for c in table.columns[0].constraints if isinstance(c, ast.Default)]
    assert isinstance(default.value, ast.FunctionCall)
    assert default.value.depth == 3


def test_deep_calls_in_a_file_that_does_not_parse_give_the_syntax_error() -> None:
    text = f"table t {{\n    a integer default {nested(100_000)}\n    b integer,\n}}\n"
    history = compile_texts([("0.0.1_deep.shift", text)])
    assert [(d.code, d.span.line if d.span else 0) for d in history.errors] == [("syntax", 3)]
