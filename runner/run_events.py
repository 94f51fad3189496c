"""What a run tells as it goes: each migration started and finished, each statement's time.

The transactional runs, the segmented ones and their undo all tell the same events
(`events.py` lists them) in the same words, so they are said here once. Durations per
statement are measured only when someone listens at DEBUG: in a pipeline they cost a read
of the server's clock between statements. The version under way is kept here too, for
the index progress watcher to name.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

import psycopg

from .events import emit, wants
from .index_progress import IndexProgressWatcher
from .migration import Migration


class RunEvents:
    """The events of one migrator's runs, told to `logger`."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self.current: str | None = None  # the version being applied or reverted

    def watching(self, connection: psycopg.Connection[Any]) -> IndexProgressWatcher:
        """A long index build's progress on `connection`, reported while the block runs."""
        return IndexProgressWatcher(connection, self.logger, lambda: self.current)

    def started(self, migration: Migration, direction: str) -> None:
        self.current = migration.version
        verb = "applying" if direction == "up" else "reverting"
        statements = len(migration.statements(direction))
        emit(self.logger, logging.INFO, "migration_started",
             f"{verb} {migration.version} ({migration.description})", version=migration.version,
             description=migration.description, direction=direction,
             transactional=migration.transactional, statements=statements)

    def finished(self, migration: Migration, direction: str, seconds: float) -> None:
        verb = "applied" if direction == "up" else "reverted"
        emit(self.logger, logging.INFO, "migration_finished",
             f"{verb} {migration.version} ({migration.description}) in {seconds * 1000:.0f} ms",
             version=migration.version, direction=direction, duration_ms=round(seconds * 1000))

    def statement_done(self, migration: Migration, direction: str, index: int,
                       seconds: float) -> None:
        statement = migration.statements(direction)[index]
        first = statement.strip().splitlines()[0] if statement.strip() else ""
        emit(self.logger, logging.DEBUG, "statement",
             f"{migration.version} statement {index + 1}: {first[:80]} ({seconds * 1000:.0f} ms)",
             version=migration.version, direction=direction, statement_index=index,
             duration_ms=round(seconds * 1000), sql=first[:200])

    def statement_times(self, migration: Migration, direction: str,
                        clocks: list[psycopg.Cursor[Any]]) -> None:
        """Per-statement durations of a pipelined migration, from the server's clock read
        between its statements (sent only when someone listens for them)."""
        stamps = [row[0] for cursor in clocks if (row := cursor.fetchone()) is not None]
        for index, (before, after) in enumerate(itertools.pairwise(stamps)):
            self.statement_done(migration, direction, index, (after - before).total_seconds())

    def timer(self, migration: Migration,
              direction: str) -> Callable[[int, float], None] | None:
        """What execute_all tells of each statement it ran, when anyone listens."""
        if not wants(self.logger, logging.DEBUG):
            return None
        return lambda index, seconds: self.statement_done(migration, direction, index, seconds)

    def timed(self) -> bool:
        """Whether anyone listens for each statement's duration."""
        return wants(self.logger, logging.DEBUG)
