"""Parser corner cases the property generators found or steer around, pinned as plain
examples: once-broken inputs, keywords leaking after a column or a column list, a comment
holding `(`, one-line messages. Kept apart so the generator's workarounds stay explained.
"""

from __future__ import annotations

import pytest

from pgshift.dsl import DiagnosticError, Source, parse_text, render
from tests.dsl.properties_summary_support import statement_summary
from tests.dsl.properties_support import Summary

# ------------------------------------------------------------------ known bugs


def parses_to(text: str) -> tuple[Summary, ...]:
    return tuple(statement_summary(s) for s in parse_text(text).statements)


INT = ("integer", (), (), None, True)


def test_fixed_corner_cases() -> None:
    """Once-broken inputs, kept as examples: plain enum labels, comments inside an unnamed
    `primary key (...)` / `unique (...)`, a form feed before a table check."""
    assert parses_to("enum e (draft, Published)") == (
        ("enum", (None, "e"), ("draft", "Published")),)
    assert parses_to("table t {\n a int\n primary key -- natural key\n (a)\n}") == (
        ("table", (None, "t"), (("a", INT, ()),), (("pk", None, ("a",)),)),)
    assert parses_to("table t {\n a int\n unique -- one per a\n (a)\n}") == (
        ("table", (None, "t"), (("a", INT, ()),), (("unique", None, ("a",), True),)),)
    (table,) = parses_to("table t {\n a int\f\n check `a > 0`\n}")
    assert table[3] == (("check", None, "a > 0"),)


def test_diagnostic_quotes_its_own_line_after_a_form_feed() -> None:
    text = "\f-- a form feed is whitespace\ntable t { a int ) }\n"
    with pytest.raises(DiagnosticError) as failure:
        parse_text(text, "f.shift")
    (diagnostic,) = failure.value.diagnostics
    block = render(diagnostic, Source("f.shift", text)).split("\n")
    assert block[1] == "table t { a int ) }"


@pytest.mark.parametrize("word", ["add", "drop", "rename", "alter", "using"])
def test_leaked_keyword_after_a_column(word: str) -> None:
    assert parses_to(f"table t {{\n a int\n {word} int\n}}") == (
        ("table", (None, "t"), (("a", INT, ()), (word, INT, ())), ()),)


@pytest.mark.parametrize(("before", "word"), [
    ("author_id int references users (id)", "comment"),
    ("author_id int references users (id)", "index"),
    ("author_id int\n unique (author_id)", "table"),
    ("author_id int\n primary key (author_id)", "with"),
    ("author_id int\n foreign key (author_id) references users (id)", "where"),
])
def test_leaked_keyword_after_a_column_list(before: str, word: str) -> None:
    (table,) = parses_to(f"table t {{\n {before}\n {word} int\n}}")
    assert table[2][-1] == (word, INT, ())


@pytest.mark.parametrize("constraint", ["unique", "primary key"])
def test_comment_with_paren_after_column_unique(constraint: str) -> None:
    (table,) = parses_to(f"table t {{\n id int {constraint} -- see (1)\n}}")
    assert table[2] == (("id", INT, ((constraint,),)),)


@pytest.mark.parametrize("text", ["'a\nb'", '"x\ny" int', "table t { a int 'x\ny' }"])
def test_messages_are_one_line(text: str) -> None:
    with pytest.raises(DiagnosticError) as failure:
        parse_text(text, "m.shift")
    for diagnostic in failure.value.diagnostics:
        assert "\n" not in diagnostic.message, diagnostic.message
