"""Every construct of the pgshift language parsed to the AST it should build.

Most tests compare whole nodes with `nospan()` applied to both sides, so they pin the
values without pinning positions; `test_spans_*` pin positions exactly.
"""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path
from typing import Any, Literal, TypeVar

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

PATH = "migrations/0.0.2_test.shift"
ANY = Span("", 0, 0, 0, 0)

NodeT = TypeVar("NodeT")


# ---------------------------------------------------------------- helpers


def _strip(value: Any) -> Any:
    if isinstance(value, Span):
        return ANY
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _strip(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_strip(item) for item in value)
    return value


def nospan(node: NodeT) -> NodeT:
    """`node` with every Span in it (however deep) replaced by ANY."""
    result: NodeT = _strip(node)
    return result


def parse(text: str) -> ast.MigrationFile:
    return parse_text(textwrap.dedent(text), PATH)


def statements(text: str) -> tuple[ast.Statement, ...]:
    return nospan(parse(text).statements)


def only(text: str, kind: type[NodeT]) -> NodeT:
    """The one statement in `text`, which must be a `kind`, without spans."""
    found = statements(text)
    assert len(found) == 1, found
    statement = found[0]
    assert isinstance(statement, kind), statement
    return statement


def column(declaration: str) -> ast.Column:
    """The column declared by one line inside `table t { … }`."""
    table = only(f"table t {{\n    {declaration}\n}}\n", ast.CreateTable)
    assert len(table.columns) == 1, table.columns
    assert table.constraints == ()
    return table.columns[0]


def constraints_of(declaration: str) -> tuple[ast.ColumnConstraint, ...]:
    return column(f"c text {declaration}").constraints


def N(value: str) -> ast.Name:
    return ast.Name(value, ANY)


def Q(name: str, schema: str | None = None) -> ast.QualifiedName:
    return ast.QualifiedName(name, schema, ANY)


def T(
    name: str,
    *modifiers: int,
    bounds: tuple[int | None, ...] = (),
    schema: str | None = None,
    builtin: bool = True,
) -> ast.TypeName:
    return ast.TypeName(name, ANY, modifiers, bounds, schema, builtin)


def S(value: str) -> ast.Literal:
    return ast.Literal("string", value, ANY)


def NUM(value: str) -> ast.Literal:
    return ast.Literal("number", value, ANY)


def RAW(sql: str) -> ast.RawExpression:
    return ast.RawExpression(sql, ANY)


def CALL(name: str, *arguments: ast.Expression, schema: str | None = None) -> ast.FunctionCall:
    return ast.FunctionCall(Q(name, schema), arguments, ANY)


def COL(name: str, type_: ast.TypeName, *constraints: ast.ColumnConstraint) -> ast.Column:
    return ast.Column(N(name), type_, constraints, ANY)


def LABEL(value: str) -> ast.EnumLabel:
    return ast.EnumLabel(value, ANY)


def ELEMENT(
    column: str | None = None,
    *,
    expression: str | None = None,
    opclass: ast.QualifiedName | None = None,
    descending: bool | None = None,
    nulls_first: bool | None = None,
) -> ast.IndexElement:
    return ast.IndexElement(
        N(column) if column is not None else None,
        RAW(expression) if expression is not None else None,
        opclass,
        descending,
        nulls_first,
        ANY,
    )


def INDEX(
    name: str,
    table: ast.QualifiedName,
    *elements: ast.IndexElement,
    unique: bool = False,
    concurrently: bool = False,
    method: str | None = None,
    include: tuple[str, ...] = (),
    parameters: tuple[tuple[str, ast.Literal], ...] = (),
    where: str | None = None,
) -> ast.CreateIndex:
    return ast.CreateIndex(
        N(name),
        table,
        unique,
        concurrently,
        N(method) if method is not None else None,
        elements,
        tuple(N(c) for c in include),
        tuple(ast.IndexParameter(N(k), v, ANY) for k, v in parameters),
        RAW(where) if where is not None else None,
        ANY,
    )


