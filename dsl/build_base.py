"""What every rule of the AST builder shares: spans, names, dropped tokens, diagnostics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import ast
from .diagnostics import Diagnostic, error
from .source import Span
from .token import Token

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


@dataclass(frozen=True, slots=True)
class Filtering:
    """Which tokens a parse tree would leave out: keywords, punctuation. A few terminals
    (`not`, `null`, `with`) are left out by some rules and kept by others."""

    dropped: frozenset[str]
    kept_by_rule: dict[str, frozenset[str]]
    rules: frozenset[str]  # every rule of the grammar, inlined ones (`_name`) included

    def drops(self) -> dict[str, frozenset[str]]:
        """The token types each rule's method never sees: the keywords and punctuation a
        parse tree would leave out."""
        return {rule: self.dropped - self.kept_by_rule.get(rule, frozenset())
                for rule in self.rules}


class Builder:
    """The state of one parse (file, diagnostics) and the method the parser calls per rule."""

    def __init__(self, path: str, filtering: Filtering) -> None:
        self.path = path
        self.filtering = filtering
        self.diagnostics: list[Diagnostic] = []
        self.expressions: list[ast.RawExpression] = []  # every backtick expression, in order

    def reset(self, path: str) -> None:
        """Start on another file: one builder serves every parse of a process."""
        self.path = path
        self.diagnostics = []
        self.expressions = []

    def builds(self) -> dict[str, Any]:
        """The method for each rule the parser reduces, by the rule's name."""
        return {rule: getattr(self, rule) for rule in self.filtering.rules
                if not rule.startswith("_")}

    # ------------------------------------------------------------ positions and helpers

    def token_span(self, token: Token) -> Span:
        """The parser fills every token's position (built as a tuple: this runs per name)."""
        return _new_span(Span, (self.path, token.line, token.column, token.end_line,
                                token.end_column))

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
