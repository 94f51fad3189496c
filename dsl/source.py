"""Source files and positions: what every diagnostic points into."""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from array import array
from dataclasses import dataclass
from typing import NamedTuple

_LONE_CR = re.compile(r"\r(?!\n)")
_LINE_BREAK = re.compile(r"\r\n?|\n")


def newlines_only(text: str) -> str:
    """`text` with each lone CR made a LF: a line ends at LF, CRLF or a lone CR, as it does
    for PostgreSQL, and counting LFs in the result counts lines. The length is the same,
    so an offset into one is an offset into the other."""
    return _LONE_CR.sub("\n", text) if "\r" in text else text


def split_lines(text: str) -> list[str]:
    """The lines of `text` without their line breaks (LF, CRLF or a lone CR)."""
    return _LINE_BREAK.split(text)


@functools.lru_cache(maxsize=8)
def line_starts(text: str) -> array[int]:
    """The offset where each line of `text` starts, then len(text) + 1: made once per text
    (on the way to a diagnostic), so that finding a line or an offset's position is a
    binary search, where splitting or counting the whole text for each of them made many
    diagnostics on a long file quadratic."""
    lengths = map(len, newlines_only(text).split("\n"))
    steps = map(operator.add, lengths, itertools.repeat(1))  # each line and its break
    return array("q", itertools.accumulate(steps, initial=0))


class Span(NamedTuple):
    """A region of one source file; lines and columns count from 1, ends are exclusive.

    A named tuple rather than a dataclass: every node has one, and tuples are built fast.
    """

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Source:
    """The decoded text of one migration file, kept for quoting lines in diagnostics."""

    path: str
    text: str

    def line(self, number: int) -> str:
        """The text of line `number` (1-based) without its line break; '' past the end."""
        starts = line_starts(self.text)  # as the parser counts lines
        if not 0 < number < len(starts):
            return ""
        stop = starts[number] - 1  # at its line break, or the end of the text
        line = self.text[starts[number - 1] : stop]
        # A CR inside a line is always the first half of a CRLF: a lone one ends a line.
        return line[:-1] if stop < len(self.text) and line.endswith("\r") else line

    def position(self, offset: int) -> tuple[int, int]:
        """Line and column (1-based) of a character offset (past the end: on the last line)."""
        starts = line_starts(self.text)
        line = min(bisect.bisect_right(starts, offset), len(starts) - 1)
        return line, offset - starts[line - 1] + 1

    def span_at(self, offset: int, length: int = 1) -> Span:
        line, column = self.position(offset)
        end_line, end_column = self.position(offset + max(length, 0))
        if end_line != line:
            end_line, end_column = line, column + 1
        return Span(self.path, line, column, end_line, max(end_column, column + 1))


def position_in(text: str, offset: int) -> tuple[int, int]:
    """Line and column (1-based) of an offset into text whose lines end at LF only (see
    newlines_only)."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def span_inside(token: Span, opening: int, text: str, offset: int, length: int = 1) -> Span:
    """Where `text[offset:offset + length]` is, for the text of a token that starts at
    `token` and opens with `opening` delimiter characters (the backtick of an expression,
    the three quotes of a sql block). Kept to its line, as a caret underlines only one."""
    lines = newlines_only(text)
    line, column = position_in(lines, offset)
    if line == 1:
        column += token.column + opening - 1
    stop = offset + max(length, 1)
    breaks = (lines.find("\n", offset, stop), lines.find("\r", offset, stop))
    end = min((found for found in breaks if found >= 0), default=stop)
    line += token.line - 1
    return Span(token.file, line, column, line, column + max(end - offset, 1))


class UndecodableSource(Exception):
    """A file that is not UTF-8; carries where the first bad byte is."""

    def __init__(self, path: str, line: int, column: int, byte: int, line_text: str) -> None:
        super().__init__(f"{path}:{line}:{column}: byte 0x{byte:02x} is not valid UTF-8")
        self.path = path
        self.line = line
        self.column = column
        self.byte = byte
        self.line_text = line_text


def decode(path: str, data: bytes) -> Source:
    """Decode a migration file as UTF-8 (a leading BOM is dropped); never guess another encoding."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8")
        line, column = position_in(newlines_only(good), len(good))
        line_start = len(good) - column + 1
        line_end = min((found for found in (data.find(b"\n", error.start),
                                            data.find(b"\r", error.start)) if found >= 0),
                       default=-1)
        raw_line = data[len(good[:line_start].encode()) : None if line_end < 0 else line_end]
        shown = raw_line.decode("utf-8", errors="replace")
        raise UndecodableSource(path, line, column, data[error.start], shown) from None
    return Source(path, text.removeprefix("\ufeff"))
