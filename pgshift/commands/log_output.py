"""Where the runner's events go: lines for people, or one JSON object per line for machines.

`--log-format text` (the default) prints `pgshift: message` on stderr for notices,
warnings and errors, and with --verbose for each migration and the lock too.
`--log-format json` prints every event, statements included, one object per line on
stderr: `timestamp` (ISO 8601, UTC), `level`, `event`, `message`, then the event's fields
(runner/events.py, docs/operations.md). Nothing printed carries a password: every string
goes through the same masking as the URLs pgshift shows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sys
from typing import Any, Literal

from ..runner.events import NOTICE
from ..terminal_text import shown

LogFormat = Literal["text", "json"]

# Events the command itself reports in full (the error it ends with): not repeated as a line.
REPORTED_BY_THE_COMMAND = frozenset({"migration_failed", "lock_release_failed"})
BAR = 24  # an index build's progress bar on a terminal
WIDTH = 100


class _Stderr(logging.Handler):
    """Writes to whatever sys.stderr is when a record comes (pytest swaps it)."""

    def write(self, line: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # a closed stream: nowhere to say it
            print(line, file=sys.stderr, flush=True)


class TextHandler(_Stderr):
    """Lines; on a terminal, an index build's progress is one bar drawn over itself."""

    drawn = False

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "event", None)
        if event in REPORTED_BY_THE_COMMAND:
            return
        terminal = sys.stderr.isatty()
        if event == "index_progress" and terminal:
            self._draw(record)
            return
        if self.drawn:
            self._wipe()
        self.write(f"pgshift: {shown(_mask(record.getMessage()))}")

    def _draw(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "fields", {})
        done, total = fields.get("blocks_done", 0), fields.get("blocks_total", 0)
        if not total:
            done, total = fields.get("tuples_done", 0), fields.get("tuples_total", 0)
        filled = BAR * min(done, total) // total if total else 0
        line = f"[{'#' * filled}{'-' * (BAR - filled)}] {record.getMessage()}"[:WIDTH]
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"\r{line:<{WIDTH}}")
            sys.stderr.flush()
        self.drawn = True

    def _wipe(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write("\r" + " " * WIDTH + "\r")
        self.drawn = False


class JsonHandler(_Stderr):
    def emit(self, record: logging.LogRecord) -> None:
        self.write(json.dumps(as_json(record), default=str))


def as_json(record: logging.LogRecord) -> dict[str, Any]:
    stamp = dt.datetime.fromtimestamp(record.created, dt.UTC)
    document: dict[str, Any] = {
        "timestamp": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "level": record.levelname.lower(),
        "event": getattr(record, "event", "log"),
        "message": _mask(record.getMessage()),
    }
    for key, value in getattr(record, "fields", {}).items():
        document[key] = _masked(value)
    return document


def _mask(text: str) -> str:
    from ..runner.urls import mask_password

    return mask_password(text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return _mask(value)
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return value


def configure(verbose: bool = False, log_format: LogFormat = "text") -> logging.Logger:
    """The `pgshift` logger, printing as asked; called once per command, before it runs."""
    logger = logging.getLogger("pgshift")
    for handler in [h for h in logger.handlers if isinstance(h, _Stderr)]:
        logger.removeHandler(handler)
    logger.addHandler(JsonHandler() if log_format == "json" else TextHandler())
    logger.propagate = False
    # psycopg warns on its own logger when it cannot close a pipeline on a lost
    # connection; pgshift reports that loss itself, in its words, once.
    psycopg_logger = logging.getLogger("psycopg")
    if not psycopg_logger.handlers:
        psycopg_logger.addHandler(logging.NullHandler())
    if log_format == "json":
        logger.setLevel(logging.DEBUG)
    else:
        logger.setLevel(logging.INFO if verbose else NOTICE)
    return logger


def print_error(message: str, exit_code: int, log_format: LogFormat,
                notes: list[str] | None = None) -> None:
    """The error a command ends with: lines (each note on one of its own), or one `error`
    event whose message holds the notes."""
    if log_format == "json":
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        text = "\n".join([message, *(notes or [])])
        print(json.dumps({"timestamp": stamp.replace("+00:00", "Z"), "level": "error",
                          "event": "error", "message": _mask(text),
                          "exit_code": exit_code}), file=sys.stderr, flush=True)
        return
    print(f"pgshift: error: {shown(_mask(message))}", file=sys.stderr)
    for note in notes or []:
        print(f"pgshift: {shown(_mask(note))}", file=sys.stderr)
