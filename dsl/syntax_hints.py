"""Heuristics that name the mistake behind a parse failure, where the parser only sees an
unexpected token: a misspelt keyword, a `default` with nothing after it, a cast written
outside backticks, an argument without a name."""

from __future__ import annotations

import re

from .build_base import CONSTRAINT_WORDS
from .diagnostics import Diagnostic, error
from .source import Source, Span

WORDS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|--.*|([A-Za-z_][A-Za-z0-9_]*)")


def misspelt_keyword(source: Source, span: Span) -> Diagnostic | None:
    """A word on the failing line, after a column's name and type, that is a typo of a
    column-constraint keyword: the parser took it for something else and failed later."""
    from .types import edit_distance

    line = source.line(span.line)
    words = [m for m in WORDS.finditer(line) if m.group(1)]
    for match in words[2:]:
        word = match.group(1).lower()
        if match.start() + 1 >= span.column or len(word) < 4 or word in CONSTRAINT_WORDS:
            continue
        close = sorted((edit_distance(word, k), k) for k in CONSTRAINT_WORDS)[0]
        if 0 < close[0] <= (1 if len(word) < 6 else 2):
            where = Span(source.path, span.line, match.start() + 1, span.line, match.end() + 1)
            return error("unknown-keyword", f"unknown keyword '{match.group(1)}'; did you mean"
                         f" '{close[1]}'?", where)
    return None


_TRAILING_DEFAULT = re.compile(r"\bdefault\s*(--.*)?$", re.IGNORECASE)


def default_without_value(source: Source, span: Span) -> Diagnostic | None:
    """`default` at the end of a line takes the next line's first word as its value, and the
    parse fails later; the mistake is the `default` with nothing after it."""
    for number in range(span.line - 1, max(span.line - 3, 0), -1):
        match = _TRAILING_DEFAULT.search(source.line(number))
        if match is not None:
            where = Span(source.path, number, match.start() + 1, number, match.start() + 8)
            return error("missing-value", "'default' has no value: write one after it, such as"
                         " default 0, default now() or default `…`", where)
    return None


_NAME_TEXT = r'(?:[a-z_][a-z0-9_$]*|"(?:[^"\r\n]|"")+")'
# `::` and a type after it, as many times as written: `::kind`, `::rag.kind`,
# `::varchar(20)[]`, `::double precision`, `::timestamp with time zone`.
_CASTS = re.compile(rf"(?:[ \t]*::[ \t]*{_NAME_TEXT}(?:[ \t]*\.[ \t]*{_NAME_TEXT})?"
                    r"(?:[ \t]+(?:precision|varying|with|without|time|zone)\b)*"
                    r"(?:[ \t]*\([^)\r\n]*\))?(?:[ \t]*\[[^]\r\n]*\])*)+", re.IGNORECASE)
_DEFAULT_WORD = re.compile(r"\bdefault[ \t]+", re.IGNORECASE)


def cast_outside_backticks(source: Source, offset: int) -> Diagnostic:
    """`default 'doc'::kind`: a cast is SQL, which a value takes in backticks. The value
    written is the text from the `default` before it on its line to the cast's type."""
    line_start = max(source.text.rfind("\n", 0, offset), source.text.rfind("\r", 0, offset)) + 1
    before = source.text[line_start:offset]
    casts = _CASTS.match(source.text, offset)
    end = casts.end() if casts is not None else offset + 2
    defaults = list(_DEFAULT_WORD.finditer(before))
    if not defaults:
        return error("unknown-value", "a cast is SQL, which a value takes in backticks: write"
                     " the value with its cast in backticks, like default `'draft'::status`",
                     source.span_at(offset, 2))
    start = line_start + defaults[-1].end()
    written = source.text[start:end]
    return error("unknown-value", f"a cast is SQL, which a value takes in backticks: did you"
                 f" mean default `{written}`?", source.span_at(start, end - start))


# `function|procedure NAME (… [MODE] WORD` right before a `,` or `)`: one word where an
# argument's name and type stand.
_NAMELESS_ARGUMENT = re.compile(
    r"\b(?:function|procedure)\s+[\w.\"]+\s*\((?:[^()]*,)?\s*"
    r"(?:(in|out|inout|variadic)\s+)?([\w\"]+(?:\[\])*)\s*$", re.IGNORECASE)


def nameless_argument(source: Source, span: Span, found: str) -> Diagnostic | None:
    """An argument written as SQL allows, its type alone (`f(int)`, `f(out text)`): the
    language names every argument, so the parser took the type for the name and failed at
    what follows."""
    if found not in (",", ")", "["):
        return None
    before = source.line(span.line)[: span.column - 1]
    match = _NAMELESS_ARGUMENT.search(before)
    if match is None:
        return None
    from .build_routines import PSEUDO_TYPES
    from .types import canonical

    mode = f"{match.group(1)} " if match.group(1) else ""
    where = Span(source.path, span.line, match.start(2) + 1, span.line, match.end(2) + 1)
    word = match.group(2)
    if found != "[" and canonical(word.lower()) is None and word.lower() not in PSEUDO_TYPES:
        return error("syntax", f"argument '{word}' has no type: write `{mode}{word} TYPE`",
                     where)
    written = word + ("[]" if found == "[" else "")
    return error("syntax", f"this argument has no name: write `{mode}NAME {written}`"
                 " (every argument is named, after its mode)", where)
