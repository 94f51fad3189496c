"""How codegen cuts a long SQL line into string literals that fit the generated module's
lines: the arithmetic kept for plain text must cut exactly where measuring would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pgshift.compiler.codegen import (
    _measured_pieces,
    _plain,
    _plain_pieces,
    _plain_width,
    _repr_width,
)

WORDS = st.text(alphabet="abcXYZ09(),.;'=_-*", max_size=120)


@st.composite
def plain_lines(draw: st.DrawFn) -> str:
    """Printable ASCII words joined by runs of spaces, perhaps spaces around them and a final
    line break: what an SQL line's text is when it is plain."""
    words = draw(st.lists(WORDS, max_size=12))
    separator = " " * draw(st.integers(1, 3))
    line = draw(st.sampled_from(["", " "])) + separator.join(words)
    return line + draw(st.sampled_from(["", " ", "\n", " \n"]))


@settings(max_examples=3000, deadline=None)
@given(line=plain_lines(), width=st.integers(4, 100))
def test_plain_text_is_cut_where_measuring_would_cut_it(line: str, width: int) -> None:
    if not _plain(line):
        return
    pieces = _plain_pieces(line, width)
    assert pieces == _measured_pieces(line, width, _plain_width)
    assert "".join(pieces) == line
    assert all(_repr_width(piece) <= width for piece in pieces)


@given(line=plain_lines())
def test_a_plain_width_is_the_width_of_its_repr(line: str) -> None:
    if _plain(line):
        assert _plain_width(line) == _repr_width(line)
