"""Views and materialized views with their options, `alter view`, and the comments on
views, schemas, sequences and functions, parsed to the AST."""

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


def test_view_options_sorted_with_their_values_as_postgresql_keeps_them() -> None:
    made = only('view v with (Security_Invoker = on, security_barrier) as """select 1 as x"""'
                "\n with local check option", ast.CreateView)
    assert made.options == (("check_option", "local"), ("security_barrier", "true"),
                            ("security_invoker", "true"))
    plain = only('view v with (security_invoker = false,) as """select 1 as x"""\n'
                 "WITH\n CHECK OPTION", ast.CreateView)
    assert plain.options == (("check_option", "cascaded"), ("security_invoker", "false"))
    assert only('view v as """select 1 as x""" with cascaded check option',
                ast.CreateView).options == (("check_option", "cascaded"),)


def test_alter_view_set_and_reset() -> None:
    assert statements("alter view rag.v set (security_invoker = true, check_option = local)\n"
                      "alter view v reset (security_barrier, check_option)") == (
        ast.AlterView(Q("v", "rag"), (("check_option", "local"), ("security_invoker", "true")),
                      (), ANY),
        ast.AlterView(Q("v"), (), ("security_barrier", "check_option"), ANY))


def test_comments_on_views_schemas_and_sequences() -> None:
    made = statements("comment on view rag.v is 'A view'\n"
                      "COMMENT ON MATERIALIZED  VIEW m IS NULL\n"
                      "comment on schema rag is 'Retrieval'\n"
                      "comment on sequence rag.tickets is 'Numbers'")
    assert made == (ast.Comment("view", Q("v", "rag"), None, "A view", ANY),
                    ast.Comment("materialized view", Q("m"), None, None, ANY),
                    ast.Comment("schema", Q("rag"), None, "Retrieval", ANY),
                    ast.Comment("sequence", Q("tickets", "rag"), None, "Numbers", ANY))


def test_view_option_words_stay_names() -> None:
    made = only("table reset { security_invoker text\n check_option int\n option int }",
                ast.CreateTable)
    assert [c.name.value for c in made.columns] == ["security_invoker", "check_option",
                                                    "option"]


@pytest.mark.parametrize(("text", "message"), [
    ('view v with (security_definer = true) as """select 1"""', "not a view option"),
    ('view v with (security_invoker = maybe) as """select 1"""', "true or false"),
    ('view v with (check_option = both) as """select 1"""', "local or cascaded"),
    ('view v with (security_barrier, security_barrier = false) as """select 1"""', "twice"),
    ('view v with (check_option = local) as """select 1""" with check option', "twice"),
    ('materialized view m with (security_invoker = true) as """select 1"""', "materialized"),
    ('materialized view m as """select 1""" with local check option', "materialized"),
    ("alter view v reset (fillfactor)", "not a view option"),
    ("comment on schema a.b is 'x'", "one name"),
])
def test_refused_view_options(text: str, message: str) -> None:
    with pytest.raises(DiagnosticError) as raised:
        parse(text)
    assert message in str(raised.value)


def test_comment_on_function_names_its_argument_types() -> None:
    made = only("comment on function rag.add(int, text[]) is 'Adds'", ast.CommentOnFunction)
    assert made.name == Q("add", "rag")
    assert [(t.name, t.array_bounds) for t in made.argument_types] == [
        ("integer", ()), ("text", (None,))]
    assert made.text == "Adds"
    assert only("COMMENT ON FUNCTION touch() IS NULL", ast.CommentOnFunction).text is None
