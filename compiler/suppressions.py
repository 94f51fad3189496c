"""`-- pgshift: allow CODE` comments: a lint finding the author has read and accepted.

A comment silences the codes it names for the statement it stands in, from its own line
on, or for the whole statement when it stands on the comment lines right above it:

    -- pgshift: allow index-blocks-writes (the table has 200 rows)
    index documents_title on documents (title)

Only lint rules can be silenced; a code that is not one is reported, so a typo does not
silently leave the finding in place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..dsl.diagnostics import Diagnostic, warning
from ..dsl.source import Source, Span, split_lines
from .lint import RULES

_ALLOW = re.compile(r"--\s*pgshift:\s*allow\s+(?P<codes>[\w-]+(?:\s*,\s*[\w-]+)*)",
                    re.IGNORECASE)


def apply_allow_comments(diagnostics: list[Diagnostic], source: Source,
                         statements: Sequence[Span]) -> list[Diagnostic]:
    """`diagnostics` without the lint findings an allow comment silences, plus a warning for
    each allow comment that names no lint rule."""
    if "pgshift:" not in source.text:
        return diagnostics
    lines = split_lines(source.text)
    allowed: dict[int, set[str]] = {}  # line number → codes its comment allows
    problems: list[Diagnostic] = []
    for number, line in enumerate(lines, 1):
        found = _ALLOW.search(line)
        if found is None:
            continue
        codes = {code.strip().lower() for code in found["codes"].split(",")}
        allowed[number] = codes & RULES.keys()
        for code in sorted(codes - RULES.keys()):
            column = found.start("codes") + 1 + found["codes"].lower().find(code)
            problems.append(warning(
                "unknown-rule", f"'{code}' is not a lint rule, so this comment allows nothing",
                Span(source.path, number, column, number, column + len(code)),
                help="`pgshift lint --rules` lists the rules"))
    if not allowed:
        return diagnostics + problems
    kept = [d for d in diagnostics
            if not (d.code in RULES and d.span is not None
                    and _is_allowed(d, allowed, lines, statements))]
    return kept + problems


def _is_allowed(diagnostic: Diagnostic, allowed: dict[int, set[str]], lines: list[str],
                statements: Sequence[Span]) -> bool:
    assert diagnostic.span is not None
    line = diagnostic.span.line
    start = next((s.line for s in statements if s.line <= line <= s.end_line), line)
    for number in range(start, line + 1):  # in the statement, up to the finding's line
        if diagnostic.code in allowed.get(number, ()):
            return True
    number = start - 1  # on the comment lines right above the statement
    while number >= 1 and lines[number - 1].strip().startswith("--"):
        if diagnostic.code in allowed.get(number, ()):
            return True
        number -= 1
    return False
