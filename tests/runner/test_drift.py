"""Drift between two catalog snapshots, object by object (the snapshots come from real
databases in tests/e2e; here the comparison itself)."""

from __future__ import annotations

from typing import Any

from pgshift.runner.drift import compare

Row = tuple[Any, ...]


def snapshot(columns: list[Row] | None = None, indexes: list[Row] | None = None,
             enums: list[Row] | None = None) -> dict[str, list[Row]]:
    return {"extensions": [("vector",)], "enums": enums or [], "tables": [],
            "columns": columns or [], "constraints": [], "indexes": indexes or []}


TITLE = ("public", "documents", "title", "text", True, None, "", "", None, None)


def test_identical_snapshots_have_no_drift() -> None:
    same = snapshot([TITLE])
    assert compare(same, snapshot([TITLE])) == []


def test_a_retyped_column_is_changed_with_both_definitions() -> None:
    retyped = (*TITLE[:3], "character varying(200)", False, *TITLE[5:])
    (difference,) = compare(snapshot([TITLE]), snapshot([retyped]))
    assert difference.change == "changed"
    assert difference.name == "public.documents.title"
    assert difference.describe() == (
        "~ column public.documents.title differs: the database has character varying(200)"
        " NULL; the migrations give text NOT NULL")


def test_missing_and_unexpected_objects_are_named() -> None:
    index = ("public", "documents_title", "CREATE INDEX documents_title ON public.documents"
             " USING btree (title)", None)
    differences = compare(snapshot([TITLE], [index]),
                          snapshot([TITLE], [], [("public", "status", ["a", "b"])]))
    assert [(d.kind, d.name, d.change) for d in differences] == [
        ("enums", "public.status", "unexpected"),
        ("indexes", "public.documents_title", "missing"),
    ]
    assert differences[0].as_json()["kind"] == "enum"


def test_row_level_security_and_grants_are_compared() -> None:
    expected: dict[str, list[Row]] = {
        "row_security": [("public", "documents", True, False)],
        "grants": [("table", "public", "documents", "app", "SELECT")]}
    actual: dict[str, list[Row]] = {
        "row_security": [("public", "documents", True, True)],
        "grants": [("table", "public", "documents", "app", "INSERT, SELECT"),
                   ("schema", "rag", "", "app", "USAGE")]}
    described = [d.describe() for d in compare(expected, actual)]
    assert described == [
        "~ row level security of table public.documents differs: the database has enabled,"
        " forced; the migrations give enabled",
        "+ privileges on schema rag to app is in the database but not in the migrations"
        " (USAGE granted)",
        "~ privileges on table public.documents to app differs: the database has INSERT,"
        " SELECT granted; the migrations give SELECT granted",
    ]
