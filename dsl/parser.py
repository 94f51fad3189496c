"""Parse `.shift` files: bytes → Source → AST (Lark's LALR parser), or diagnostics."""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path
from typing import cast

from lark import Lark
from lark.exceptions import UnexpectedInput

from ..atomic import write_whole
from ..collector import paused
from .ast import MigrationFile
from .diagnostics import DiagnosticError, error
from .parser_cache import drops_cache, lark_cache
from .reducer import Reduced, Reducer, dropped_tokens
from .source import Source, Span, UndecodableSource, decode
from .syntax_errors import diagnose
from .transform import ToAst

GRAMMAR = Path(__file__).with_name("shift.lark")
_OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": True}


@functools.cache
def tree_parser() -> Lark:
    """The grammar's parser as Lark builds it by default, making a plain parse tree: it
    says which tokens each rule's tree leaves out (what the AST builder's methods do not
    see), and it is what benchmarks compare the AST parse with.

    Lark keeps its tables in the user's cache directory (see parser_cache), keyed by the
    grammar, so a new process loads them in milliseconds instead of building them."""
    grammar = GRAMMAR.read_text(encoding="utf-8")
    return Lark(grammar, **_OPTIONS, cache=lark_cache("tree", grammar))


def _dropped(grammar: str) -> dict[str, frozenset[str]]:
    """The tokens each rule's method never sees, read from the user's cache directory when
    an earlier process kept them there (parser_cache.drops_cache), else learnt from the
    tree parser and kept. JSON, never unpickled: a damaged file is learnt again."""
    path = drops_cache(grammar)
    if path is not None:
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            return {rule: frozenset(tokens) for rule, tokens in kept.items()}
        except (OSError, ValueError, AttributeError, TypeError):
            pass
    drops = dropped_tokens(tree_parser())
    if path is not None:
        text = json.dumps({rule: sorted(tokens) for rule, tokens in sorted(drops.items())})
        write_whole(path, lambda stream: stream.write(text.encode()))
    return drops


@functools.cache
def _ast_parser() -> tuple[Lark, ToAst]:
    """The parser that builds the AST as it goes: Lark calls the builder's method for each
    rule it reduces (reducer.py), so no parse tree is made."""
    grammar = GRAMMAR.read_text(encoding="utf-8")
    builder = ToAst()
    reducer = Reducer(builder, _dropped(grammar), builder.span_between)
    parser = Lark(grammar, **_OPTIONS, keep_all_tokens=True, transformer=reducer,
                  cache=lark_cache("ast", grammar))
    return parser, builder


def prepare_parser() -> None:
    """Build the parser now (milliseconds when its tables are kept), so that the cost is
    not counted as the first file's, as the compiler does when it times its work."""
    _ast_parser()


_PARSING = threading.Lock()  # one builder serves every parse: one file at a time


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
        builder.reset(source)
        try:
            with paused():  # many small objects, no garbage cycles
                reduced = cast(Reduced, parser.parse(source.text))
        except UnexpectedInput as failure:
            terminals = {t.name: t for t in parser.terminals}
            raise DiagnosticError([diagnose(source, failure, terminals)]) from None
        finally:
            diagnostics = builder.diagnostics
            builder.reset(None)
    if diagnostics:
        raise DiagnosticError(diagnostics)
    migration: MigrationFile = reduced.value
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
