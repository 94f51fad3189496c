"""SQL text cut as PostgreSQL's lexer cuts it, without parsing it: where its quoted text,
comments, words and brackets are.

pgshift passes backtick expressions and `sql` blocks through as written; it still has to
know where a `;` ends a statement and where it is only text in a string. So this module
reads what PostgreSQL's lexer reads: '…' strings ('' for a quote), E'…' strings (with
backslash escapes), "…" names, $tag$…$tag$ strings, -- and (nesting) /* */ comments.
Everything else is skipped but words and the characters ; ( ) [ ].
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_WORD_START = "A-Za-z_\u0080-\U0010ffff"
_NEXT = re.compile(
    rf"(?P<estring>[eE]')|(?P<string>')|(?P<identifier>\")"
    rf"|(?P<dollar>\$(?:[{_WORD_START}][{_WORD_START}0-9]*)?\$)"
    rf"|(?P<comment>--|/\*)"
    rf"|(?P<word>[{_WORD_START}][{_WORD_START}0-9$]*)"
    rf"|(?P<symbol>[;()\[\]])")
# The rest of a quoted piece, after its opening quote, up to and with its closing one (a
# quote not doubled); possessive, so that text without its closing quote fails in one pass.
_REST = {
    "string": re.compile(r"[^']*+(?:''[^']*+)*+'(?!')"),
    "estring": re.compile(r"[^'\\]*+(?:(?:\\[\s\S]|'')[^'\\]*+)*+'(?!')"),
    "identifier": re.compile(r'[^"]*+(?:""[^"]*+)*+"(?!")'),
}
_BLOCK_COMMENT_EDGE = re.compile(r"/\*|\*/")
_LINE_END = re.compile(r"[\r\n]")


class Piece(NamedTuple):
    """One lexical piece: `kind` is estring, string, identifier, dollar, comment, word or
    symbol; `closed` is False for quoted text or a comment the text ends inside of."""

    kind: str
    start: int
    end: int
    closed: bool = True


def pieces(sql: str) -> Iterator[Piece]:
    """The pieces of `sql`, in order; one that is not closed is the last."""
    pos = 0
    while pos < len(sql):
        found = _NEXT.search(sql, pos)
        if found is None:
            return
        kind, start = str(found.lastgroup), found.start()
        end = _end_of(kind, sql, start, found.end())
        yield Piece(kind, start, len(sql) if end < 0 else end, end >= 0)
        if end < 0:
            return
        pos = end


def _end_of(kind: str, sql: str, start: int, opened: int) -> int:
    """Where the piece that starts at `start` (its opening ends at `opened`) ends; -1 when
    the text ends first."""
    if kind in _REST:
        rest = _REST[kind].match(sql, opened)
        return rest.end() if rest is not None else -1
    if kind == "dollar":
        tag = sql[start:opened]
        close = sql.find(tag, opened)
        return close + len(tag) if close >= 0 else -1
    if kind == "comment":
        return _comment_end(sql, start)
    return opened


def _comment_end(sql: str, start: int) -> int:
    """A -- comment ends at the end of its line (a lone CR ends one too); a /* */ comment
    after its own */, those nested in it closed first."""
    if sql.startswith("--", start):
        found = _LINE_END.search(sql, start)
        return found.start() if found is not None else len(sql)
    depth = 0
    for edge in _BLOCK_COMMENT_EDGE.finditer(sql, start):
        depth += 1 if edge.group() == "/*" else -1
        if depth == 0:
            return edge.end()
    return -1


def differs_without_standard_strings(sql: str, string: Piece) -> bool:
    """Whether a '…' string would end elsewhere on a server with standard_conforming_strings
    off, where a backslash escapes the character after it as in E'…'."""
    if "\\" not in sql[string.start:string.end]:
        return False
    escaped = _REST["estring"].match(sql, string.start + 1)
    return escaped is None or escaped.end() != string.end


def parenthesised(sql: str) -> bool:
    """Whether `sql` is one whole in parentheses: the '(' it begins with closes at its end
    (brackets in quotes and comments do not count)."""
    if not (sql.startswith("(") and sql.endswith(")")):
        return False
    depth = 0
    for piece in pieces(sql):
        if piece.kind != "symbol" or sql[piece.start] not in "()":
            continue
        depth += 1 if sql[piece.start] == "(" else -1
        if depth == 0:
            return piece.end == len(sql)
    return False


class Statement(NamedTuple):
    """A statement that begins with a word (after blanks and comments): where that word
    is, and the statement's first two words in lower case ('' when the second is not one)."""

    start: int
    first: str
    second: str