def REFS(
    table: str,
    *columns: str,
    schema: str | None = None,
    on_delete: ast.ReferentialAction | None = None,
    on_update: ast.ReferentialAction | None = None,
) -> ast.References:
    return ast.References(
        Q(table, schema), tuple(N(c) for c in columns), on_delete, on_update, ANY
    )


def names(*values: str) -> tuple[ast.Name, ...]:
    return tuple(N(v) for v in values)


# ---------------------------------------------------------------- the design sketch

# DESIGN.md's language sketch, verbatim: its contract is that it parses as written.
DESIGN_SKETCH = (Path(__file__).parent / "testdata" / "design_sketch.shift").read_text(
    encoding="utf-8")


def test_design_sketch_parses_as_written() -> None:
    migration = parse_text(DESIGN_SKETCH, PATH)
    assert migration.path == PATH
    assert migration.header is None
    assert not migration.irreversible
    assert nospan(migration.statements) == (
        ast.CreateExtension(N("vector"), ANY),
        ast.CreateEnum(
            Q("document_status"), (LABEL("draft"), LABEL("published"), LABEL("archived")), ANY
        ),
        ast.CreateTable(
            Q("embeddings"),
            (
                COL("id", T("bigint"), ast.Identity(False, ANY), ast.PrimaryKey(ANY)),
                COL(
                    "content_part_id",
                    T("integer"),
                    ast.NotNull(ANY),
                    REFS("content_parts", "id", on_delete="cascade"),
                ),
                COL("embedding", T("vector", 1536), ast.NotNull(ANY)),
                COL(
                    "created_at",
                    T("timestamp with time zone"),
                    ast.NotNull(ANY),
                    ast.Default(CALL("now"), ANY),
                ),
                COL("note", T("text"), ast.Check(RAW("length(note) < 1000"), ANY)),
            ),
            (ast.UniqueConstraint(None, names("content_part_id"), True, ANY),),
            ANY,
        ),
        INDEX(
            "embeddings_embedding_hnsw",
            Q("embeddings"),
            ELEMENT("embedding", opclass=Q("vector_cosine_ops")),
            method="hnsw",
            parameters=(("m", NUM("16")), ("ef_construction", NUM("64"))),
        ),
        INDEX(
            "users_email_lower",
            Q("users"),
            ELEMENT(expression="lower(email)"),
            unique=True,
            where="deleted_at is null",
        ),
        INDEX(
            "documents_fetched_at", Q("documents"), ELEMENT("fetched_at"), concurrently=True
        ),
        ast.AlterTable(
            Q("documents"),
            (
                ast.AddColumn(
                    COL("language", T("text"), ast.NotNull(ANY), ast.Default(S("en"), ANY)),
                    ANY,
                ),
                ast.RenameColumn(N("body"), N("content"), ANY),
                ast.AlterColumnType(N("title"), T("character varying", 500), None, ANY),
                ast.DropColumn(N("url"), False, ANY),
            ),
            ANY,
        ),
        ast.RenameTable(Q("metadata"), N("document_metadata"), ANY),
        ast.DropIndex(Q("idx_documents_body"), False, ANY),
        ast.RawSql(
            "\n    CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql"
            " AS $$ ... $$\n",
            "\n    DROP FUNCTION touch_updated_at()\n",
            ANY,
        ),
    )


# ---------------------------------------------------------------- extensions


def test_extension() -> None:
    assert only("extension vector", ast.CreateExtension) == ast.CreateExtension(N("vector"), ANY)


def test_extension_with_quoted_name() -> None:
    assert only('extension "uuid-ossp"', ast.CreateExtension).name == N("uuid-ossp")


def test_drop_extension() -> None:
    assert only("drop extension vector", ast.DropExtension) == ast.DropExtension(
        N("vector"), ANY
    )


