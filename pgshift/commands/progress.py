"""A one-line progress bar on a terminal; one plain line per step anywhere else."""

from __future__ import annotations

from typing import TextIO

from ..runner.migration import Migration

WIDTH = 24


class Progress:
    def __init__(self, out: TextIO, verb: str) -> None:
        self.out = out
        self.verb = verb
        self.terminal = out.isatty()
        self.drawn = False

    def step(self, number: int, total: int, migration: Migration) -> None:
        label = f"{migration.version} {migration.description}"
        if not self.terminal:
            print(f"{self.verb} {label}", file=self.out)
            return
        filled = WIDTH * (number - 1) // max(total, 1)
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.out.write(f"\r[{bar}] {number}/{total} {label[:50]:<50}")
        self.out.flush()
        self.drawn = True

    def done(self) -> None:
        if self.drawn:
            self.out.write("\r" + " " * (WIDTH + 70) + "\r")
            self.out.flush()
