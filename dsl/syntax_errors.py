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

from .build_base import CONSTRAINT_WORDS
from .diagnostics import Diagnostic, error
from .source import Source, Span
from .syntax_hints import (
    WORDS,
    cast_outside_backticks,
    default_without_value,
    misspelt_keyword,
    nameless_argument,
)

# Terminals whose pattern is a regular expression, in words.
DESCRIPTIONS: Mapping[str, str] = {
    "NAME": "a name",
    "PARTITION_BY": "'partition by'",
    "PARTITION_STRATEGY": "'range', 'list' or 'hash'",
    "BOUND_LIMIT": "'minvalue' or 'maxvalue'",
    "STRING": "a string in single quotes",
    "TRIPLE_STRING": 'a """…""" block',
    "BACKTICK": "a SQL expression in backticks (`price > 0`)",
    "INT": "a whole number",
    "SIGNED_INT": "a whole number",
    "DECIMAL": "a number",
    "DURATION": "a duration such as 5s or 1min",
    "TABLE_PRIMARY": "'primary key (…)'",
    "_ACTION_ADD": "'add'",
    "_ACTION_ADD_BARE": "'add'",
    "_ACTION_RENAME_BARE": "'rename'",
    "_ACTION_DROP": "'drop'",
    "_ACTION_RENAME": "'rename column'",
    "_ACTION_ALTER": "'alter column'",
    "_ACTION_VALIDATE": "'validate constraint'",
    "_ACTION_ATTACH": "'attach partition'",
    "_ACTION_DETACH": "'detach partition'",
    "NOT_VALID": "'not valid'",
    "PRIMARY_KEY": "'primary key'",
    "_USING_EXPRESSION": "'using `…`'",
    "TABLE_UNIQUE": "'unique (…)'",
    "TABLE_CHECK": "'check `…`' at the start of a line",
    "COMMENT_TARGET": "'table', 'column', 'index', 'view', 'materialized view', 'schema' or"
                      " 'sequence'",
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
    "VIEW_DATA": "'with data' or 'with no data'",
    "VIEW_CHECK": "'with check option' (or with local, with cascaded check option)",
    "ROW_SECURITY": "'enable row level security' (or disable, force, no force)",
    "POLICY_KIND": "'permissive' or 'restrictive'",
    "POLICY_COMMAND": "'all', 'select', 'insert', 'update' or 'delete'",
    "VOLATILITY": "'immutable', 'stable' or 'volatile'",
    "ARGUMENT_MODE": "'in', 'out', 'inout' or 'variadic'",
    "PARALLEL_SAFETY": "'safe', 'restricted' or 'unsafe'",
    "TRIGGER_TIMING": "'before', 'after' or 'instead of'",
    "ROW_OR_STATEMENT": "'row' or 'statement'",
    "$END": "the end of the file",
}

STATEMENT_KEYWORDS = frozenset({
    "SCHEMA", "EXTENSION", "ENUM", "TABLE", "INDEX", "UNIQUE", "ALTER", "RENAME", "DROP",
    "COMMENT", "SQL", "IRREVERSIBLE", "EXTERNAL", "SEQUENCE", "PARTITION", "FUNCTION",
    "PROCEDURE",
    "TRIGGER", "VIEW", "MATERIALIZED", "REFRESH", "POLICY", "GRANT", "REVOKE",
})
COLUMN_CONSTRAINTS = frozenset({
    "NOT", "NULL", "PRIMARY", "UNIQUE", "DEFAULT", "CHECK", "REFERENCES", "IDENTITY",
    "GENERATED", "COLLATE",
})
TYPE_STARTERS = frozenset({"TIME", "TIMESTAMP", "CHARACTER", "BIT", "DOUBLE_PRECISION", "INTERVAL"})
ALTER_ACTIONS = frozenset({"_ACTION_ADD", "_ACTION_DROP", "_ACTION_RENAME", "_ACTION_ALTER",
                           "_ACTION_VALIDATE", "_ACTION_ADD_BARE", "_ACTION_RENAME_BARE",
                           "ROW_SECURITY", "_ACTION_ATTACH", "_ACTION_DETACH"})
