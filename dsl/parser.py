"""Parse `.shift` files: bytes → Source → AST (Lark's tables, our loop), or diagnostics."""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import write_whole
from ..collector import paused
from .ast import MigrationFile
from .diagnostics import Diagnostic, DiagnosticError, error
from .lalr_driver import LalrDriver, Refused
from .lalr_tables import GrammarTables, dump, load
from .parser_cache import lark_cache, tables_cache
from .source import Source, Span, UndecodableSource, decode
from .transform import ToAst

if TYPE_CHECKING:
    from lark import Lark

GRAMMAR = Path(__file__).with_name("shift.lark")


@functools.cache
def lark_parser() -> Lark:
    """The grammar's LALR parser: its tables are what pgshift's parse runs (read out once,
    see grammar_tables), and it parses on its own (building a plain parse tree) to explain
    a file that does not parse, and in benchmarks.

    Its tables are kept in the user's cache directory (see parser_cache), keyed by the
    grammar, so a new process loads them in milliseconds instead of building them.
    """
    from lark import Lark  # here: a process that parses only valid files never needs it

    grammar = GRAMMAR.read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=True,
                cache=lark_cache("tree", grammar))


@functools.cache
def grammar_tables() -> GrammarTables:
    """The parse loop's tables: from the user's cache directory when an earlier process
    kept them for this grammar, Lark and Python, else read out of Lark and kept."""
    path = tables_cache(GRAMMAR.read_text(encoding="utf-8"))
    if path is not None:
        try:
            kept = load(path.read_bytes())
        except OSError:
            kept = None
        if kept is not None:
            return kept
    from .lalr_from_lark import grammar_tables as read_out

    tables = read_out(lark_parser())
    if path is not None:
        data = dump(tables)
        write_whole(path, lambda stream: stream.write(data))
    return tables


@functools.cache
def _ast_parser() -> tuple[LalrDriver, ToAst]:
    """The grammar's tables driven by our loop, calling the AST builder's method per rule."""
    filtering, tables = grammar_tables()
    builder = ToAst("<none>", filtering)
    return LalrDriver(tables, builder.builds()), builder


def prepare_parser() -> None:
    """Build the parser now (milliseconds when its tables are kept), so that the cost is
    not counted as the first file's, as the compiler does when it times its work."""
    _ast_parser()


_PARSING = threading.Lock()


def parse_source(source: Source) -> MigrationFile:
    """Parse decoded text; raise DiagnosticError with every problem found."""
    nul = source.text.find("\x00")
    if nul >= 0:
        raise DiagnosticError([error(
            "nul-character", "this file contains a NUL character (U+0000): PostgreSQL cannot"
            " store it in any name, string or statement, and would cut the text short there",
            source.span_at(nul, 1))])
    driver, builder = _ast_parser()
    with _PARSING:
        builder.reset(source.path)
        try:
            with paused():  # many small objects, no garbage cycles
                migration: MigrationFile = driver.parse(source.text, source.path)
        except Refused:
            raise DiagnosticError([_syntax_error(source)]) from None
        finally:
            diagnostics = builder.diagnostics
            builder.reset("<none>")
    if diagnostics:
        raise DiagnosticError(diagnostics)
    return migration


def _syntax_error(source: Source) -> Diagnostic:
    """What Lark itself says about text the tables refuse, in a user's words."""
    from lark.exceptions import UnexpectedInput

    from .syntax_errors import diagnose

    parser = lark_parser()
    try:
        parser.parse(source.text)
    except UnexpectedInput as failure:
        terminals = {t.name: t for t in parser.terminals}
        return diagnose(source, failure, terminals)
    raise AssertionError(f"{source.path}: Lark parses what pgshift's parse loop refused")


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
