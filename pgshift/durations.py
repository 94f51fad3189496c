"""Durations as users write them in [tool.pgshift] and on the command line: `500ms`, `5s`,
`2min`, `1h`, the units of the migration header, and `0` for no limit."""

from __future__ import annotations

import math
import re

UNITS_MS = {"ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
_DURATION = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|min|h|d)?\s*$")


class BadDuration(ValueError):
    """Not a duration; the message says what is expected."""


def milliseconds(text: str, *, bare: str | None = None) -> int:
    """`text` in milliseconds. A number without a unit is refused (PostgreSQL would read
    `lock_timeout = 500` as milliseconds, people as seconds), except 0, or in `bare` units
    when given (`bare="s"`: 120 is two minutes)."""
    found = _DURATION.match(text)
    if found is None:
        raise BadDuration(f"{text!r} is not a duration: write a number and a unit, like 500ms,"
                          " 5s or 2min")
    number = float(found["number"])
    unit = found["unit"] or bare
    if unit is None:
        if number == 0:
            return 0
        raise BadDuration(f"{text!r} has no unit: write {found['number']}ms or"
                          f" {found['number']}s")
    value = number * UNITS_MS[unit]
    if not math.isfinite(value) or value > 2_147_483_647:
        raise BadDuration(f"{text!r} is longer than PostgreSQL allows (about 24 days)")
    return round(value)