# An action's first word where it was not read as one: what the action takes. `add` and
# `rename` may leave out COLUMN, as SQL does, when what follows stands on their line (the
# grammar's _ACTION_ADD_BARE, _ACTION_RENAME_BARE); `drop x` and `alter x` would read the
# same as a column named `drop` or `alter`, so these want the word after them.
ACTION_FORMS: Mapping[str, str] = {
    "add": "'add' takes a column, its name and type on the line of `add`: write `add {rest}"
           " TYPE` (or `add column …`), or a constraint: `add constraint NAME …`,"
           " `add unique (…)`, `add check `…``",
    "drop": "'drop' must say what it acts on: write `drop column {rest}` (or `drop constraint"
            " NAME`)",
    "rename": "'rename' takes the old name and `to` on its line: write `rename {rest} to NEW`"
              " (or `rename column …`)",
    "alter": "'alter' must say what it acts on: write `alter column {rest}`",
    "validate": "'validate' must say what it acts on: write `validate constraint {rest}`",
    "attach": "'attach' takes a table as a partition: write `attach partition {rest}`",
    "detach": "'detach' takes a partition out: write `detach partition {rest}`",
    "enable": "'enable' acts on row level security: write `enable row level security`",
    "disable": "'disable' acts on row level security: write `disable row level security`",
    "force": "'force' acts on row level security: write `force row level security`",
    "no": "'no' starts `no force row level security`",
}
VALUE_STARTERS = frozenset({"STRING", "TRUE", "FALSE", "NULL", "BACKTICK", "NAME"})

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
    if remaining >= VALUE_STARTERS:
        remaining -= VALUE_STARTERS | {"SIGNED_INT", "DECIMAL", "INT"}
        phrases.append("a value: a literal such as 'text', 0, true or null, a function call"
                       " such as now(), or SQL in backticks")
    if remaining == {"BACKTICK", "NAME"} and not phrases:
        return "a column name or a SQL expression in backticks"
    if remaining >= ALTER_ACTIONS:
        remaining -= ALTER_ACTIONS
        phrases.append("an action (add column, drop column, rename column, alter column, …)")
    if "SIGNED_INT" in remaining and "INT" in remaining:
        remaining.discard("SIGNED_INT")
    if "DECIMAL" in remaining and "INT" in remaining:
        remaining -= {"INT", "SIGNED_INT"}
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
    first_line, _, more = text.partition("\n")
    if len(first_line) > 40 or more:  # a message stays on its one line
        text = first_line[:37] + "…"
    if token.type == "STRING":
        return f"string {text}"
    if token.type in ("INT", "SIGNED_INT", "DECIMAL", "DURATION"):
        return f"number {text}"
    if token.type == "BACKTICK":
        return "backtick expression"
    if token.type == "TRIPLE_STRING":
        return '"""…""" block'
    return f"'{text}'"


def _did_you_mean(
    word: str, expected: Iterable[str], terminals: Mapping[str, TerminalDef]
) -> str | None:
    spellings = {s for n in expected if (s := _spelling(n, terminals))}
    close = difflib.get_close_matches(word.lower(), sorted(spellings), n=1, cutoff=0.6)
    return close[0] if close else None


def _unclosed_brace(failure: UnexpectedInput) -> Token | None:
    """The innermost '{' the parser had shifted and not yet closed when it failed."""
    parser = getattr(failure, "interactive_parser", None)
    stack = parser.parser_state.value_stack if parser is not None else []
    braces = [v for v in stack if isinstance(v, Token) and v.type == "LBRACE"]
    return braces[-1] if braces else None


_STATEMENT_START = re.compile(
    r"(table|index|unique\s+index|alter\s+(table|enum)|enum|schema|extension|drop|rename"
    r"|comment\s+on|sql|irreversible)\b",
    re.IGNORECASE,
)


def _line_of(source: Source, token: Token) -> int:
    """A Lark token's line as pgshift counts lines (Lark ends them at LF only)."""
    assert token.start_pos is not None
    return source.position(token.start_pos)[0]


def _statement_inside_block(source: Source, brace: Token, error_line: int) -> int | None:
    """The line, after an unclosed '{', that starts unindented with a statement keyword."""
    for number in range(_line_of(source, brace) + 1, error_line + 1):
        if _STATEMENT_START.match(source.line(number)):
            return number
    return None


_NAMELESS_INDEX = re.compile(r"\s*(unique\s+)?index\s+(concurrently\s+)?(?=on\s)", re.IGNORECASE)
_RENAME_TO = re.compile(r"\s*rename\s+(table|index)\s+\S+\s+to\s+[^.\s]+$|\s*rename\s+(table|index)"
                        r"\s+\S+\s+to\s+\S+\.", re.IGNORECASE)
RESERVED_IN_BODIES = frozenset({*CONSTRAINT_WORDS, "constraint", "foreign"})


# Blanks and `--` comments, matched on the reversed text (a comment reversed is the rest of
# its line, then `--`), from the end of the file back to its last token.
_TRAILING_BLANKS_REVERSED = re.compile(r"(?:\s|[^\r\n]*--)*+")


def content_end(text: str) -> int:
    r"""Where the text's last token ends: its end without the blanks and comments after it.
    Read backwards in one pass; searching forwards for `(\s|--…)*\Z` tried every offset of a
    long run of blank lines, reading on to its end each time (quadratic)."""
    trailing = _TRAILING_BLANKS_REVERSED.match(text[::-1])
    assert trailing is not None  # it matches the empty string at least
    return len(text) - trailing.end()


