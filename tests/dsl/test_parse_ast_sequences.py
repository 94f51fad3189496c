"""The AST of standalone sequences: `sequence NAME [options] [owned by t.c]`, `drop sequence`."""

from __future__ import annotations

import pytest

from pgshift.dsl import DiagnosticError, ast
from tests.dsl.parse_ast_support import ANY, N, Q, only, parse, statements


def _options(text: str) -> tuple[tuple[str, object], ...]:
    return tuple((o.kind, o.value) for o in only(text, ast.CreateSequence).options)


def test_sequence_without_options() -> None:
    assert only("sequence invoice_numbers", ast.CreateSequence) == ast.CreateSequence(
        Q("invoice_numbers"), (), None, ANY)


def test_sequence_with_every_option_in_sql_words() -> None:
    text = ("SEQUENCE billing.numbers AS int4 INCREMENT BY 10 START WITH 1000 MINVALUE 1000"
            " NO MAXVALUE CACHE 5 NO CYCLE OWNED BY billing.invoices.number")
    sequence = only(text, ast.CreateSequence)
    assert sequence.name == Q("numbers", "billing")
    assert _options(text) == (("as", "integer"), ("increment", 10), ("start", 1000),
                              ("minvalue", 1000), ("maxvalue", None), ("cache", 5),
                              ("cycle", False))
    assert sequence.owned_by == ast.SequenceOwner(Q("invoices", "billing"), N("number"), ANY)


def test_by_and_with_may_be_left_out_and_numbers_may_be_negative() -> None:
    assert _options("sequence s increment -1 start -5 minvalue -10 maxvalue -1 cycle") == (
        ("increment", -1), ("start", -5), ("minvalue", -10), ("maxvalue", -1), ("cycle", True))


def test_options_words_stay_names() -> None:
    """`cache`, `start` or `cycle` are keywords only after a sequence's name."""
    assert only("table t { cache int\n start int\n cycle bool }", ast.CreateTable).columns[1].name \
        == N("start")
    assert only("sequence cache", ast.CreateSequence).name == Q("cache")


def test_a_statement_follows_a_sequence() -> None:
    found = statements("sequence s owned by t.c\ncomment on table t is 'x'\nsequence u cache 2")
    assert [type(s) for s in found] == [ast.CreateSequence, ast.Comment, ast.CreateSequence]


def test_drop_sequence() -> None:
    assert only("drop sequence billing.numbers", ast.DropSequence) == ast.DropSequence(
        Q("numbers", "billing"), ANY)


@pytest.mark.parametrize("text", [
    "sequence s as text", "sequence s increment by 0", "sequence s cache 1 cache 2",
    "sequence s minvalue 5 maxvalue 5", "sequence s start with 0",
    "sequence s as smallint start with 40000", "sequence s owned by t.c owned by t.d",
])
def test_what_create_sequence_refuses_is_refused(text: str) -> None:
    with pytest.raises(DiagnosticError) as raised:
        parse(text)
    assert [d.code for d in raised.value.diagnostics] == ["bad-sequence-option"]
