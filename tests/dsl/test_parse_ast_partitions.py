"""The AST of partitioned tables and partitions."""

from __future__ import annotations

import pytest

from pgshift.dsl import DiagnosticError, ast
from tests.dsl.parse_ast_support import N, Q, only, parse, statements


def _bound(text: str) -> tuple[str, tuple[tuple[str, ...], ...]]:
    bound = only(text, ast.CreatePartition).bound
    return bound.kind, tuple(tuple(v.sql for v in group) for group in bound.values)


def test_partitioned_table() -> None:
    made = only("table events {\n id bigint\n at timestamptz\n} PARTITION BY Range (at, id)",
                ast.CreatePartitionedTable)
    assert made.strategy == "range"
    assert made.key == (N("at"), N("id"))
    assert made.table.name == Q("events")
    assert [c.name for c in made.table.columns] == [N("id"), N("at")]


def test_a_table_without_partition_by_is_a_plain_table() -> None:
    assert [type(s) for s in statements("table t { a int }\npartition p of t default")] == [
        ast.CreateTable, ast.CreatePartition]


@pytest.mark.parametrize(("text", "expected"), [
    ("partition p of t for values from ('2026-01-01') to (MAXVALUE)",
     ("range", (("'2026-01-01'",), ("MAXVALUE",)))),
    ("partition p of t for values from (minvalue, -5) to (10, 2.5)",
     ("range", (("MINVALUE", "-5"), ("10", "2.5")))),
    ("partition p of t for values in ('eu', null, true)", ("list", (("'eu'", "NULL", "TRUE"),))),
    ("partition p of t for values with (modulus 4, remainder 3)", ("hash", (("4", "3"),))),
    ("partition p of t default", ("default", ())),
])
def test_partition_bounds(text: str, expected: object) -> None:
    assert _bound(text) == expected


def test_partition_names() -> None:
    made = only("partition archive.p of rag.t default", ast.CreatePartition)
    assert (made.name, made.parent) == (Q("p", "archive"), Q("t", "rag"))


def test_partition_stays_a_column_name() -> None:
    table = only("table t {\n id int\n partition text\n}", ast.CreateTable)
    assert table.columns[1].name == N("partition")


@pytest.mark.parametrize("text", [
    "table t { a int } partition by list (a, a)",
    "partition p of t for values from (1) to (2, 3)",
    "partition p of t for values with (modulus 2, remainder 2)",
])
def test_what_the_statement_alone_refuses(text: str) -> None:
    with pytest.raises(DiagnosticError) as raised:
        parse(text)
    assert [d.code for d in raised.value.diagnostics] == ["bad-partition"]


def test_attach_and_detach_are_actions_of_alter_table() -> None:
    altered = only("alter table events {\n"
                   " attach partition archive.events_2025 for values from ('2025-01-01') to"
                   " ('2026-01-01')\n"
                   " DETACH  PARTITION events_2024 concurrently\n"
                   " detach partition events_2023\n}", ast.AlterTable)
    attach, concurrent, plain = altered.actions
    assert isinstance(attach, ast.AttachPartition)
    assert attach.name == Q("events_2025", "archive")
    assert (attach.bound.kind, [v.sql for v in attach.bound.values[1]]) == (
        "range", ["'2026-01-01'"])
    assert (concurrent, plain) == (
        ast.DetachPartition(Q("events_2024"), True, concurrent.span),
        ast.DetachPartition(Q("events_2023"), False, plain.span))


def test_attach_and_detach_stay_column_names() -> None:
    table = only("table t {\n attach int\n detach text\n}", ast.CreateTable)
    assert [c.name for c in table.columns] == [N("attach"), N("detach")]
