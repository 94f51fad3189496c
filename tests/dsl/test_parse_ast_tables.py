"""Table statements parsed to the AST: table constraints, alter table, and renaming and
dropping tables and indexes by name."""

from __future__ import annotations

import textwrap

from pgshift.dsl import ast
from tests.dsl.parse_ast_support import (
    ANY,
    CALL,
    COL,
    NUM,
    RAW,
    REFS,
    N,
    Q,
    S,
    T,
    names,
    only,
    statements,
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


def test_add_and_rename_without_column() -> None:
    """SQL's `ADD c int` and `RENAME c TO d`: the name and type, or `to`, on the line of
    the action's word."""
    assert actions(
        "add n int not null default 0\n"
        'add "Title" double precision\n'
        "add tags varchar(20)[]\n"
        "add kind rag.kind\n"
        "rename body to content\n"
        'rename "Old" to "New"'
    ) == (
        ast.AddColumn(COL("n", T("integer"), ast.NotNull(ANY), ast.Default(NUM("0"), ANY)),
                      ANY),
        ast.AddColumn(COL("Title", T("double precision")), ANY),
        ast.AddColumn(COL("tags", T("character varying", 20, bounds=(None,))), ANY),
        ast.AddColumn(COL("kind", T("kind", schema="rag", builtin=False)), ANY),
        ast.RenameColumn(N("body"), N("content"), ANY),
        ast.RenameColumn(N("Old"), N("New"), ANY),
    )


def test_add_and_rename_without_column_follow_a_column() -> None:
    assert actions("add column a int\nadd b text\nrename a to c") == (
        ast.AddColumn(COL("a", T("integer")), ANY),
        ast.AddColumn(COL("b", T("text")), ANY),
        ast.RenameColumn(N("a"), N("c"), ANY),
    )


def test_add_and_rename_stay_column_names_in_a_table() -> None:
    """After a column in `table { }`, `add TYPE …` is a column named add: its type is
    followed by a constraint, the rest of the type or the end of the line."""
    found = statements(textwrap.dedent("""\
        table t {
            a int
            add text not null
            rename integer
            "to" int
        }
        table u {
            a int
            add timestamp with time zone
        }
        table v {
            a int
            add interval day to second default `'1 day'`
        }"""))
    assert [[c.name.value for c in t.columns] for t in found if isinstance(t, ast.CreateTable)
            ] == [["a", "add", "rename", "to"], ["a", "add"], ["a", "add"]]


def test_alter_column_type() -> None:
    assert actions("alter column e type bigint\nalter column f type text using `f::text`") == (
        ast.AlterColumnType(N("e"), T("bigint"), None, ANY),
        ast.AlterColumnType(N("f"), T("text"), RAW("f::text"), ANY),
    )


def test_alter_column_set_data_type() -> None:
    """SQL's SET DATA TYPE is a synonym of TYPE."""
    assert actions("alter column e set data type bigint\n"
                   "alter column f SET DATA TYPE text using `f::text`") == (
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
