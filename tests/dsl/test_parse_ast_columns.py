"""Column declarations parsed to the AST: every type spelling and every column constraint."""

from __future__ import annotations

import pytest

from pgshift.dsl import DiagnosticError, ast
from tests.dsl.parse_ast_support import (
    ANY,
    CALL,
    COL,
    NUM,
    RAW,
    REFS,
    N,
    S,
    T,
    column,
    constraints_of,
    only,
    parse,
)

# ---------------------------------------------------------------- column types


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("int", T("integer")),
        ("integer", T("integer")),
        ("int4", T("integer")),
        ("bigint", T("bigint")),
        ("int8", T("bigint")),
        ("smallint", T("smallint")),
        ("serial", T("serial")),
        ("bigserial", T("bigserial")),
        ("numeric", T("numeric")),
        ("numeric(10,2)", T("numeric", 10, 2)),
        ("numeric(10)", T("numeric", 10)),
        ("decimal(10, 2)", T("numeric", 10, 2)),
        ("real", T("real")),
        ("float", T("double precision")),
        ("float8", T("double precision")),
        ("double precision", T("double precision")),
        ("DOUBLE   PRECISION", T("double precision")),
        ("boolean", T("boolean")),
        ("bool", T("boolean")),
        ("text", T("text")),
        ("varchar", T("character varying")),
        ("varchar(20)", T("character varying", 20)),
        ("character varying(20)", T("character varying", 20)),
        ("char", T("character")),
        ("char(3)", T("character", 3)),
        ("character(3)", T("character", 3)),
        ("uuid", T("uuid")),
        ("json", T("json")),
        ("jsonb", T("jsonb")),
        ("bytea", T("bytea")),
        ("date", T("date")),
        ("time", T("time without time zone")),
        ("time with time zone", T("time with time zone")),
        ("time(3) with time zone", T("time with time zone", 3)),
        ("timetz", T("time with time zone")),
        ("timestamp", T("timestamp without time zone")),
        ("timestamp(3) without time zone", T("timestamp without time zone", 3)),
        ("timestamptz", T("timestamp with time zone")),
        ("timestamp with time zone", T("timestamp with time zone")),
        ("TIMESTAMP WITH TIME ZONE", T("timestamp with time zone")),
        ("interval", T("interval")),
        ("interval day to second", T("interval day to second")),
        ("interval year", T("interval year")),
        ("interval(3)", T("interval", 3)),
        ("bit", T("bit")),
        ("bit(3)", T("bit", 3)),
        ("bit varying(5)", T("bit varying", 5)),
        ("varbit", T("bit varying")),
        ("text[]", T("text", bounds=(None,))),
        ("integer[3][]", T("integer", bounds=(3, None))),
        ("varchar(20)[]", T("character varying", 20, bounds=(None,))),
        ("vector", T("vector")),
        ("vector(1536)", T("vector", 1536)),
        ("halfvec(3)", T("halfvec", 3)),
        ("sparsevec(5)", T("sparsevec", 5)),
        ("inet", T("inet")),
        ("tsvector", T("tsvector")),
        ("document_status", T("document_status", builtin=False)),
        ('"DocumentStatus"', T("DocumentStatus", builtin=False)),
        ("rag.document_status", T("document_status", schema="rag", builtin=False)),
        ("rag.document_status[]", T("document_status", bounds=(None,), schema="rag",
                                    builtin=False)),
        ("pg_catalog.int4", T("integer")),
    ],
)
def test_column_type(spelling: str, expected: ast.TypeName) -> None:
    assert column(f"c {spelling}").type == expected


@pytest.mark.parametrize(
    ("spelling", "rendered"),
    [
        ("numeric(10,2)", "numeric(10, 2)"),
        ("timestamp(3) without time zone", "timestamp(3) without time zone"),
        ("timestamptz(6)", "timestamp(6) with time zone"),
        ("integer[3][]", "integer[3][]"),
        ("varchar(20)[]", "character varying(20)[]"),
        ("rag.document_status", "rag.document_status"),
        ("vector(1536)", "vector(1536)"),
    ],
)
def test_type_name_renders_canonically(spelling: str, rendered: str) -> None:
    assert str(column(f"c {spelling}").type) == rendered


# ---------------------------------------------------------------- column constraints


def test_not_null_and_null() -> None:
    assert constraints_of("not null") == (ast.NotNull(ANY),)
    assert constraints_of("NOT   NULL") == (ast.NotNull(ANY),)
    assert constraints_of("null") == (ast.Nullable(ANY),)