# ---------------------------------------------------------------- enums


def test_enum_with_double_quoted_labels() -> None:
    assert only('enum mood ("happy", "sad")', ast.CreateEnum) == ast.CreateEnum(
        Q("mood"), (LABEL("happy"), LABEL("sad")), ANY
    )


def test_enum_with_single_quoted_labels_keeps_them_exactly() -> None:
    enum = only("enum mood ('Happy', 'it''s ok', 'with \"quote\"',)", ast.CreateEnum)
    assert enum.labels == (LABEL("Happy"), LABEL("it's ok"), LABEL('with "quote"'))


def test_enum_double_quoted_label_with_doubled_quote() -> None:
    enum = only('enum mood ("say ""hi""")', ast.CreateEnum)
    assert enum.labels == (LABEL('say "hi"'),)


def test_enum_schema_qualified() -> None:
    assert only("enum rag.mood ('a')", ast.CreateEnum).name == Q("mood", "rag")


def test_enum_unquoted_labels() -> None:
    enum = only("enum mood (happy, sad)", ast.CreateEnum)
    assert enum.labels == (LABEL("happy"), LABEL("sad"))


def test_alter_enum_add_value() -> None:
    assert only("alter enum mood add value 'meh'", ast.AddEnumValue) == ast.AddEnumValue(
        Q("mood"), LABEL("meh"), None, None, ANY
    )


POSITIONS: list[Literal["before", "after"]] = ["before", "after"]


@pytest.mark.parametrize("position", POSITIONS)
def test_alter_enum_add_value_before_or_after(position: Literal["before", "after"]) -> None:
    statement = only(f"alter enum rag.mood add value 'meh' {position.upper()} 'sad'",
                     ast.AddEnumValue)
    assert statement == ast.AddEnumValue(Q("mood", "rag"), LABEL("meh"), position,
                                         LABEL("sad"), ANY)


def test_alter_enum_rename_value() -> None:
    assert only("alter enum mood rename value 'sad' to 'blue'", ast.RenameEnumValue) == (
        ast.RenameEnumValue(Q("mood"), LABEL("sad"), LABEL("blue"), ANY)
    )


def test_drop_enum() -> None:
    assert only("drop enum rag.mood", ast.DropEnum) == ast.DropEnum(Q("mood", "rag"), ANY)


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


# ---------------------------------------------------------------- table constraints


def table_constraints(body: str) -> tuple[ast.TableConstraint, ...]:
    table = only(f"table t {{\n    a int\n    b int\n{textwrap.indent(body, '    ')}\n}}",
                 ast.CreateTable)
    assert [c.name.value for c in table.columns] == ["a", "b"]
    return table.constraints


def test_table_primary_key() -> None:
    assert table_constraints("primary key (a, b)") == (
        ast.PrimaryKeyConstraint(None, names("a", "b"), ANY),
    )


def test_table_unique() -> None:
    assert table_constraints("unique (a)") == (ast.UniqueConstraint(None, names("a"), True, ANY),)


def test_table_unique_nulls_not_distinct() -> None:
    assert table_constraints("unique nulls not distinct (a, b)") == (
        ast.UniqueConstraint(None, names("a", "b"), False, ANY),
    )


def test_table_unique_nulls_distinct() -> None:
    assert table_constraints("unique nulls distinct (a)") == (
        ast.UniqueConstraint(None, names("a"), True, ANY),
    )


def test_check_on_its_own_line_is_a_table_constraint() -> None:
    assert table_constraints("check `a < b`") == (ast.CheckConstraint(None, RAW("a < b"), ANY),)


def test_check_after_a_comment_line_is_a_table_constraint() -> None:
    assert table_constraints("-- a comment\nCHECK `a < b` -- trailing") == (
        ast.CheckConstraint(None, RAW("a < b"), ANY),
    )


