"""Functions and triggers parsed to the AST: signatures with their own type rules, options
in any order, the body verbatim; trigger timings, events and `when`."""

from __future__ import annotations

import pytest

from pgshift.dsl import DiagnosticError, ast
from tests.dsl.parse_ast_support import ANY, N, Q, nospan, only, statements


def _type(name: str, bounds: tuple[int | None, ...] = (), schema: str | None = None,
          builtin: bool = True) -> ast.TypeName:
    return ast.TypeName(name, ANY, (), bounds, schema, builtin)


def test_trigger_function() -> None:
    found = only('function touch_updated_at() returns trigger language plpgsql as """\nbegin'
                 ' return new; end\n"""', ast.CreateFunction)
    assert nospan(found) == ast.CreateFunction(
        Q("touch_updated_at"), (), _type("trigger"), False, (), N("plpgsql"), None, False,
        False, "\nbegin return new; end\n", ANY, ANY)


def test_function_with_arguments_defaults_and_options() -> None:
    found = nospan(only(
        "function add(a int, b text default 'x', c double precision[] default `'{}'`)"
        " returns setof text strict language sql immutable security definer as"
        ' """select b"""', ast.CreateFunction))
    assert [(a.name, a.type) for a in found.arguments] == [
        (N("a"), _type("integer")), (N("b"), _type("text")),
        (N("c"), _type("double precision", (None,)))]
    assert found.arguments[1].default == ast.Literal("string", "x", ANY)
    assert found.arguments[2].default == ast.RawExpression("'{}'", ANY)
    assert (found.returns, found.setof) == (_type("text"), True)
    assert (found.volatility, found.strict, found.security_definer) == ("immutable", True, True)


def test_function_returning_a_table() -> None:
    found = nospan(only('function pairs() returns table (a int, at timestamp with time zone)'
                        ' stable language sql as """select 1, now()"""', ast.CreateFunction))
    assert found.returns is None
    assert found.returns_table == (
        ast.ReturnsColumn(N("a"), _type("integer"), ANY),
        ast.ReturnsColumn(N("at"), _type("timestamp with time zone"), ANY))


def test_types_of_a_signature_leave_column_names_alone() -> None:
    """`language`, `strict` or `as` after a column's type are still the next column."""
    table = only("table t {\n  a text\n  language text\n  strict int\n  stable int\n}",
                 ast.CreateTable)
    assert [c.name.value for c in table.columns] == ["a", "language", "strict", "stable"]


def test_a_function_names_its_language() -> None:
    with pytest.raises(DiagnosticError) as raised:
        statements('function f() returns int as """select 1"""')
    assert [d.code for d in raised.value.diagnostics] == ["missing-value"]


def test_option_given_twice() -> None:
    with pytest.raises(DiagnosticError) as raised:
        statements('function f() returns int language sql stable immutable as """select 1"""')
    assert [d.code for d in raised.value.diagnostics] == ["duplicate-option"]


def test_drop_function_names_argument_types() -> None:
    found = nospan(only("drop function rag.add(int, varchar, timestamptz)", ast.DropFunction))
    assert found == ast.DropFunction(Q("add", "rag"), (
        _type("integer"), _type("character varying"), _type("timestamp with time zone")), ANY)


def test_trigger() -> None:
    found = nospan(only(
        "trigger documents_touch before update of title, body or insert on documents for each"
        " row when `new.title is not null` execute function touch('a', 'it''s')",
        ast.CreateTrigger))
    assert found == ast.CreateTrigger(
        N("documents_touch"), "before",
        (ast.TriggerEvent("update", (N("title"), N("body")), ANY),
         ast.TriggerEvent("insert", (), ANY)),
        Q("documents"), "row", ast.RawExpression("new.title is not null", ANY), Q("touch"),
        ("a", "it's"), ANY)


def test_trigger_instead_of_and_for_each_statement() -> None:
    found = only("trigger t INSTEAD  OF delete or truncate on v for each statement"
                 " execute function f()", ast.CreateTrigger)
    assert (found.timing, found.for_each, [e.kind for e in found.events]) == (
        "instead of", "statement", ["delete", "truncate"])


