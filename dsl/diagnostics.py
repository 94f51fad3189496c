"""Diagnostics: positioned messages, kept apart from how they are rendered."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from .diagnostic_codes import kind_of
from .source import Source, Span


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One message about one place: what is wrong (or risky) there, in a user's words."""

    severity: Severity
    code: str
    message: str
    span: Span | None
    path: str = ""
    help: str | None = None  # how to do it instead, shown on a `help:` line

    @property
    def file(self) -> str:
        return self.span.file if self.span else self.path


def error(code: str, message: str, span: Span | None, path: str = "",
          help: str | None = None) -> Diagnostic:
    """An error; `code` must be registered as one (diagnostic_codes.py): codes are a
    stable, documented list, never made up at a call site."""
    assert kind_of(code) == "error", f"{code!r} is not registered as an error code"
    return Diagnostic(Severity.ERROR, code, message, span, path, help)


def warning(code: str, message: str, span: Span | None, path: str = "",
            help: str | None = None) -> Diagnostic:
    """A warning; `code` must be registered as a warning or a lint rule."""
    assert kind_of(code) in ("warning", "lint"), f"{code!r} is not registered as a warning code"
    return Diagnostic(Severity.WARNING, code, message, span, path, help)


class DiagnosticError(Exception):
    """Raised with every error found, so one run reports them all."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.message for d in self.diagnostics))


def _display_width(text: str) -> int:
    if text.isascii():  # one column each, counted without a call per character
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_NOT_A_TAB = re.compile(r"[^\t]")


def caret_line(source_line: str, column: int, length: int = 1) -> str:
    """Spaces (tabs kept, wide characters counted twice) up to `column`, then ^~~."""
    prefix = source_line[: column - 1]
    if prefix.isascii():
        pad = _NOT_A_TAB.sub(" ", prefix)
    else:
        pad = "".join(ch if ch == "\t" else " " * _display_width(ch) for ch in prefix)
    underline = source_line[column - 1 : column - 1 + max(length, 1)]
    width = max(_display_width(underline), 1)
    return pad + "^" + "~" * (width - 1)


def printable(line: str) -> str:
    """Control characters (a NUL, say) shown visibly, one column each."""
    if line.replace("\t", "").isprintable():  # no control character: no call per character
        return line
    return "".join(
        ch if ch == "\t" or unicodedata.category(ch)[0] != "C" else "\N{REPLACEMENT CHARACTER}"
        for ch in line
    )


def render(diagnostic: Diagnostic, source: Source | None) -> str:
    """`path:line:col: error[code]: message`, then the source line and a caret under the
    column, then `help:` with what to do instead when the diagnostic has it."""
    span = diagnostic.span
    kind = f"{diagnostic.severity.value}[{diagnostic.code}]"
    help_line = f"\nhelp: {diagnostic.help}" if diagnostic.help else ""
    if span is None:
        return f"{diagnostic.file}: {kind}: {diagnostic.message}{help_line}"
    head = f"{span}: {kind}: {diagnostic.message}"
    if source is None:
        return head + help_line
    line = printable(source.line(span.line))
    same_line = span.end_line == span.line
    length = span.end_column - span.column if same_line else len(line) - span.column + 1
    return f"{head}\n{line}\n{caret_line(line, span.column, length)}{help_line}"


def render_all(diagnostics: Iterable[Diagnostic], sources: dict[str, Source]) -> str:
    return "\n".join(render(d, sources.get(d.file)) for d in diagnostics)