def test_check_on_the_column_line_belongs_to_the_column() -> None:
    table = only("table t {\n    a int check `a > 0`\n    check `a < 10`\n}", ast.CreateTable)
    assert table.columns == (COL("a", T("integer"), ast.Check(RAW("a > 0"), ANY)),)
    assert table.constraints == (ast.CheckConstraint(None, RAW("a < 10"), ANY),)


def test_unique_and_primary_key_without_a_list_belong_to_the_column_above() -> None:
    table = only("table t {\n    a int\n    unique\n    b int\n    primary key\n}",
                 ast.CreateTable)
    assert table.columns == (
        COL("a", T("integer"), ast.Unique(ANY)),
        COL("b", T("integer"), ast.PrimaryKey(ANY)),
    )
    assert table.constraints == ()


def test_table_foreign_key() -> None:
    assert table_constraints("foreign key (a, b) references u (x, y) on delete cascade") == (
        ast.ForeignKeyConstraint(
            None, names("a", "b"), REFS("u", "x", "y", on_delete="cascade"), ANY
        ),
    )


def test_table_foreign_key_without_target_columns() -> None:
    assert table_constraints("foreign key (a) references rag.u on update set default") == (
        ast.ForeignKeyConstraint(
            None, names("a"), REFS("u", schema="rag", on_update="set default"), ANY
        ),
    )


def test_named_table_constraints() -> None:
    assert table_constraints(
        "constraint t_pk primary key (a)\n"
        "constraint t_ab_key unique (a, b)\n"
        "constraint t_b_key unique nulls not distinct (b)\n"
        "constraint t_a_check check `a > 0`\n"
        "constraint t_fk foreign key (a) references u (x)\n"
        'constraint "T Named" primary key (b,)'
    ) == (
        ast.PrimaryKeyConstraint(N("t_pk"), names("a"), ANY),
        ast.UniqueConstraint(N("t_ab_key"), names("a", "b"), True, ANY),
        ast.UniqueConstraint(N("t_b_key"), names("b"), False, ANY),
        ast.CheckConstraint(N("t_a_check"), RAW("a > 0"), ANY),
        ast.ForeignKeyConstraint(N("t_fk"), names("a"), REFS("u", "x"), ANY),
        ast.PrimaryKeyConstraint(N("T Named"), names("b"), ANY),
    )


def test_columns_and_constraints_may_interleave() -> None:
    table = only("table t {\n    a int\n    unique (a)\n    b int\n    check `b > a`\n    c int\n}",
                 ast.CreateTable)
    assert [c.name.value for c in table.columns] == ["a", "b", "c"]
    assert table.constraints == (
        ast.UniqueConstraint(None, names("a"), True, ANY),
        ast.CheckConstraint(None, RAW("b > a"), ANY),
    )


def test_empty_table_and_one_line_table() -> None:
    assert only("table t {}", ast.CreateTable) == ast.CreateTable(Q("t"), (), (), ANY)
    assert only("table rag.t { a int b text }", ast.CreateTable) == ast.CreateTable(
        Q("t", "rag"), (COL("a", T("integer")), COL("b", T("text"))), (), ANY
    )


# ---------------------------------------------------------------- indexes


def test_index_minimal() -> None:
    assert only("index i on t (a)", ast.CreateIndex) == INDEX("i", Q("t"), ELEMENT("a"))


def test_unique_concurrently_schema_qualified_index() -> None:
    assert only("unique index concurrently i on rag.t (a, b,)", ast.CreateIndex) == INDEX(
        "i", Q("t", "rag"), ELEMENT("a"), ELEMENT("b"), unique=True, concurrently=True
    )


@pytest.mark.parametrize("method", ["btree", "hash", "gin", "gist", "brin", "hnsw", "ivfflat"])
def test_index_using(method: str) -> None:
    assert only(f"index i on t using {method} (a)", ast.CreateIndex).method == N(method)


