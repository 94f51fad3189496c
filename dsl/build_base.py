"""What every rule of the AST builder shares: spans, names, dropped tokens, diagnostics."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from lark import Token

from . import ast
from .diagnostics import Diagnostic, error
from .source import Source, Span, line_starts

SPECIAL_VALUES = frozenset({
    "current_timestamp", "current_date", "current_time", "localtime", "localtimestamp",
    "current_user", "session_user", "current_role", "current_catalog", "current_schema",
    "user",
})
SETTINGS = ("lock_timeout", "statement_timeout")
CONSTRAINT_LABELS: dict[type, str] = {
    ast.NotNull: "not null", ast.Nullable: "null", ast.PrimaryKey: "primary key",
    ast.Unique: "unique", ast.Default: "default", ast.References: "references",
    ast.Identity: "identity", ast.Generated: "generated", ast.Collate: "collate",
}
# The words that may follow a column's type: what a misspelt one is compared with.
CONSTRAINT_WORDS = ("not", "null", "primary", "unique", "default", "check", "references",
                    "identity", "generated", "collate", "cascade", "delete", "update")
DURATION_UNITS = {"ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}


def identifier(token: Token) -> str:
    """A NAME token as PostgreSQL sees it: "Quoted" kept exactly, plain folded to lower case."""
    text: str = token.value
    if text[0] == '"':
        return text[1:-1].replace('""', '"')
    return text.lower()


def string_value(token: Token) -> str:
    """The text of a 'string' (or a "quoted" enum label) without quotes or doubled quotes."""
    text = str(token)
    quote = text[0]
    return text[1:-1].replace(quote * 2, quote)


def triple_value(token: Token) -> str:
    return str(token)[3:-3]


def children_of(items: Sequence[Any], kind: type) -> list[Any]:
    return [item for item in items if isinstance(item, kind)]


def first_of(items: Sequence[Any], kind: type) -> Any:
    found = children_of(items, kind)
    return found[0] if found else None


def token_of(items: Sequence[Any], *types: str) -> Token | None:
    for item in items:
        if isinstance(item, Token) and item.type in types:
            return item
    return None


_new_span = tuple.__new__
Meta = Span  # what each rule's method gets: the span of the text it was reduced from
_NO_TEXT = line_starts("")


class Builder:
    """The state of one parse (file, diagnostics); one builder serves every parse of a
    process, `reset` to each file in turn."""

    def __init__(self) -> None:
        self.reset(None)

    def reset(self, source: Source | None) -> None:
        """Start on another file (None: between files, holding nothing)."""
        self.path = source.path if source is not None else "<none>"
        # Where each line starts: positions are found from offsets, a line ending at LF,
        # CRLF or a lone CR, as PostgreSQL counts them (Lark's own count only LFs).
        self._starts = line_starts(source.text) if source is not None else _NO_TEXT
        self.diagnostics: list[Diagnostic] = []
        self.expressions: list[ast.RawExpression] = []  # every backtick expression, in order

    # ------------------------------------------------------------ positions and helpers

    def span_between(self, start: int, end: int) -> Span:
        """The span of the text from offset `start` to `end` (built as a tuple: this runs
        for every rule and name)."""
        starts = self._starts
        line = bisect.bisect_right(starts, start)
        end_line = bisect.bisect_right(starts, end)
        return _new_span(Span, (self.path, line, start - starts[line - 1] + 1,
                                end_line, end - starts[end_line - 1] + 1))

    def token_span(self, token: Token, last: Token | None = None) -> Span:
        """Where a token is, or the tokens from `token` to `last` (the parser gives each
        token its offsets)."""
        end = (token if last is None else last).end_pos
        assert token.start_pos is not None
        assert end is not None
        return self.span_between(token.start_pos, end)

    def name(self, token: Token) -> ast.Name:
        return ast.Name(identifier(token), self.token_span(token))

    def names(self, items: Sequence[Any]) -> list[ast.Name]:
        return [self.name(t) for t in items if isinstance(t, Token) and t.type == "NAME"]

    def qualified(self, meta: Meta, parts: Sequence[Token]) -> ast.QualifiedName:
        if len(parts) == 1:
            return ast.QualifiedName(identifier(parts[0]), None, meta)
        return ast.QualifiedName(identifier(parts[-1]), identifier(parts[0]), meta)

    def fail(self, code: str, message: str, span: Span) -> None:
        self.diagnostics.append(error(code, message, span))

    def raw(self, token: Token) -> ast.RawExpression:
        sql = str(token)[1:-1]
        if not sql.strip():
            self.fail("empty-expression", "this backtick expression is empty",
                      self.token_span(token))
        expression = ast.RawExpression(sql, self.token_span(token))
        self.expressions.append(expression)
        return expression
