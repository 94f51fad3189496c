"""Table locks: PostgreSQL's eight modes, which of them conflict, and the lock a statement takes.

The compiler works out, for every statement it emits, the table locks it takes
(`StatementPlan` in runner/migration.py); the runner uses them to bound the wait before
a concurrent index build and to say who holds what a migration waits for. The conflicts
are PostgreSQL's own table (docs: "Explicit Locking", table 13.2).
"""

from __future__ import annotations

from dataclasses import dataclass

ACCESS_SHARE = "ACCESS SHARE"
ROW_SHARE = "ROW SHARE"
ROW_EXCLUSIVE = "ROW EXCLUSIVE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"
SHARE = "SHARE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
EXCLUSIVE = "EXCLUSIVE"
ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"

MODES = (ACCESS_SHARE, ROW_SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE,
         SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE)

_CONFLICTS = {
    ACCESS_SHARE: {ACCESS_EXCLUSIVE},
    ROW_SHARE: {EXCLUSIVE, ACCESS_EXCLUSIVE},
    ROW_EXCLUSIVE: {SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE},
    SHARE_UPDATE_EXCLUSIVE: {SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE,
                             ACCESS_EXCLUSIVE},
    SHARE: {ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE,
            ACCESS_EXCLUSIVE},
    SHARE_ROW_EXCLUSIVE: {ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE,
                          EXCLUSIVE, ACCESS_EXCLUSIVE},
    EXCLUSIVE: {ROW_SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE,
                EXCLUSIVE, ACCESS_EXCLUSIVE},
    ACCESS_EXCLUSIVE: set(MODES),
}
CONFLICTS: dict[str, frozenset[str]] = {mode: frozenset(other)
                                        for mode, other in _CONFLICTS.items()}


def conflicts(mode: str, other: str) -> bool:
    """Whether a lock in `mode` must wait for one held in `other` (the relation is symmetric)."""
    return other in CONFLICTS[mode]


def catalog_name(mode: str) -> str:
    """The name pg_locks.mode gives the mode: ACCESS EXCLUSIVE → AccessExclusiveLock."""
    return "".join(word.capitalize() for word in mode.split()) + "Lock"


def mode_of(catalog: str) -> str:
    """The mode named as pg_locks names it, in the SQL spelling: ShareLock → SHARE."""
    for mode in MODES:
        if catalog_name(mode) == catalog:
            return mode
    return catalog


def what_it_blocks(mode: str) -> str:
    """What the application cannot do on the table while the lock is held (or waited for:
    PostgreSQL queues every later conflicting request behind a waiting one)."""
    if ACCESS_SHARE in CONFLICTS[mode]:
        return "blocks reads and writes"
    if ROW_EXCLUSIVE in CONFLICTS[mode]:
        return "blocks writes"
    if SHARE_UPDATE_EXCLUSIVE in CONFLICTS[mode]:
        return "blocks other schema changes and VACUUM, not reads or writes"
    return "blocks only schema changes that take EXCLUSIVE or ACCESS EXCLUSIVE"


@dataclass(frozen=True, slots=True)
class Lock:
    """A table lock a statement takes: the table's schema and name, and the mode."""

    schema: str
    table: str
    mode: str

    @property
    def relation(self) -> str:
        """The table as people write it: unqualified in `public`."""
        return self.table if self.schema == "public" else f"{self.schema}.{self.table}"

    def describe(self) -> str:
        return f"{self.mode} on {self.relation}"