def test_index_operator_classes() -> None:
    index = only(
        "index i on t using hnsw (embedding vector_l2_ops, e2 public.vector_ip_ops)",
        ast.CreateIndex,
    )
    assert index.elements == (
        ELEMENT("embedding", opclass=Q("vector_l2_ops")),
        ELEMENT("e2", opclass=Q("vector_ip_ops", "public")),
    )


def test_index_expressions_and_ordering() -> None:
    index = only(
        "index i on t (`lower(email)` text_pattern_ops desc, a asc nulls first,"
        " b nulls last, c DESC NULLS LAST)",
        ast.CreateIndex,
    )
    assert index.elements == (
        ELEMENT(expression="lower(email)", opclass=Q("text_pattern_ops"), descending=True),
        ELEMENT("a", descending=False, nulls_first=True),
        ELEMENT("b", nulls_first=False),
        ELEMENT("c", descending=True, nulls_first=False),
    )


def test_index_with_parameters() -> None:
    index = only(
        "index i on t using ivfflat (e vector_cosine_ops)\n"
        "    with (lists = 100, fastupdate = false, buffering = 'auto', mode = on,"
        " f = 1.5, g = -1,)",
        ast.CreateIndex,
    )
    assert index.parameters == (
        ast.IndexParameter(N("lists"), NUM("100"), ANY),
        ast.IndexParameter(N("fastupdate"), ast.Literal("boolean", "false", ANY), ANY),
        ast.IndexParameter(N("buffering"), S("auto"), ANY),
        ast.IndexParameter(N("mode"), S("on"), ANY),
        ast.IndexParameter(N("f"), NUM("1.5"), ANY),
        ast.IndexParameter(N("g"), NUM("-1"), ANY),
    )


@pytest.mark.parametrize(
    "options",
    [
        "include (b, c) with (fillfactor = 70) where `a > 0`",
        "include (b, c) where `a > 0` with (fillfactor = 70)",
        "with (fillfactor = 70) include (b, c) where `a > 0`",
        "with (fillfactor = 70) where `a > 0` include (b, c)",
        "where `a > 0` include (b, c) with (fillfactor = 70)",
        "where `a > 0`\n    with (fillfactor = 70)\n    include (b, c)",
    ],
)
def test_index_options_in_any_order(options: str) -> None:
    assert only(f"index i on t (a) {options}", ast.CreateIndex) == INDEX(
        "i",
        Q("t"),
        ELEMENT("a"),
        include=("b", "c"),
        parameters=(("fillfactor", NUM("70")),),
        where="a > 0",
    )


# ---------------------------------------------------------------- alter table


def actions(body: str) -> tuple[ast.AlterAction, ...]:
    statement = only(f"alter table t {{\n{textwrap.indent(body, '    ')}\n}}", ast.AlterTable)
    assert statement.table == Q("t")
    return statement.actions


def test_alter_table_schema_qualified() -> None:
    assert only("alter table rag.t { drop column a }", ast.AlterTable) == ast.AlterTable(
        Q("t", "rag"), (ast.DropColumn(N("a"), False, ANY),), ANY
    )


def test_add_column_with_constraints() -> None:
    assert actions("add column n int not null default 0 check `n >= 0` references x (id)") == (
        ast.AddColumn(
            COL(
                "n",
                T("integer"),
                ast.NotNull(ANY),
                ast.Default(NUM("0"), ANY),
                ast.Check(RAW("n >= 0"), ANY),
                REFS("x", "id"),
            ),
            ANY,
        ),
    )


def test_drop_column() -> None:
    assert actions("drop column a\ndrop column b cascade") == (
        ast.DropColumn(N("a"), False, ANY),
        ast.DropColumn(N("b"), True, ANY),
    )


def test_rename_column() -> None:
    assert actions("rename column body to content") == (
        ast.RenameColumn(N("body"), N("content"), ANY),
    )


