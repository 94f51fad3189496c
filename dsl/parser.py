"""Parse `.shift` files: bytes → Source → Lark tree → AST, or diagnostics that say why not."""

from __future__ import annotations

import functools
import gc
import threading
from pathlib import Path

from lark import Lark
from lark.exceptions import UnexpectedInput
from lark.grammar import Terminal

from .ast import MigrationFile
from .diagnostics import DiagnosticError, error
from .source import Source, Span, UndecodableSource, decode
from .syntax_errors import diagnose
from .transform import Filtering, ToAst

GRAMMAR = Path(__file__).with_name("shift.lark")


@functools.cache
def lark_parser() -> Lark:
    """Lark alone: the grammar's LALR parser building a plain parse tree (tools, benchmarks).

    Both parsers keep their tables in Lark's cache (the temporary directory), keyed by the
    grammar, so a new process loads them in milliseconds instead of building them.
    """
    return Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
                maybe_placeholders=True, cache=True)


class _Callbacks:
    """What Lark calls as it reduces each rule: one attribute per rule, named after it."""

    def __init__(self, builder: ToAst, rules: set[str]) -> None:
        for rule in rules:
            setattr(self, rule, builder.reducer(rule))


@functools.cache
def _ast_parser() -> tuple[Lark, ToAst]:
    """The parser that builds the AST as it parses, with the tokens a tree would drop."""
    plain = lark_parser()
    dropped: dict[str, set[str]] = {}  # terminal → rules whose tree leaves it out
    kept: dict[str, set[str]] = {}  # terminal → rules whose tree keeps it
    for rule in plain.rules:
        name = str(rule.alias or rule.origin.name)
        for symbol in rule.expansion:
            if isinstance(symbol, Terminal):
                (dropped if symbol.filter_out else kept).setdefault(symbol.name, set()).add(name)
    filtering = Filtering(
        frozenset(dropped),
        {rule: frozenset(t for t in dropped if rule in kept.get(t, ()))
         for rules in kept.values() for rule in rules},
    )
    rules = {str(rule.alias or rule.origin.name) for rule in plain.rules}
    builder = ToAst("<none>", filtering)
    callbacks = _Callbacks(builder, {r for r in rules if not r.startswith("_")})
    parser = Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
                  maybe_placeholders=True, keep_all_tokens=True, transformer=callbacks,
                  cache=True)
    return parser, builder


_PARSING = threading.Lock()


def parse_source(source: Source) -> MigrationFile:
    """Parse decoded text; raise DiagnosticError with every problem found."""
    nul = source.text.find("\x00")
    if nul >= 0:
        raise DiagnosticError([error(
            "nul-character", "this file contains a NUL character (U+0000): PostgreSQL cannot"
            " store it in any name, string or statement, and would cut the text short there",
            source.span_at(nul, 1))])
    parser, builder = _ast_parser()
    with _PARSING:
        builder.reset(source.path)
        collecting = gc.isenabled()
        gc.disable()  # the parse makes many small objects and no garbage cycles
        try:
            migration: MigrationFile = parser.parse(source.text)  # type: ignore[assignment]
        except UnexpectedInput as failure:
            terminals = {t.name: t for t in parser.terminals}
            raise DiagnosticError([diagnose(source, failure, terminals)]) from None
        finally:
            if collecting:
                gc.enable()
            diagnostics = builder.diagnostics
            builder.reset("<none>")
    if diagnostics:
        raise DiagnosticError(diagnostics)
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
