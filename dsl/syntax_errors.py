"""Lark's parse failures → one positioned diagnostic in a user's words.

Lark reports terminal names (`RBRACE`, `__ANON_3`); users need to read "expected '}'".
Every message says what was found and what would have fitted, with a did-you-mean when
a word is close to a keyword that fits.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr, TerminalDef

from .diagnostics import Diagnostic, error
from .source import Source, Span

# Terminals whose pattern is a regular expression, in words.
DESCRIPTIONS: Mapping[str, str] = {
    "NAME": "a name",
    "STRING": "a string in single quotes",
    "TRIPLE_STRING": 'a """…""" block',
    "BACKTICK": "a SQL expression in backticks, like `price > 0`",
    "INT": "a whole number",
    "SIGNED_INT": "a whole number",
    "DECIMAL": "a number",
    "DURATION": "a duration such as 5s or 1min",
    "TABLE_PRIMARY": "'primary key (…)'",
    "TABLE_UNIQUE": "'unique (…)'",
    "TABLE_CHECK": "'check `…`' at the start of a line",
    "COMMENT_TARGET": "'table', 'column' or 'index'",
    "NO_ACTION": "'no action'",
    "SET_NULL": "'set null'",
    "SET_DEFAULT": "'set default'",
    "BY_DEFAULT": "'by default'",
    "DOUBLE_PRECISION": "'double precision'",
    "CHARACTER": "'character'",
    "TIME": "'time'",
    "TIMESTAMP": "'timestamp'",
    "TIME_ZONE": "'time zone'",
    "INTERVAL": "'interval'",
    "INTERVAL_FIELDS": "an interval field such as 'day to second'",
    "$END": "the end of the file",
}

STATEMENT_KEYWORDS = frozenset({
    "EXTENSION", "ENUM", "TABLE", "INDEX", "UNIQUE", "ALTER", "RENAME", "DROP", "COMMENT",
    "SQL", "IRREVERSIBLE",
})
COLUMN_CONSTRAINTS = frozenset({
    "NOT", "NULL", "PRIMARY", "UNIQUE", "DEFAULT", "CHECK", "REFERENCES", "IDENTITY",
    "GENERATED", "COLLATE",
})
TYPE_STARTERS = frozenset({"TIME", "TIMESTAMP", "CHARACTER", "BIT", "DOUBLE_PRECISION", "INTERVAL"})
ALTER_ACTIONS = frozenset({"ADD", "DROP", "RENAME", "ALTER"})

_NUMBER_RUN = re.compile(r"-?\d[0-9A-Za-z_.]*")


def _spelling(name: str, terminals: Mapping[str, TerminalDef]) -> str | None:
    """How a keyword terminal is written, for did-you-means; None for non-keywords."""
    terminal = terminals.get(name)
    if terminal is not None and isinstance(terminal.pattern, PatternStr):
        return terminal.pattern.value.lower()
    described = DESCRIPTIONS.get(name, "")
    if described.startswith("'") and "…" not in described:
        return described.strip("'")
    return None


def describe_terminal(name: str, terminals: Mapping[str, TerminalDef]) -> str:
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    spelled = _spelling(name, terminals)
    return f"'{spelled}'" if spelled else name.lower()


def describe_expected(expected: Collection[str], terminals: Mapping[str, TerminalDef]) -> str:
    """Expected terminals as a short phrase, folding well-known groups into one item."""
    remaining = set(expected)
    phrases: list[str] = []
    if remaining >= STATEMENT_KEYWORDS:
        remaining -= STATEMENT_KEYWORDS
        phrases.append("a statement (table, index, alter table, enum, extension, drop, sql, …)")
    if remaining >= COLUMN_CONSTRAINTS:
        remaining -= COLUMN_CONSTRAINTS
        phrases.append("a column constraint (not null, default, references, check, …)")
    if remaining >= TYPE_STARTERS and "NAME" in remaining:
        remaining -= TYPE_STARTERS | {"NAME"}
        phrases.append("a type such as text, bigint, timestamptz or vector(1536)")
    if remaining >= ALTER_ACTIONS:
        remaining -= ALTER_ACTIONS
        phrases.append("an action (add column, drop column, rename column, alter column, …)")
    if "SIGNED_INT" in remaining and "INT" in remaining:
        remaining.discard("SIGNED_INT")
    words = sorted({describe_terminal(n, terminals) for n in remaining})
    phrases += words
    if len(phrases) > 8:
        phrases = [*phrases[:7], "…"]
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def describe_found(token: Token) -> str:
    if token.type == "$END":
        return "the end of the file"
    text = str(token).strip()
    if token.type == "STRING":
        return f"the string {text}"
    if token.type in ("INT", "SIGNED_INT", "DECIMAL", "DURATION"):
        return f"the number {text}"
    if token.type == "BACKTICK":
        return "backtick expression"
    if token.type == "TRIPLE_STRING":
        return '"""…""" block'
    if len(text) > 40:
        text = text[:37] + "…"
    return f"'{text}'"


def _did_you_mean(
    word: str, expected: Iterable[str], terminals: Mapping[str, TerminalDef]
) -> str | None:
    spellings = {s for n in expected if (s := _spelling(n, terminals))}
    close = difflib.get_close_matches(word.lower(), sorted(spellings), n=1, cutoff=0.6)
    return close[0] if close else None


def _unclosed_brace(error: UnexpectedToken) -> Token | None:
    state = getattr(error, "state", None)
    stack = getattr(state, "value_stack", None) or []
    braces = [v for v in stack if isinstance(v, Token) and v.type == "LBRACE"]
    return braces[-1] if braces else None


_STATEMENT_START = re.compile(
    r"(table|index|unique\s+index|alter\s+(table|enum)|enum|extension|drop|rename|comment\s+on"
    r"|sql|irreversible)\b",
    re.IGNORECASE,
)


def _statement_inside_block(source: Source, brace: Token, error_line: int) -> int | None:
    """The line, after an unclosed '{', that starts unindented with a statement keyword."""
    assert brace.line is not None
    for number in range(brace.line + 1, error_line + 1):
        if _STATEMENT_START.match(source.line(number)):
            return number
    return None


def _token_span(source: Source, token: Token) -> Span:
    if token.type == "$END":
        stripped = re.sub(r"(\s|--[^\n]*)*\Z", "", source.text)
        return source.span_at(len(stripped), 1)
    assert token.start_pos is not None
    text = str(token)
    lead = len(text) - len(text.lstrip())
    body = text.strip().split("\n", 1)[0]
    return source.span_at(token.start_pos + lead, max(len(body), 1))


def _expected(failure: UnexpectedToken, terminals: Mapping[str, TerminalDef]) -> set[str]:
    """What the parser could take next. When the lexer raised the error, Lark's own list is
    the lexer's, where keywords hide inside NAME; the parse table has the real one."""
    state = getattr(failure, "state", None)
    try:
        actions = state.parse_conf.parse_table.states[state.position]  # type: ignore[union-attr]
    except (AttributeError, KeyError, IndexError):
        return set(failure.expected)
    return {name for name in actions if name in terminals or name == "$END"}