def test_alter_column_type() -> None:
    assert actions("alter column e type bigint\nalter column f type text using `f::text`") == (
        ast.AlterColumnType(N("e"), T("bigint"), None, ANY),
        ast.AlterColumnType(N("f"), T("text"), RAW("f::text"), ANY),
    )


def test_alter_column_defaults_and_nullability() -> None:
    assert actions(
        "alter column a set default now()\n"
        "alter column b set default 'x'\n"
        "alter column c drop default\n"
        "alter column d set not null\n"
        "alter column e drop not null"
    ) == (
        ast.SetDefault(N("a"), CALL("now"), ANY),
        ast.SetDefault(N("b"), S("x"), ANY),
        ast.DropDefault(N("c"), ANY),
        ast.SetNotNull(N("d"), ANY),
        ast.DropNotNull(N("e"), ANY),
    )


def test_add_table_constraints() -> None:
    assert actions(
        "add constraint t_pk primary key (a)\n"
        "add unique (a, b)\n"
        "add unique nulls not distinct (a)\n"
        "add constraint t_ck check `a > 0`\n"
        "add foreign key (a) references u (b) on delete set null\n"
        "add primary key (z)"
    ) == (
        ast.AddConstraint(ast.PrimaryKeyConstraint(N("t_pk"), names("a"), ANY), ANY),
        ast.AddConstraint(ast.UniqueConstraint(None, names("a", "b"), True, ANY), ANY),
        ast.AddConstraint(ast.UniqueConstraint(None, names("a"), False, ANY), ANY),
        ast.AddConstraint(ast.CheckConstraint(N("t_ck"), RAW("a > 0"), ANY), ANY),
        ast.AddConstraint(
            ast.ForeignKeyConstraint(None, names("a"), REFS("u", "b", on_delete="set null"),
                                     ANY),
            ANY,
        ),
        ast.AddConstraint(ast.PrimaryKeyConstraint(None, names("z"), ANY), ANY),
    )


def test_add_unnamed_check() -> None:
    assert actions("add check `a > 0`") == (
        ast.AddConstraint(ast.CheckConstraint(None, RAW("a > 0"), ANY), ANY),
    )


def test_drop_constraint() -> None:
    assert actions("drop constraint t_pk\ndrop constraint t_uq cascade") == (
        ast.DropConstraint(N("t_pk"), False, ANY),
        ast.DropConstraint(N("t_uq"), True, ANY),
    )


# ---------------------------------------------------------------- tables and indexes by name


def test_rename_table() -> None:
    assert only("rename table rag.metadata to document_metadata", ast.RenameTable) == (
        ast.RenameTable(Q("metadata", "rag"), N("document_metadata"), ANY)
    )


def test_drop_table() -> None:
    assert statements("drop table t\ndrop table rag.t cascade") == (
        ast.DropTable(Q("t"), False, ANY),
        ast.DropTable(Q("t", "rag"), True, ANY),
    )


def test_rename_index() -> None:
    assert only("rename index rag.i to j", ast.RenameIndex) == ast.RenameIndex(
        Q("i", "rag"), N("j"), ANY
    )


def test_drop_index() -> None:
    assert statements("drop index i\ndrop index concurrently rag.i") == (
        ast.DropIndex(Q("i"), False, ANY),
        ast.DropIndex(Q("i", "rag"), True, ANY),
    )


