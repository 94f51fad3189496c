"""Parse `.shift` files: bytes → Source → Lark tree → AST, or diagnostics that say why not."""

from __future__ import annotations

import functools
from pathlib import Path

from lark import Lark
from lark.exceptions import UnexpectedInput

from .ast import MigrationFile
from .diagnostics import DiagnosticError, error
from .source import Source, Span, UndecodableSource, decode
from .syntax_errors import diagnose
from .transform import ToAst

GRAMMAR = Path(__file__).with_name("shift.lark")


@functools.cache
def lark_parser() -> Lark:
    """The LALR parser, built once per process (about 0.1 s)."""
    return Lark(
        GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
    )


def parse_source(source: Source) -> MigrationFile:
    """Parse decoded text; raise DiagnosticError with every problem found."""
    parser = lark_parser()
    try:
        tree = parser.parse(source.text)
    except UnexpectedInput as failure:
        terminals = {t.name: t for t in parser.terminals}
        raise DiagnosticError([diagnose(source, failure, terminals)]) from None
    builder = ToAst(source.path)
    migration = builder.transform(tree)
    if builder.diagnostics:
        raise DiagnosticError(builder.diagnostics)
    return migration


def parse_text(text: str, path: str = "<text>") -> MigrationFile:
    return parse_source(Source(path, text))


def load_source(path: str | Path) -> Source:
    """Read and decode a file; a non-UTF-8 file becomes a positioned diagnostic."""
    return source_from_bytes(str(path), Path(path).read_bytes())


def source_from_bytes(path: str, data: bytes) -> Source:
    """Decode a migration's bytes; a non-UTF-8 file becomes a positioned diagnostic."""
    try:
        return decode(path, data)
    except UndecodableSource as bad:
        span = Span(bad.path, bad.line, bad.column, bad.line, bad.column + 1)
        raise DiagnosticError([error(
            "encoding", f"this file is not UTF-8: byte 0x{bad.byte:02x} cannot be decoded"
            " (save the file as UTF-8)", span)]) from None


def parse_file(path: str | Path) -> MigrationFile:
    return parse_source(load_source(path))
