"""Checks on the SQL a migration passes through as written, read lexically (sql_scan).

A backtick expression is placed inside a statement pgshift writes (`CHECK (…)`,
`DEFAULT …`, `WHERE …`), so it must be one expression: a `;`, a comment or a bracket it
does not close would let it end that statement and run others. A `sql` block runs inside
the migration's transaction, which it must not begin, end or divide.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ..dsl import ast
from ..dsl.diagnostics import error
from ..dsl.source import Span, span_inside
from .context import Context
from .sql_scan import Piece, differs_without_standard_strings, pieces, statements

_CLOSING = {"(": ")", "[": "]"}
_UNTERMINATED = {
    "string": "unterminated string: this ' has no closing ' in the expression",
    "estring": "unterminated string: this E' has no closing ' in the expression",
    "identifier": 'unterminated quoted name: this " has no closing " in the expression',
}
_TRANSACTION_CONTROL = frozenset({"begin", "commit", "end", "rollback", "abort", "savepoint",
                                  "release"})
_TRANSACTION_CONTROL_PAIRS = frozenset({("start", "transaction"), ("prepare", "transaction")})
# A block without any of these words needs no closer look (most data migrations).
_CONTROL_WORD = re.compile(r"begin|commit|end|rollback|abort|savepoint|release|transaction",
                           re.IGNORECASE)


class Problem(NamedTuple):
    """What is wrong at `offset` in SQL text (`length` characters)."""

    offset: int
    length: int
    message: str


def check_sql_text(ctx: Context, parsed: ast.MigrationFile) -> None:
    """Report every backtick expression that is not one expression, and every statement of
    a `sql` block that controls the transaction."""
    for expression in parsed.expressions:
        problem = expression_problem(expression.sql)
        if problem is not None:
            where = span_inside(expression.span, 1, expression.sql, problem.offset,
                                problem.length)
            ctx.report("bad-expression", problem.message, where)
    for statement in parsed.statements:
        if isinstance(statement, ast.RawSql):
            _check_block(ctx, statement.up, statement.up_span or statement.span)
            if statement.down is not None:
                _check_block(ctx, statement.down, statement.down_span or statement.span)


def expression_problem(sql: str) -> Problem | None:
    """The first reason, read lexically, that `sql` is not one SQL expression."""
    opened: list[Piece] = []  # the brackets not closed yet
    for piece in pieces(sql):
        problem = _piece_problem(sql, piece, opened)
        if problem is not None:
            return problem
    if opened:
        bracket = sql[opened[-1].start]
        return Problem(opened[-1].start, 1, f"this '{bracket}' is never closed in the expression")
    return None


def _piece_problem(sql: str, piece: Piece, opened: list[Piece]) -> Problem | None:
    """What is wrong with one piece of an expression, given the brackets open before it
    (which it updates)."""
    text = sql[piece.start:piece.end]
    if piece.kind == "comment":
        return Problem(piece.start, 2, f"a backtick expression cannot hold a comment: this"
                       f" '{text[:2]}' would hide the rest of the statement it stands in")
    if not piece.closed:
        return _unterminated(piece, text)
    if piece.kind == "string" and differs_without_standard_strings(sql, piece):
        return Problem(piece.start, 1, "this string ends elsewhere on a server with"
                       " standard_conforming_strings off, where a backslash escapes the quote"
                       " after it: write it as E'…' with each backslash doubled")
    if piece.kind != "symbol":
        return None
    if text == ";":
        return Problem(piece.start, 1, "a backtick expression is one SQL expression: this ';'"
                       " would end the statement it stands in (statements belong in a `sql`"
                       " block)")
    if text in _CLOSING:
        opened.append(piece)
        return None
    if not opened:
        return Problem(piece.start, 1, f"this '{text}' closes nothing in the expression: it"
                       " would close a bracket of the statement it stands in")
    bracket = sql[opened.pop().start]
    if _CLOSING[bracket] != text:
        return Problem(piece.start, 1, f"this '{text}' does not close the '{bracket}' before"
                       " it in the expression")
    return None


def _unterminated(piece: Piece, text: str) -> Problem:
    if piece.kind == "dollar":
        tag = text[:text.index("$", 1) + 1]
        return Problem(piece.start, len(tag), f"unterminated dollar-quoted string: this {tag}"
                       f" has no closing {tag} in the expression")
    opening = 2 if piece.kind == "estring" else 1
    return Problem(piece.start, opening, _UNTERMINATED[piece.kind])


def _check_block(ctx: Context, sql: str, span: Span) -> None:
    for problem in transaction_control(sql):
        ctx.diagnostics.append(error(
            "transaction-control", problem.message, span_inside(span, 3, sql, problem.offset,
                                                                problem.length),
            help="remove it: pgshift commits the migration when all of it has run. An index"
                 " built or dropped while writes go on is `index concurrently` or `drop index"
                 " concurrently`, which makes the migration non-transactional"))


def transaction_control(sql: str) -> Iterator[Problem]:
    """Each statement of a `sql` block that begins, ends or divides a transaction."""
    if _CONTROL_WORD.search(sql) is None:
        return
    for statement in statements(sql):
        if statement.first in _TRANSACTION_CONTROL or (
                (statement.first, statement.second) in _TRANSACTION_CONTROL_PAIRS):
            written = sql[statement.start:statement.start + len(statement.first)]
            yield Problem(statement.start, len(written), f"'{written}' controls the transaction,"
                          " which is pgshift's: each migration runs in a transaction of its own,"
                          " with the row that records it, and a `sql` block cannot begin, end"
                          " or divide it")