# ---------------------------------------------------------------- comments on objects


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("comment on table t is 'hello'",
         ast.Comment("table", Q("t"), None, "hello", ANY)),
        ("comment on table rag.t is 'it''s'",
         ast.Comment("table", Q("t", "rag"), None, "it's", ANY)),
        ("comment on table t is null",
         ast.Comment("table", Q("t"), None, None, ANY)),
        ("comment on column t.c is 'the c'",
         ast.Comment("column", Q("t"), N("c"), "the c", ANY)),
        ("comment on column rag.t.c is NULL",
         ast.Comment("column", Q("t", "rag"), N("c"), None, ANY)),
        ('comment on column "My T"."My C" is \'x\'',
         ast.Comment("column", Q("My T"), N("My C"), "x", ANY)),
        ("comment on index i is 'idx'",
         ast.Comment("index", Q("i"), None, "idx", ANY)),
        ("COMMENT ON INDEX rag.i IS ''",
         ast.Comment("index", Q("i", "rag"), None, "", ANY)),
    ],
)
def test_comment_on(written: str, expected: ast.Comment) -> None:
    assert only(written, ast.Comment) == expected


# ---------------------------------------------------------------- sql and irreversible


def test_sql_without_down() -> None:
    assert only('sql """select 1"""', ast.RawSql) == ast.RawSql("select 1", None, ANY)


def test_sql_with_down_keeps_text_verbatim() -> None:
    text = 'sql """\n  -- not a comment\n  select \'x\' "y" `z`\n""" down """DROP x"""'
    assert only(text, ast.RawSql) == ast.RawSql(
        "\n  -- not a comment\n  select 'x' \"y\" `z`\n", "DROP x", ANY
    )


def test_irreversible() -> None:
    migration = parse("extension x\nirreversible\n")
    assert migration.irreversible
    assert nospan(migration.statements[1]) == ast.Irreversible(None, ANY)


def test_irreversible_with_reason() -> None:
    assert only("irreversible 'drops the 2019 data'", ast.Irreversible) == ast.Irreversible(
        "drops the 2019 data", ANY
    )


def test_migration_without_irreversible_is_reversible() -> None:
    assert not parse("extension x").irreversible


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


# ---------------------------------------------------------------- comments, names, keywords


def test_line_comments_anywhere() -> None:
    migration = parse("""\
        -- leading comment
        migration { -- after a brace
            lock_timeout 5s -- after a setting
            -- on its own line
        } -- after the header
        table t { -- after a brace
            -- between columns
            a text default 'a -- b' -- after a default
            b int check `b -- in SQL
              > 0` -- after a backtick
        } -- after a table
        index -- inside a statement
            i on t -- more
            (a) -- end
        sql \"\"\" -- kept \"\"\" -- after a block
        -- trailing comment""")
    assert migration.header is not None
    assert migration.header.lock_timeout is not None
    assert nospan(migration.statements) == (
        ast.CreateTable(
            Q("t"),
            (
                COL("a", T("text"), ast.Default(S("a -- b"), ANY)),
                COL("b", T("integer"), ast.Check(RAW("b -- in SQL\n      > 0"), ANY)),
            ),
            (),
            ANY,
        ),
        INDEX("i", Q("t"), ELEMENT("a")),
        ast.RawSql(" -- kept ", None, ANY),
    )


def test_statements_need_no_line_breaks() -> None:
    assert statements("table t { a int } index i on t (a) extension x drop table u") == (
        ast.CreateTable(Q("t"), (COL("a", T("integer")),), (), ANY),
        INDEX("i", Q("t"), ELEMENT("a")),
        ast.CreateExtension(N("x"), ANY),
        ast.DropTable(Q("u"), False, ANY),
    )