def _token_span(source: Source, token: Token) -> Span:
    if token.type == "$END":
        return source.span_at(content_end(source.text), 1)
    assert token.start_pos is not None
    text = str(token)
    lead = len(text) - len(text.lstrip())
    body = text.strip().split("\n", 1)[0]
    return source.span_at(token.start_pos + lead, max(len(body), 1))


def _expected(failure: UnexpectedInput, terminals: Mapping[str, TerminalDef]) -> set[str]:
    """What the parser could really take next, as the parser at the failure says.

    Lark's own list on the exception is either the lexer's (where keywords hide inside
    NAME) or the LALR state's lookaheads, which merging states filled with tokens from
    other statements. `accepts()` feeds each candidate to a copy of the parser and keeps
    only those that fit.
    """
    lark_says = set(getattr(failure, "expected", None) or getattr(failure, "allowed", None)
                    or ())
    parser = getattr(failure, "interactive_parser", None)
    if parser is None:
        return lark_says
    accepted = {name for name in parser.accepts() if name in terminals or name == "$END"}
    return accepted or lark_says


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

    typo = (misspelt_keyword(source, span) or default_without_value(source, span)
            or nameless_argument(source, span, str(token)))
    if typo is not None:
        return typo
    source_line = source.line(span.line)
    nameless = _NAMELESS_INDEX.match(source_line)
    if nameless:
        return error("syntax", "this index has no name: write `index NAME on table (…)`",
                     Span(source.path, span.line, nameless.end() + 1, span.line,
                          nameless.end() + 3))
    if token.type == "DOT" and _RENAME_TO.match(source_line):
        return error("syntax", "the new name cannot name a schema: a table or index is renamed"
                     " within its own schema", span)
    found = describe_found(token)
    text = str(token).strip()
    if text.lower() == "create" and STATEMENT_KEYWORDS & expected:
        return error("syntax", "statements are written without `create`: write `table name {…}`,"
                     " `index name on table (…)`, `enum name (…)`, `schema name` or `extension"
                     " name`", span)
    if token.type == "COMMA" and brace is not None and "RBRACE" in expected:
        return error("syntax", "unexpected ','; the items of a { } block are separated by line"
                     " breaks, not commas", span)
    if text.lower() in ACTION_FORMS and expected >= ALTER_ACTIONS:
        rest = source_line[span.column - 1 + len(text):].split("--")[0].strip()
        if not rest or (text.lower() in ("add", "rename") and len(rest.split()) > 1):
            rest = "NAME"  # more than the name: the message shows the form, not the line
        form = ACTION_FORMS[text.lower()].replace("'" + text.lower() + "'", f"'{text}'", 1)
        return error("syntax", form.format(rest=rest), span)
    if token.type == "NAME" and "NAME" not in expected:
        close = _did_you_mean(text, expected, terminals)
        if close is not None:
            kind = "statement" if STATEMENT_KEYWORDS & expected else "keyword"
            message = f"unknown {kind} '{text}'; did you mean '{close}'?"
            return error("unknown-keyword", message, span)
    message = f"unexpected {found}; expected {wanted}"
    stripped = source_line.lstrip()
    first = WORDS.match(stripped)
    indent = len(source_line) - len(stripped)
    if first and first.group(1) and first.group(1).lower() in RESERVED_IN_BODIES and (
            span.column == indent + len(first.group(0)) + 2):
        word = first.group(1)
        message += f' (to name a column \'{word}\', write it in double quotes: "{word.lower()}")'
    spelled = _spelling(token.type, terminals)
    if "NAME" in expected and spelled is not None and re.fullmatch(r"[a-z_]+", spelled):
        message += (
            f" ('{text}' is a keyword here: write \"{text.lower()}\" in double quotes"
            " to use it as a name)"
        )
    if "RBRACE" in expected and token.type in STATEMENT_KEYWORDS and brace is not None:
        message += f" (is the '}}' missing for the '{{' on line {_line_of(source, brace)}?)"
    return error("syntax", message, span)


def from_unexpected_characters(source: Source, failure: UnexpectedCharacters,
                               terminals: Mapping[str, TerminalDef]) -> Diagnostic:
    offset = failure.pos_in_stream or 0
    rest = source.text[offset:]
    span = source.span_at(offset, 1)
    if rest.startswith("::"):
        return cast_outside_backticks(source, offset)
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
        allowed = _expected(failure, terminals)
        wanted = describe_expected(allowed, terminals) if allowed else "a number"
        return error("bad-number", f"bad number '{number.group()}'; expected {wanted}",
                     source.span_at(offset, len(number.group())))
    char = rest[0]
    shown = f"'{char}'" if char.isprintable() else f"U+{ord(char):04X}"
    allowed = _expected(failure, terminals)
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
