"""When the reader of pgshift's output goes away (`pgshift history | head -1`).

A closed pipe is how a reader says it has seen enough, so it is no error: what pgshift
would still print is dropped, and the command ends with the exit status of a process
killed by SIGPIPE, as `git log | head` does, without a message. The command's work is
not cut short: a migration under way when the reader left still finishes (or fails) as
it would have, and keeps its lock, history and exit code.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any, TextIO, cast

READER_GONE = 128 + signal.SIGPIPE  # the shell's status for a process SIGPIPE killed


class _UntilTheReaderLeaves:
    """A text stream that passes everything to `stream` until a write finds the pipe
    closed; from then on output goes to /dev/null, so nothing, not even Python's last
    flush at exit, meets the closed pipe again."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._reader_left()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._reader_left()

    def _reader_left(self) -> None:
        self.reader_gone = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding, …
        return getattr(self.stream, name)


@contextlib.contextmanager
def readers_may_leave() -> Iterator[list[bool]]:
    """sys.stdout and sys.stderr, for the block, drop their output once their reader has
    gone; yields a one-item list that says, after the block, whether one did."""
    streams = [_UntilTheReaderLeaves(sys.stdout), _UntilTheReaderLeaves(sys.stderr)]
    outcome = [False]
    sys.stdout, sys.stderr = (cast(TextIO, stream) for stream in streams)
    try:
        yield outcome
    finally:
        for stream in streams:
            stream.flush()
        sys.stdout, sys.stderr = streams[0].stream, streams[1].stream
        outcome[0] = any(stream.reader_gone for stream in streams)
