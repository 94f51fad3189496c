"""Property tests (b): damaged programs (truncated, a byte flipped, deleted or inserted)
either parse or raise DiagnosticError whose diagnostics point inside the file and render
cleanly: never any other exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgshift.dsl import DiagnosticError, Source, parse_file, render, render_all
from pgshift.dsl.diagnostics import printable
from pgshift.dsl.source import UndecodableSource, decode, split_lines
from tests.dsl.properties_programs_support import SKETCH, programs

# ------------------------------------------------------------------ (b) damaged files


MARKERS = ("__ANON", "$END", "Token(")


def check_outcome(data: bytes, path: Path) -> None:
    """Parse `data` as a file: success, or positioned diagnostics that render cleanly."""
    path.write_bytes(data)
    try:
        parse_file(path)
    except DiagnosticError as failure:
        check_diagnostics(failure, data, str(path))


def check_diagnostics(failure: DiagnosticError, data: bytes, path: str) -> None:
    source: Source | None
    try:
        source = decode(path, data)
        text = source.text
    except UndecodableSource:
        source, text = None, data.decode("utf-8", errors="replace")
    lines = split_lines(text)  # a line ends at LF, CRLF or a lone CR, as for PostgreSQL
    assert failure.diagnostics
    for diagnostic in failure.diagnostics:
        span = diagnostic.span
        assert span is not None, diagnostic
        assert span.file == path
        assert 1 <= span.line <= len(lines), (span, len(lines))
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1, (span, lines[span.line - 1])
        assert span.end_line >= span.line
        assert span.end_line > span.line or span.end_column >= span.column
        head = render(diagnostic, None)
        for marker in MARKERS:
            assert marker not in head or marker in text, head
        # (A message quoting a token that spans lines has a line break in it: see
        # test_messages_are_one_line. Then the rendered block cannot be split into lines.)
        if source is not None and "\n" not in diagnostic.message:  # quotes its own line
            block = render(diagnostic, source).split("\n")
            assert block[1] == printable(lines[span.line - 1]), block
    rendered = render_all(failure.diagnostics, {path: source} if source else {})
    for marker in MARKERS:
        assert marker not in rendered or marker in text, rendered
    assert str(failure)


INTERESTING_BYTES = [ord(c) for c in "\"'`{}()[],.=-\n\r\t *;\\"] + [
    0x00, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xEF, 0xF0, 0xFF]


VALID_TEXTS = st.one_of(st.just(SKETCH), programs(max_statements=4).map(lambda p: p.text))


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A valid file with one truncation, byte flip, byte deletion or byte insertion."""
    text = draw(VALID_TEXTS)
    data = text.encode("utf-8")
    kind = draw(st.sampled_from(["truncate", "flip", "delete", "insert"]))
    at = draw(st.integers(0, len(data)))
    byte = draw(st.one_of(st.sampled_from(INTERESTING_BYTES), st.integers(0, 255)))
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + bytes([byte]) + data[at:]
    at = min(at, len(data) - 1)
    if kind == "delete":
        return data[:at] + data[at + 1:]
    return data[:at] + bytes([data[at] ^ (byte or 0xFF)]) + data[at + 1:]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=damaged())
def test_damaged_files_fail_with_positioned_diagnostics(data: bytes, fuzz_dir: Path) -> None:
    check_outcome(data, fuzz_dir / "damaged.shift")


def mutations(data: bytes, kind: str) -> Iterator[bytes]:
    """Every mutation of one kind, deterministically (one byte value per position)."""
    for at in range(len(data) + (kind in ("truncate", "insert"))):
        byte = INTERESTING_BYTES[at % len(INTERESTING_BYTES)]
        if kind == "truncate":
            yield data[:at]
        elif kind == "delete":
            yield data[:at] + data[at + 1:]
        elif kind == "insert":
            yield data[:at] + bytes([byte]) + data[at:]
        else:
            yield data[:at] + bytes([data[at] ^ (1 << (at % 8))]) + data[at + 1:]


@pytest.mark.parametrize("kind", ["truncate", "delete", "insert", "flip"])
def test_every_mutation_of_the_sketch(kind: str, fuzz_dir: Path) -> None:
    """Every truncation point, every byte deleted, a byte inserted at every position, one
    bit flipped in every byte of the design's sketch."""
    for data in mutations(SKETCH.encode("utf-8"), kind):
        check_outcome(data, fuzz_dir / f"sketch_{kind}.shift")
