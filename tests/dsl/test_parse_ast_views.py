"""Views and materialized views parsed to the AST."""

from __future__ import annotations

import pytest

from pgshift.dsl import DiagnosticError, ast
from tests.dsl.parse_ast_support import ANY, Q, only, parse, statements


def test_view_keeps_its_query_verbatim() -> None:
    text = 'view rag.recent as """\n  select id, "Title" from rag.documents -- newest\n"""'
    assert only(text, ast.CreateView) == ast.CreateView(
        Q("recent", "rag"), '\n  select id, "Title" from rag.documents -- newest\n', False,
        True, ANY)


def test_materialized_view_with_and_without_data() -> None:
    made = statements('MATERIALIZED VIEW m AS """select 1 as x"""\n'
                      'materialized view n as """select 1 as x""" with no data\n'
                      'materialized view o as """select 1 as x""" WITH\n DATA\n')
    assert [(s.name.name, s.materialized, s.with_data) for s in made
            if isinstance(s, ast.CreateView)] == [("m", True, True), ("n", True, False),
                                                  ("o", True, True)]


def test_drop_and_refresh() -> None:
    assert statements('drop view v\ndrop materialized view rag.m\n'
                      'refresh materialized view rag.m\n'
                      'refresh materialized view m concurrently') == (
        ast.DropView(Q("v"), False, ANY), ast.DropView(Q("m", "rag"), True, ANY),
        ast.RefreshView(Q("m", "rag"), False, ANY), ast.RefreshView(Q("m"), True, ANY))


def test_view_words_stay_names() -> None:
    made = only("table view { materialized text\n refresh int\n view int }", ast.CreateTable)
    assert [c.name.value for c in made.columns] == ["materialized", "refresh", "view"]


def test_the_query_span_points_at_the_block() -> None:
    made = parse('view v as\n  """select 1"""').statements[0]
    assert isinstance(made, ast.CreateView)
    assert made.query_span is not None
    assert (made.query_span.line, made.query_span.column) == (2, 3)


@pytest.mark.parametrize("text", ['view v as """select 1""" with no data',
                                  'view v as """  """'])
def test_refused_forms(text: str) -> None:
    with pytest.raises(DiagnosticError):
        parse(text)