def test_schema_qualified_names() -> None:
    found = statements("""\
        table rag.documents { id bigint }
        index i on rag.documents (id)
        alter table rag.documents { drop column id }
        drop table "Rag"."Documents"
    """)
    table, index, alter, drop = found
    assert isinstance(table, ast.CreateTable)
    assert isinstance(index, ast.CreateIndex)
    assert isinstance(alter, ast.AlterTable)
    assert isinstance(drop, ast.DropTable)
    assert [table.name, index.table, alter.table, drop.table] == [
        Q("documents", "rag"),
        Q("documents", "rag"),
        Q("documents", "rag"),
        Q("Documents", "Rag"),
    ]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("documents", "documents"),
        ("Documents", "documents"),
        ("DOCUMENTS_2$x", "documents_2$x"),
        ("_private", "_private"),
        ('"Documents"', "Documents"),
        ('"my table"', "my table"),
        ('"Grüße 😀"', "Grüße 😀"),
        ('"say ""hi"""', 'say "hi"'),
        ('"select"', "select"),
        ('"a.b"', "a.b"),
        ('"--x"', "--x"),
        ('"{}()`\'"', "{}()`'"),
    ],
)
def test_identifiers_fold_unless_quoted(written: str, value: str) -> None:
    table = only(f"table {written} {{ {written} text }}", ast.CreateTable)
    assert table.name == Q(value)
    assert table.columns[0].name == N(value)


def test_keywords_are_case_insensitive() -> None:
    assert statements("""\
        TABLE T {
            Id BIGINT Identity Primary Key
            Name Text Not Null Default 'x'
            Check `length(name) > 0`
        }
        Unique Index Concurrently I On T Using BTREE (Name DESC Nulls First)
        Alter Table T { Add Column X Int Null  Drop Column Y CASCADE }
        DROP INDEX I
        Comment On Table T Is NULL
        Irreversible
    """) == (
        ast.CreateTable(
            Q("t"),
            (
                COL("id", T("bigint"), ast.Identity(False, ANY), ast.PrimaryKey(ANY)),
                COL("name", T("text"), ast.NotNull(ANY), ast.Default(S("x"), ANY)),
            ),
            (ast.CheckConstraint(None, RAW("length(name) > 0"), ANY),),
            ANY,
        ),
        INDEX("i", Q("t"), ELEMENT("name", descending=True, nulls_first=True),
              unique=True, concurrently=True, method="btree"),
        ast.AlterTable(
            Q("t"),
            (
                ast.AddColumn(COL("x", T("integer"), ast.Nullable(ANY)), ANY),
                ast.DropColumn(N("y"), True, ANY),
            ),
            ANY,
        ),
        ast.DropIndex(Q("i"), False, ANY),
        ast.Comment("table", Q("t"), None, None, ANY),
        ast.Irreversible(None, ANY),
    )


KEYWORD_NAMES = ["key", "value", "type", "text", "status", "role", "comment", "index",
                 "table", "time", "data", "enum", "extension", "sql", "migration", "to",
                 "on", "with", "cascade", "first", "last", "year", "zone", "before"]


@pytest.mark.parametrize(
    "word",
    [
        *KEYWORD_NAMES,
        "using",
    ],
)
def test_keywords_elsewhere_work_as_column_names(word: str) -> None:
    table = only(f"table t {{\n    id bigint\n    {word} text not null\n    after int\n}}",
                 ast.CreateTable)
    assert table.columns == (
        COL("id", T("bigint")),
        COL(word, T("text"), ast.NotNull(ANY)),
        COL("after", T("integer")),
    )


@pytest.mark.parametrize("word", KEYWORD_NAMES)
def test_keywords_elsewhere_work_as_names_in_other_statements(word: str) -> None:
    found = statements(f"""\
        index {word} on {word} ({word})
        alter table {word} {{ rename column {word} to {word}2 }}
        comment on column {word}.{word} is 'x'
    """)
    assert found == (
        INDEX(word, Q(word), ELEMENT(word)),
        ast.AlterTable(Q(word), (ast.RenameColumn(N(word), N(f"{word}2"), ANY),), ANY),
        ast.Comment("column", Q(word), N(word), "x", ANY),
    )


@pytest.mark.parametrize("field", ["year", "month", "day", "hour", "minute", "second"])
def test_interval_field_names_after_an_interval_column(field: str) -> None:
    table = only(f"table t {{\n    span interval\n    {field} int\n}}", ast.CreateTable)
    assert table.columns == (COL("span", T("interval")), COL(field, T("integer")))


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
