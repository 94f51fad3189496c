"""Text from outside pgshift (a migration's source line, a failed statement recorded in
the history, a server's message) as it may reach a terminal: control characters shown
as escapes, so that a stray CR cannot hide what precedes it on the line and an ESC cannot
drive the terminal, and bidirectional overrides shown too, so that the order a line is
displayed in is the order it is read in (Trojan Source)."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings, overrides
# and isolates.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\r": "\\r", "\x0b": "\\v", "\x0c": "\\f", "\x1b": "\\e"}


def shown(text: str) -> str:
    """`text` with every character that would act on the terminal written as an escape."""
    return _UNSHOWABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    character = match[0]
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