def test_primary_key_and_unique() -> None:
    assert constraints_of("primary key") == (ast.PrimaryKey(ANY),)
    assert constraints_of("unique") == (ast.Unique(ANY),)
    assert constraints_of("unique not null") == (ast.Unique(ANY), ast.NotNull(ANY))


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("'en'", S("en")),
        ("''", S("")),
        ("'it''s'", S("it's")),
        ("'a -- not a comment'", S("a -- not a comment")),
        ("0", NUM("0")),
        ("42", NUM("42")),
        ("-1", NUM("-1")),
        ("3.14", NUM("3.14")),
        ("-0.5", NUM("-0.5")),
        ("true", ast.Literal("boolean", "true", ANY)),
        ("TRUE", ast.Literal("boolean", "true", ANY)),
        ("false", ast.Literal("boolean", "false", ANY)),
        ("null", ast.Literal("null", "null", ANY)),
        ("now()", CALL("now")),
        ("NOW()", CALL("now")),
        ("gen_random_uuid()", CALL("gen_random_uuid")),
        ("pg_catalog.now()", CALL("now", schema="pg_catalog")),
        (
            "coalesce(upper('x'), 1, -2.5, null, true, `a + b`)",
            CALL(
                "coalesce",
                CALL("upper", S("x")),
                NUM("1"),
                NUM("-2.5"),
                ast.Literal("null", "null", ANY),
                ast.Literal("boolean", "true", ANY),
                RAW("a + b"),
            ),
        ),
        ("current_timestamp", ast.SpecialValue("current_timestamp", ANY)),
        ("CURRENT_USER", ast.SpecialValue("current_user", ANY)),
        ("current_date", ast.SpecialValue("current_date", ANY)),
        ("`now() - interval '1 day'`", RAW("now() - interval '1 day'")),
    ],
)
def test_default(written: str, value: ast.Expression) -> None:
    assert constraints_of(f"default {written}") == (ast.Default(value, ANY),)


@pytest.mark.parametrize(("line", "shown"), [
    ("kind text default 'doc'::kind not null", "'doc'::kind"),
    ("n bigint default 0::bigint", "0::bigint"),
    ("at timestamptz default now()::timestamp with time zone", "now()::timestamp with time zone"),
    ("tags text[] default '{}'::text[] -- empty", "'{}'::text[]"),
    ("k rag.kind default 'a'::rag.kind", "'a'::rag.kind"),
])
def test_a_cast_outside_backticks_is_shown_in_them(line: str, shown: str) -> None:
    with pytest.raises(DiagnosticError) as raised:
        parse(f"table t {{\n    {line}\n}}")
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "unknown-value"
    assert diagnostic.message.endswith(f"did you mean default `{shown}`?")
    assert diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 5 + line.index(shown))


def test_a_cast_without_default_on_its_line_shows_the_form() -> None:
    with pytest.raises(DiagnosticError) as raised:
        parse("table t {\n    n bigint default\n        0::bigint\n}")
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "unknown-value"
    assert "in backticks, like default `'draft'::status`" in diagnostic.message
    assert diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.column) == (3, 10)


def test_check() -> None:
    assert constraints_of("check `length(c) < 1000`") == (
        ast.Check(RAW("length(c) < 1000"), ANY),
    )


def test_check_expression_is_kept_verbatim_across_lines() -> None:
    table = only("table t {\n    c int check `c > 0 -- positive\n    and c < 10`\n}",
                 ast.CreateTable)
    assert table.columns[0].constraints == (ast.Check(RAW("c > 0 -- positive\n    and c < 10"),
                                                      ANY),)


def test_references_without_column_list() -> None:
    assert constraints_of("references documents") == (REFS("documents"),)


def test_references_with_schema_and_columns() -> None:
    assert constraints_of("references rag.documents (id)") == (
        REFS("documents", "id", schema="rag"),
    )


ACTIONS: list[tuple[str, ast.ReferentialAction]] = [
    ("cascade", "cascade"),
    ("restrict", "restrict"),
    ("no action", "no action"),
    ("set null", "set null"),
    ("set default", "set default"),
    ("SET   NULL", "set null"),
]


@pytest.mark.parametrize(("written", "action"), ACTIONS)
def test_references_on_delete(written: str, action: ast.ReferentialAction) -> None:
    assert constraints_of(f"references d (id) on delete {written}") == (
        REFS("d", "id", on_delete=action),
    )


@pytest.mark.parametrize(("written", "action"), ACTIONS)
def test_references_on_update(written: str, action: ast.ReferentialAction) -> None:
    assert constraints_of(f"references d on update {written}") == (
        REFS("d", on_update=action),
    )


def test_references_on_update_then_on_delete() -> None:
    assert constraints_of("references d (id) on update restrict on delete set null") == (
        REFS("d", "id", on_delete="set null", on_update="restrict"),
    )


@pytest.mark.parametrize(
    ("written", "always"),
    [
        ("identity", False),
        ("identity always", True),
        ("generated always as identity", True),
        ("generated by default as identity", False),
        ("GENERATED BY   DEFAULT AS IDENTITY", False),
    ],
)
def test_identity(written: str, always: bool) -> None:
    assert column(f"id bigint {written}").constraints == (ast.Identity(always, ANY),)


def test_generated_stored() -> None:
    assert column("total numeric generated always as `price * qty` stored").constraints == (
        ast.Generated(RAW("price * qty"), ANY),
    )


def test_collate() -> None:
    assert constraints_of('collate "C"') == (ast.Collate(N("C"), ANY),)
    assert constraints_of("collate unicode") == (ast.Collate(N("unicode"), ANY),)


def test_many_constraints_keep_their_order() -> None:
    assert column(
        "content_part_id integer not null unique references content_parts (id)"
        " on delete cascade check `content_part_id > 0`"
    ) == COL(
        "content_part_id",
        T("integer"),
        ast.NotNull(ANY),
        ast.Unique(ANY),
        REFS("content_parts", "id", on_delete="cascade"),
        ast.Check(RAW("content_part_id > 0"), ANY),
    )
