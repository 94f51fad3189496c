"""Parse time grows with the input, not with its square (issue 17.13).

Comment-only lines inside a table body were quadratic (TABLE_CHECK read ahead over the
whole run of comment lines from every line of it), and so were an unterminated 20 MB
string, quoted name or \"\"\" block (each failed match of a backtracking repeat kept a state
per character, on several tries), a file ending after a long run of blank lines (the end of
its last token was searched for from every offset) and many diagnostics on a long file
(each split the whole text to find its line). No test here times anything:
bench/worst_case_bench.py measures the growth. These check the shape of each remedy, and
that it reads and reports exactly what the slow form did.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pgshift.dsl.source as source_module
from pgshift.dsl import DiagnosticError, ast, parse_text, render_all
from pgshift.dsl.parser import tree_parser
from pgshift.dsl.source import Source, newlines_only, split_lines
from pgshift.dsl.syntax_errors import content_end

# The terminals as they were: backtracking, one state per character on a failed match.
BACKTRACKING = {
    "STRING": r"'(?:[^']|'')*'",
    "NAME": r'[a-z_][a-z0-9_$]*|"(?:[^"]|"")+"',
    "TRIPLE_STRING": r'"""(?:(?!""")[\s\S])*"""',
    "BACKTICK": r"`[^`]*`",
}


def terminal(name: str) -> re.Pattern[str]:
    found = next(t for t in tree_parser().terminals if t.name == name)
    flags = re.IGNORECASE if "i" in found.pattern.flags else 0
    return re.compile(found.pattern.to_regexp(), flags)


# ------------------------------------------------------------------ comment lines


def test_a_run_of_comment_lines_is_one_ignored_token() -> None:
    """So TABLE_CHECK is tried where the run starts, not again at each of its lines."""
    comment = terminal("LINE_COMMENT")
    run = "-- one\n    -- two\r\n\t-- three\r\r  -- four"
    assert comment.fullmatch(run)
    found = comment.match(run + "\n    b integer")
    assert found is not None
    assert found.group() == run  # the blanks after the last comment are not its


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_a_check_after_a_run_of_comment_lines_still_starts_a_table_constraint(
        newline: str) -> None:
    lines = ["table t {", "    a integer -- the first", *["    -- a comment"] * 50, "",
             "    -- the last", "    check `a > 0`", "    b integer", *["    -- note"] * 50,
             "    c integer check `c > 0`", "}", ""]
    create = parse_text(newline.join(lines)).statements[0]
    assert isinstance(create, ast.CreateTable)
    assert [c.name.value for c in create.columns] == ["a", "b", "c"]
    assert [c.expression.sql for c in create.constraints
            if isinstance(c, ast.CheckConstraint)] == ["a > 0"]
    assert [c.name.span.line for c in create.columns] == [2, 56, 107]


# ------------------------------------------------------------------ quoted text

QUOTED_TEXT = st.text(alphabet=["'", '"', "`", "x", "\n", " "], max_size=14)


@settings(max_examples=400, deadline=None)
@given(QUOTED_TEXT)
def test_the_quoted_terminals_match_what_their_backtracking_forms_matched(text: str) -> None:
    """Where an unclosed text ends (at its last escaped pair) decides where the error
    points, so every match, at every offset, is what it was."""
    for name, before in BACKTRACKING.items():
        now, then = terminal(name), re.compile(before, re.IGNORECASE)
        for offset in range(len(text)):
            old, new = then.match(text, offset), now.match(text, offset)
            assert (old and old.group()) == (new and new.group()), (name, text, offset)


_QUANTIFIER = re.compile(r"[*+?]|\{\d*,?\d*\}")


def group_repeats_that_backtrack(pattern: str) -> list[str]:
    """The repeats of a group in a pattern's text that are not possessive (`)*`, `)+`,
    `){2,}` without a `+` after them): each keeps a state per iteration to backtrack into.
    A repeat of one character class keeps none, so it may stay greedy. Read from the
    pattern's text, escapes and character classes skipped."""
    found = []
    index, in_class, before = 0, False, ""
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index, before = index + 2, "escape"
            continue
        if in_class:
            in_class = char != "]"
            index += 1
            continue
        quantifier = _QUANTIFIER.match(pattern, index) if before != "(" else None
        if quantifier is not None:
            end = quantifier.end()
            if before == ")" and pattern[end:end + 1] != "+":
                found.append(pattern[max(0, index - 12):end + 1])
            index, before = end + (pattern[end:end + 1] == "+"), "quantifier"
            continue
        in_class = char == "["
        index, before = index + 1, char
    return found


def test_the_backtracking_check_bites() -> None:
    for before in BACKTRACKING.values():
        if "(" in before:
            assert group_repeats_that_backtrack(before), before
    assert group_repeats_that_backtrack("(?:ab)++[)*]*(?=x)?+") == []


@pytest.mark.parametrize("name", [*BACKTRACKING, "LINE_COMMENT", "TABLE_CHECK"])
def test_quoted_text_and_comments_are_read_without_backtracking(name: str) -> None:
    """An unclosed quote fails in one pass over the text, keeping no state per character."""
    assert group_repeats_that_backtrack(terminal(name).pattern) == []


@pytest.mark.parametrize(("text", "line", "column"), [
    ("comment on table t is 'it''s\n", 1, 27),
    ("table t {\n    a text default 'x''\n}\n", 2, 23),
    ('table "a""b {\n', 1, 10),
    ('sql """ab""""\n', 1, 13),
    ("table t {\n    a integer check `a > 0\n}\n", 2, 21),
])
def test_an_unclosed_quote_is_blamed_where_it_always_was(text: str, line: int,
                                                          column: int) -> None:
    with pytest.raises(DiagnosticError) as failure:
        parse_text(text + "x" * 100_000)
    diagnostic = failure.value.diagnostics[0]
    assert diagnostic.code == "unterminated"
    assert diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)


