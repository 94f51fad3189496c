"""Progress of a long index build, read from pg_stat_progress_create_index.

An hnsw index over millions of vectors builds for minutes. While the migrator's session
runs, a watcher in a thread of its own, on a connection of its own, reads that session's
row of pg_stat_progress_create_index every second and reports it (`index_progress`
events) at least every two seconds while a build goes on. It starts only once a run has
gone on for two seconds, so short runs never open the extra connection.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from .events import NOTICE, emit

POLL_SECONDS = 1.0
REPORT_SECONDS = 2.0
START_AFTER_SECONDS = 2.0

_PROGRESS = """
SELECT c.relname, p.phase, p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total
FROM pg_stat_progress_create_index p LEFT JOIN pg_class c ON c.oid = p.index_relid
WHERE p.pid = %s
"""


class IndexProgressWatcher:
    """Watch `connection`'s backend; `current` says which migration it runs now."""

    def __init__(self, connection: psycopg.Connection[Any], logger: logging.Logger,
                 current: Callable[[], str | None]) -> None:
        self.logger = logger
        self.current = current
        self.pid = connection.info.backend_pid
        self.conninfo = make_conninfo(connection.info.dsn,
                                      password=connection.info.password or None)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="pgshift-index-progress",
                                       daemon=True)

    def __enter__(self) -> IndexProgressWatcher:
        if self.logger.isEnabledFor(NOTICE):
            self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()

    def _watch(self) -> None:
        if self.stop.wait(START_AFTER_SECONDS):
            return
        with contextlib.suppress(psycopg.Error), psycopg.connect(
                self.conninfo, autocommit=True, application_name="pgshift progress",
                connect_timeout=10) as watcher:
            reported = 0.0
            while not self.stop.is_set():
                row = watcher.execute(_PROGRESS, [self.pid]).fetchone()
                now = time.monotonic()
                if row is not None and now - reported >= REPORT_SECONDS - POLL_SECONDS / 2:
                    self._report(*row)
                    reported = now
                self.stop.wait(POLL_SECONDS)

    def _report(self, index: str | None, phase: str, blocks_done: int, blocks_total: int,
                tuples_done: int, tuples_total: int) -> None:
        name = index or "an index"
        done = (f"{blocks_done:,} of {blocks_total:,} blocks" if blocks_total else
                f"{tuples_done:,} of {tuples_total:,} tuples" if tuples_total else "")
        emit(self.logger, NOTICE, "index_progress",
             f"building {name}: {phase}{f', {done}' if done else ''}",
             version=self.current(), index=index, phase=phase, blocks_done=blocks_done,
             blocks_total=blocks_total, tuples_done=tuples_done, tuples_total=tuples_total)