def statements(sql: str) -> Iterator[Statement]:
    """The statements of `sql` that begin with a word, split at each `;` as psql splits
    them: not inside quotes, comments or parentheses, nor inside the BEGIN … END body of a
    CREATE FUNCTION or PROCEDURE (`BEGIN ATOMIC`)."""
    splitter = _Splitter(sql)
    for piece in pieces(sql):
        ended = splitter.take(piece)
        if ended is not None:
            yield ended
    last = splitter.head()
    if last is not None:
        yield last


class _Splitter:
    """psql's reading of one statement after another (psqlscan.l), reduced to what tells
    where a statement ends, and the words it begins with."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self._start(0)

    def _start(self, at: int) -> None:
        self.last_end = at  # where the previous piece ended
        self.words: list[tuple[int, str]] = []  # its first words, while nothing else came
        self.head_open = True
        self.routine: list[str] = []  # its first words, up to 4: CREATE [OR REPLACE] FUNCTION?
        self.creating = False  # a CREATE FUNCTION or PROCEDURE, as far as those words tell
        self.parentheses = 0
        self.begins = 0  # BEGIN … END blocks open in a routine's body

    def take(self, piece: Piece) -> Statement | None:
        """Read one piece; the statement it ends, if it is a `;` that ends one."""
        if self.head_open and self.sql[self.last_end:piece.start].strip():
            self.head_open = False  # something the scan skips came first: a number, a +
        self.last_end = piece.end
        if piece.kind == "word":
            self._word(piece)
        elif piece.kind == "symbol":
            return self._symbol(self.sql[piece.start])
        elif piece.kind != "comment":
            self.head_open = False
        return None

    def _symbol(self, symbol: str) -> Statement | None:
        self.head_open = False
        if symbol == ";" and self.parentheses == 0 and self.begins == 0:
            ended = self.head()
            self._start(self.last_end)
            return ended
        if symbol == "(":
            self.parentheses += 1
        elif symbol == ")" and self.parentheses > 0:
            self.parentheses -= 1
        return None

    def _word(self, piece: Piece) -> None:
        if not (self.head_open or self.creating or len(self.routine) < 4):
            return  # most words of most statements: nothing to learn from them
        word = self.sql[piece.start:piece.end].lower()
        if self.head_open:
            self.words.append((piece.start, word))
            self.head_open = len(self.words) < 2
        if len(self.routine) < 4:
            self.routine.append(word)
            self.creating = _creates_routine(self.routine)
        if self.creating and not self.parentheses:
            self._routine_body(word)

    def _routine_body(self, word: str) -> None:
        """Inside the BEGIN … END of `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, a `;` does not
        end the statement; CASE … END nests there too."""
        if word == "begin" or (word == "case" and self.begins):
            self.begins += 1
        elif word == "end" and self.begins:
            self.begins -= 1

    def head(self) -> Statement | None:
        """The statement read so far, if it begins with a word."""
        if not self.words:
            return None
        (start, first), *rest = self.words
        return Statement(start, first, rest[0][1] if rest else "")


def _creates_routine(words: list[str]) -> bool:
    """Whether a statement's first words are CREATE [OR REPLACE] FUNCTION|PROCEDURE."""
    routine = ("function", "procedure")
    if words[:1] != ["create"]:
        return False
    if words[1:2] == ["or"]:
        return words[2:3] == ["replace"] and len(words) > 3 and words[3] in routine
    return len(words) > 1 and words[1] in routine