def from_unexpected_token(source: Source, failure: UnexpectedToken,
                          terminals: Mapping[str, TerminalDef]) -> Diagnostic:
    token = failure.token
    expected = _expected(failure, terminals)
    span = _token_span(source, token)
    wanted = describe_expected(expected, terminals)
    if token.type == "$END":
        brace = _unclosed_brace(failure)
        if brace is not None and "RBRACE" in expected:
            assert brace.start_pos is not None
            return error("unclosed-brace",
                         "this '{' is never closed: the file ends before its '}'",
                         source.span_at(brace.start_pos, 1))
        return error("syntax", f"unexpected end of file; expected {wanted}", span)

    brace = _unclosed_brace(failure)
    if brace is not None and brace.start_pos is not None:
        line = _statement_inside_block(source, brace, span.line)
        if line is not None:
            return error("unclosed-brace",
                         f"this '{{' is never closed: line {line} starts a new statement before"
                         " its '}'", source.span_at(brace.start_pos, 1))

    found = describe_found(token)
    text = str(token).strip()
    if token.type == "COMMA" and brace is not None and "RBRACE" in expected:
        return error("syntax", "unexpected ','; the items of a { } block are separated by line"
                     " breaks, not commas", span)
    if token.type == "NAME" and "NAME" not in expected:
        close = _did_you_mean(text, expected, terminals)
        if close is not None:
            kind = "statement" if STATEMENT_KEYWORDS & expected else "keyword"
            message = f"unknown {kind} '{text}'; did you mean '{close}'?"
            return error("unknown-keyword", message, span)
    message = f"unexpected {found}; expected {wanted}"
    spelled = _spelling(token.type, terminals)
    if "NAME" in expected and spelled is not None and re.fullmatch(r"[a-z_]+", spelled):
        message += (
            f" ('{text}' is a keyword here: write \"{text.lower()}\" in double quotes"
            " to use it as a name)"
        )
    if "RBRACE" in expected and token.type in STATEMENT_KEYWORDS and brace is not None:
        message += f" (is the '}}' missing for the '{{' on line {brace.line}?)"
    return error("syntax", message, span)


def from_unexpected_characters(source: Source, failure: UnexpectedCharacters,
                               terminals: Mapping[str, TerminalDef]) -> Diagnostic:
    offset = failure.pos_in_stream or 0
    rest = source.text[offset:]
    span = source.span_at(offset, 1)
    if rest.startswith('"""'):
        return error("unterminated", 'unterminated """ block: no closing """ before the end of'
                     " the file", source.span_at(offset, 3))
    if rest.startswith('""'):
        return error("syntax", 'empty quoted name: a name in double quotes needs at least one'
                     " character", source.span_at(offset, 2))
    if rest.startswith('"'):
        return error("unterminated", "unterminated quoted name: this \" has no closing \"", span)
    if rest.startswith("'"):
        return error("unterminated", "unterminated string: this ' has no closing '", span)
    if rest.startswith("`"):
        return error("unterminated", "unterminated backtick expression: this ` has no closing `",
                     span)
    number = _NUMBER_RUN.match(rest)
    if number is not None:
        allowed = set(failure.allowed or ())
        wanted = describe_expected(allowed, terminals) if allowed else "a number"
        return error("bad-number", f"bad number '{number.group()}'; expected {wanted}",
                     source.span_at(offset, len(number.group())))
    char = rest[0]
    shown = f"'{char}'" if char.isprintable() else f"U+{ord(char):04X}"
    allowed = set(failure.allowed or ())
    tail = f"; expected {describe_expected(allowed, terminals)}" if allowed else ""
    return error("syntax", f"unexpected character {shown}{tail}", span)


def diagnose(source: Source, failure: UnexpectedInput,
             terminals: Mapping[str, TerminalDef]) -> Diagnostic:
    if isinstance(failure, UnexpectedToken):
        return from_unexpected_token(source, failure, terminals)
    if isinstance(failure, UnexpectedCharacters):
        return from_unexpected_characters(source, failure, terminals)
    line = getattr(failure, "line", 1) or 1
    column = getattr(failure, "column", 1) or 1
    return error("syntax", "unexpected end of file", Span(source.path, line, column, line,
                                                          column + 1))