# ------------------------------------------------------------------ where a file ends


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=["a", "-", " ", "\n", "\r", "\t", "\x85", "\u2028"], max_size=16))
def test_the_end_of_the_last_token_is_where_the_forward_search_found_it(text: str) -> None:
    assert content_end(text) == len(re.sub(r"(\s|--[^\r\n]*)*\Z", "", text))


def test_a_file_ending_after_many_blank_lines_is_blamed_at_its_last_token() -> None:
    with pytest.raises(DiagnosticError) as failure:
        parse_text("table t {\n" + "    \n    -- note\n" * 5_000 + "    a")
    span = failure.value.diagnostics[0].span
    assert span is not None
    assert (span.line, span.column) == (10_002, 6)


# ------------------------------------------------------------------ lines of diagnostics


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=["a", "\r", "\n", " ", "é"], max_size=14))
def test_lines_and_positions_are_what_splitting_and_counting_gave(text: str) -> None:
    source = Source("x.shift", text)
    lines = split_lines(text)
    for number in range(-1, len(lines) + 3):
        assert source.line(number) == (lines[number - 1] if 0 < number <= len(lines) else "")
    counted = newlines_only(text)
    for offset in range(len(text) + 3):
        line = counted.count("\n", 0, offset) + 1
        assert source.position(offset) == (line, offset - (counted.rfind("\n", 0, offset) + 1)
                                           + 1)


def test_many_diagnostics_on_a_long_file_read_its_text_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = "table t {\n" + "".join(f"    c{i} text not null null\n" for i in range(500)) + "}\n"
    with pytest.raises(DiagnosticError) as failure:
        parse_text(text, "x.shift")
    assert len(failure.value.diagnostics) == 500
    reads: list[str] = []

    def counted(name: str) -> Any:
        original = getattr(source_module, name)

        def read(text: str) -> Any:
            reads.append(name)
            return original(text)
        return read

    for name in ("newlines_only", "split_lines"):
        monkeypatch.setattr(source_module, name, counted(name))
    rendered = render_all(failure.value.diagnostics, {"x.shift": Source("x.shift", text)})
    assert rendered.count("error[conflicting-constraints]") == 500
    assert len(reads) <= 1