def test_event_listed_twice() -> None:
    with pytest.raises(DiagnosticError) as raised:
        statements("trigger t after insert or insert on d for each row execute function f()")
    assert [d.code for d in raised.value.diagnostics] == ["duplicate-option"]


def test_drop_trigger() -> None:
    assert nospan(only("drop trigger t on rag.d", ast.DropTrigger)) == ast.DropTrigger(
        N("t"), Q("d", "rag"), ANY)


def test_argument_modes() -> None:
    found = nospan(only("function f(a int, in b int, out c text, inout d text, variadic e int[])"
                        ' returns record language sql as """select 1"""', ast.CreateFunction))
    assert [(a.name.value, a.mode) for a in found.arguments] == [
        ("a", "in"), ("b", "in"), ("c", "out"), ("d", "inout"), ("e", "variadic")]
    assert found.arguments[4].type == _type("integer", (None,))


def test_an_argument_named_like_a_mode_needs_quotes() -> None:
    """`in`, `out`, `inout` and `variadic` open an argument; `input` is still a name."""
    found = only('function f(input int, "out" int) returns int language sql as """select 1"""',
                 ast.CreateFunction)
    assert [(a.name.value, a.mode) for a in found.arguments] == [("input", "in"), ("out", "in")]


def test_parallel_and_settings() -> None:
    found = nospan(only(
        "function f() returns int language sql security definer parallel restricted"
        " set search_path = pg_catalog, 'public' set plpgsql.extra_warnings to 'all'"
        ' set statement_timeout = 500 as """select 1"""', ast.CreateFunction))
    assert found.parallel == "restricted"
    assert found.settings == (
        ast.FunctionSetting("search_path", (N("pg_catalog"), ast.Literal("string", "public", ANY)),
                            ANY),
        ast.FunctionSetting("plpgsql.extra_warnings", (ast.Literal("string", "all", ANY),), ANY),
        ast.FunctionSetting("statement_timeout", (ast.Literal("number", "500", ANY),), ANY))


@pytest.mark.parametrize("options", [
    "parallel safe parallel unsafe",
    "set work_mem = '1MB' set WORK_MEM = '2MB'",
])
def test_an_option_given_twice(options: str) -> None:
    with pytest.raises(DiagnosticError) as raised:
        statements(f'function f() returns int language sql {options} as """select 1"""')
    assert [d.code for d in raised.value.diagnostics] == ["duplicate-option"]


def test_external_function() -> None:
    assert nospan(only("external function auth.uid() returns uuid", ast.External)) == ast.External(
        ast.ExternalFunction(Q("uid", "auth"), (), _type("uuid"), False, ANY), ANY)
    found = only("external function tenants(uuid, text[]) returns setof bigint", ast.External)
    assert isinstance(found.object, ast.ExternalFunction)
    assert (found.object.argument_types, found.object.returns, found.object.setof) == (
        (_type("uuid"), _type("text", (None,))), _type("bigint"), True)


def test_procedure() -> None:
    found = nospan(only(
        "procedure archive(before_id bigint, inout moved int default 0) language plpgsql"
        ' security definer set search_path = \'\' as """begin commit; end"""',
        ast.CreateProcedure))
    assert found == ast.CreateProcedure(
        Q("archive"),
        (ast.FunctionArgument(N("before_id"), _type("bigint"), None, ANY),
         ast.FunctionArgument(N("moved"), _type("integer"), ast.Literal("number", "0", ANY),
                              ANY, "inout")),
        N("plpgsql"), True, (ast.FunctionSetting("search_path", (
            ast.Literal("string", "", ANY),), ANY),), "begin commit; end", ANY, ANY)


def test_a_procedure_has_no_return_type_nor_function_options() -> None:
    for written in ('procedure p() returns int language sql as """select 1"""',
                    'procedure p() language sql stable as """select 1"""'):
        with pytest.raises(DiagnosticError) as raised:
            statements(written)
        assert [d.code for d in raised.value.diagnostics] == ["syntax"]


def test_drop_procedure() -> None:
    assert nospan(only("drop procedure rag.archive(bigint, int)", ast.DropProcedure)) == (
        ast.DropProcedure(Q("archive", "rag"), (_type("bigint"), _type("integer")), ANY))
