"""What reaches a terminal from outside pgshift: controls and bidi overrides escaped."""

from __future__ import annotations

import pytest

from pgshift.terminal_text import shown


@pytest.mark.parametrize(("raw", "expected"), [
    ("plain text, tab\tand newline\n", "plain text, tab\tand newline\n"),
    ("DROP TABLE victim;\rSELECT 1", "DROP TABLE victim;\\rSELECT 1"),
    ("\x1b[2J\x1b]0;owned\x07", "\\e[2J\\e]0;owned\\x07"),
    ("nul\x00 del\x7f c1\x9b", "nul\\x00 del\\x7f c1\\x9b"),
    ("admin\u202e txt.exe", "admin\\u202e txt.exe"),
    ("Straße, café, 東京, emoji 🎉", "Straße, café, 東京, emoji 🎉"),
])
def test_shown_escapes_only_what_acts_on_a_terminal(raw: str, expected: str) -> None:
    assert shown(raw) == expected
