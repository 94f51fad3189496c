"""Row-level security parsed to the AST: `… row level security` in `alter table { }`,
`policy … on …` with each of its clauses, `drop policy` and `external role`."""

from __future__ import annotations

import pytest

from pgshift.dsl import DiagnosticError, ast
from tests.dsl.parse_ast_support import ANY, RAW, N, Q, names, only, parse


@pytest.mark.parametrize(("written", "change"), [
    ("enable row level security", "enable"),
    ("DISABLE Row Level Security", "disable"),
    ("force row level security", "force"),
    ("no  force\n row level security", "no force"),
])
def test_row_security_actions(written: str, change: str) -> None:
    table = only(f"alter table documents {{ {written} }}", ast.AlterTable)
    assert table.actions == (ast.RowSecurity(change, ANY),)  # type: ignore[arg-type]


def test_enable_force_and_no_stay_column_names() -> None:
    table = only("table t {\n    enable bigint\n    force text\n    no int\n}", ast.CreateTable)
    assert [c.name for c in table.columns] == [N("enable"), N("force"), N("no")]
    alter = only("alter table t { add column enable int\n enable row level security }",
                 ast.AlterTable)
    assert isinstance(alter.actions[1], ast.RowSecurity)


def test_a_policy_with_every_clause() -> None:
    written = """\
        policy documents_owner on rag.documents as restrictive for update
            to authenticated, "Anon", public
            using `owner_id = auth.uid()` with check `owner_id = auth.uid()`
    """
    assert only(written, ast.CreatePolicy) == ast.CreatePolicy(
        N("documents_owner"), Q("documents", "rag"), True, "update",
        names("authenticated", "Anon", "public"), RAW("owner_id = auth.uid()"),
        RAW("owner_id = auth.uid()"), ANY)


def test_a_policy_takes_postgresql_defaults() -> None:
    assert only("policy p on documents", ast.CreatePolicy) == ast.CreatePolicy(
        N("p"), Q("documents"), False, "all", (), None, None, ANY)
    permissive = only("policy p on documents as permissive for select using `true`",
                      ast.CreatePolicy)
    assert (permissive.restrictive, permissive.command, permissive.using) == (
        False, "select", RAW("true"))


def test_drop_policy() -> None:
    assert only("drop policy p on rag.documents", ast.DropPolicy) == ast.DropPolicy(
        N("p"), Q("documents", "rag"), ANY)


def test_alter_policy_with_every_clause() -> None:
    written = """\
        alter policy documents_owner on rag.documents rename to documents_mine
            to authenticated, public using `owner_id = auth.uid()` with check `true`
    """
    assert only(written, ast.AlterPolicy) == ast.AlterPolicy(
        N("documents_owner"), Q("documents", "rag"), N("documents_mine"),
        names("authenticated", "public"), RAW("owner_id = auth.uid()"), RAW("true"), ANY)


def test_alter_policy_leaves_clauses_not_written_as_none() -> None:
    assert only("alter policy p on documents rename to q", ast.AlterPolicy) == ast.AlterPolicy(
        N("p"), Q("documents"), N("q"), None, None, None, ANY)
    assert only("alter policy p on documents with check `x > 0`",
                ast.AlterPolicy) == ast.AlterPolicy(
        N("p"), Q("documents"), None, None, None, RAW("x > 0"), ANY)


def test_alter_policy_without_a_clause_is_refused() -> None:
    with pytest.raises(DiagnosticError) as raised:
        parse("alter policy p on documents")
    assert raised.value.diagnostics[0].code == "empty-alter"


def test_external_role() -> None:
    assert only("external role authenticated", ast.External) == ast.External(
        ast.ExternalRole(N("authenticated"), ANY), ANY)


def test_policy_is_still_a_name() -> None:
    table = only("table policy {\n    policy text\n}", ast.CreateTable)
    assert (table.name, table.columns[0].name) == (Q("policy"), N("policy"))


@pytest.mark.parametrize("written", [
    "policy p on documents for truncate",
    "policy p on documents using owner_id",
    "policy p on documents to",
    "drop policy p",
    "alter policy p on documents rename q",
    "alter policy p on documents for select using `true`",
    "alter policy p on documents using `true` to public",
    "alter table documents { enable row security }",
])
def test_malformed_policies_are_syntax_errors(written: str) -> None:
    with pytest.raises(DiagnosticError) as raised:
        parse(written)
    assert raised.value.diagnostics[0].code == "syntax"


def test_grant_on_a_table_and_a_schema() -> None:
    assert only("grant select, Insert on table rag.documents to anon, \"App\"",
                ast.Grant) == ast.Grant(names("select", "insert"), "table",
                                        Q("documents", "rag"), names("anon", "App"), False, ANY)
    assert only("grant usage on schema rag to public", ast.Grant) == ast.Grant(
        names("usage"), "schema", Q("rag"), names("public"), False, ANY)


def test_grant_on_a_sequence_and_a_function() -> None:
    assert only("grant usage, select on sequence rag.ids to app", ast.Grant) == ast.Grant(
        names("usage", "select"), "sequence", Q("ids", "rag"), names("app"), False, ANY)
    revoke = only("revoke execute on function rag.slugify(text, integer[]) from public",
                  ast.Grant)
    assert (revoke.target, revoke.object, revoke.revoke) == ("function", Q("slugify", "rag"),
                                                             True)
    assert [(t.name, t.array_bounds) for t in revoke.arguments] == [
        ("text", ()), ("integer", (None,))]
    assert only("grant execute on function now() to app", ast.Grant).arguments == ()


def test_a_table_named_like_the_keywords_is_written_with_table() -> None:
    grant = only("grant select on table sequence to app", ast.Grant)
    assert (grant.target, grant.object) == ("table", Q("sequence"))


def test_revoke_takes_from() -> None:
    assert only("revoke update on documents from app", ast.Grant) == ast.Grant(
        names("update"), "table", Q("documents"), names("app"), True, ANY)
    with pytest.raises(DiagnosticError):
        parse("revoke update on documents to app")
    with pytest.raises(DiagnosticError):
        parse("grant execute on function slugify to app")


def test_grant_and_revoke_stay_names() -> None:
    table = only("table grant {\n    revoke text\n    grant int\n}", ast.CreateTable)
    assert (table.name, [c.name for c in table.columns]) == (
        Q("grant"), [N("revoke"), N("grant")])
