"""A one-line progress bar on a terminal; one plain line per step anywhere else."""

from __future__ import annotations

from typing import TextIO

from ..runner.migration import Migration

WIDTH = 24


class Progress:
    """`lines`: off a terminal, print one line per step (as `up` and `down` do), or nothing
    (as a compile does: a thousand lines of file names would only bury its result).
    `when_grown`: on a terminal, redraw only as the bar grows (and at the last step), for
    steps that take about as long as a terminal write."""

    def __init__(self, out: TextIO, verb: str, lines: bool = True,
                 when_grown: bool = False) -> None:
        self.out = out
        self.verb = verb
        self.lines = lines
        self.when_grown = when_grown
        self.terminal = out.isatty()
        self.drawn = False
        self.filled = -1

    def step(self, number: int, total: int, migration: Migration) -> None:
        self.show(number, total, f"{migration.version} {migration.description}")

    def show(self, number: int, total: int, label: str) -> None:
        if not self.terminal:
            if self.lines:
                print(f"{self.verb} {label}", file=self.out)
            return
        filled = WIDTH * (number - 1) // max(total, 1)
        if self.when_grown and filled == self.filled and number != total:
            return
        self.filled = filled
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.out.write(f"\r[{bar}] {number}/{total} {label[:50]:<50}")
        self.out.flush()
        self.drawn = True

    def done(self) -> None:
        if self.drawn:
            self.out.write("\r" + " " * (WIDTH + 70) + "\r")
            self.out.flush()
