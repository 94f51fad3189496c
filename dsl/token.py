"""The token the parse loop hands the AST builder: its text, its terminal and its place.

Lark's Token has the same fields. pgshift has its own so that parsing a file that is valid
never imports Lark: the loop runs from tables kept between processes (lalr_tables.py), and
Lark is loaded only to build those tables or to explain a file that does not parse.
"""

from __future__ import annotations


class Token(str):
    """A `str` of the token's text, with the terminal's name and its position (1-based
    lines and columns; the end column is one past the last character, as Lark's)."""

    __slots__ = ("column", "end_column", "end_line", "end_pos", "line", "start_pos", "type",
                 "value")

    type: str
    value: str
    start_pos: int
    line: int
    column: int
    end_line: int
    end_column: int
    end_pos: int

    def __new__(cls, kind: str, value: str) -> Token:
        """A token with no position yet: the parse loop fills the fields in place."""
        token = str.__new__(cls, value)
        token.type = kind
        token.value = value
        token.start_pos = token.line = token.column = 0
        token.end_line = token.end_column = token.end_pos = 0
        return token

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"
