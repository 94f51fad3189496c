"""Source files and positions: what every diagnostic points into."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


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
        lines = self.text.split("\n")  # only \n ends a line, as the parser counts them
        return lines[number - 1].removesuffix("\r") if 0 < number <= len(lines) else ""

    def position(self, offset: int) -> tuple[int, int]:
        """Line and column (1-based) of a character offset."""
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return line, column

    def span_at(self, offset: int, length: int = 1) -> Span:
        line, column = self.position(offset)
        end_line, end_column = self.position(offset + max(length, 0))
        if end_line != line:
            end_line, end_column = line, column + 1
        return Span(self.path, line, column, end_line, max(end_column, column + 1))


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
        line = good.count("\n") + 1
        line_start = good.rfind("\n") + 1
        column = len(good) - line_start + 1
        line_end = data.find(b"\n", error.start)
        raw_line = data[len(good[:line_start].encode()) : None if line_end < 0 else line_end]
        shown = raw_line.decode("utf-8", errors="replace")
        raise UndecodableSource(path, line, column, data[error.start], shown) from None
    return Source(path, text.removeprefix("\ufeff"))
