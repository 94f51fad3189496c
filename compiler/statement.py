"""One emitted SQL statement and what it does to a live database.

Each step builder says, for every statement it emits, which table locks it takes (in
PostgreSQL's modes, as pg_locks shows them: tests/compiler/test_statement_locks.py holds
them to a real server), what it does to the table's rows while it holds them, and whether
it must run outside a transaction. The runner gets the locks and the transaction flag
(runner.migration.StatementPlan); `pgshift plan` and the safety lint read the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..runner.index_build import IndexBuild
from ..runner.locks import (
    ACCESS_EXCLUSIVE,
    SHARE_ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
    Lock,
)
from ..runner.migration import StatementPlan
from .model import ConstraintModel, Key, TableModel

# What a statement does to the rows of the tables it locks, while it holds the locks:
# "catalog": changes the catalog only, done in moments once the lock is granted;
# "scan": reads every row (to validate a constraint or a NOT NULL);
# "rewrite": writes the whole table and rebuilds its indexes;
# "index build": reads every row and builds an index;
# "unknown": a `sql` block, which pgshift does not analyse.
Work = Literal["catalog", "scan", "rewrite", "index build", "unknown"]

WORK_WORDS: dict[Work, str] = {
    "catalog": "catalog only",
    "scan": "scans the table",
    "rewrite": "rewrites the table and its indexes",
    "index build": "builds an index (reads the whole table)",
    "unknown": "not analysed",
}


@dataclass(frozen=True)
class Statement:
    """SQL text with its table locks, the work it does under them, and whether it runs
    outside a transaction. Not slotted: the compile cache pickles many of them, and pickle
    copies an instance dict in C."""

    sql: str
    locks: tuple[Lock, ...] = ()
    work: Work = "catalog"
    concurrently: bool = False
    build: IndexBuild | None = None  # an index build's needs (runner/index_build.py)

    @property
    def plan(self) -> StatementPlan:
        return StatementPlan(self.locks, self.concurrently, self.build)

    def describe(self) -> str:
        """`ACCESS EXCLUSIVE on documents, rewrites the table and its indexes`."""
        held = ", ".join(lock.describe() for lock in self.locks) or "no table lock"
        return f"{held}; {WORK_WORDS[self.work]}"


def lock(table: TableModel | Key, mode: str) -> Lock:
    schema, name = table.key if isinstance(table, TableModel) else table
    return Lock(schema, name, mode)


def locks(*pairs: tuple[TableModel | Key, str]) -> tuple[Lock, ...]:
    """Locks in the order given, one per table: a table named twice keeps its first mode."""
    seen: dict[Key, Lock] = {}
    for table, mode in pairs:
        taken = lock(table, mode)
        seen.setdefault((taken.schema, taken.table), taken)
    return tuple(seen.values())


def exclusive(table: TableModel | Key, sql: str, work: Work = "catalog",
              *also: tuple[TableModel | Key, str]) -> Statement:
    """An ALTER or DROP that takes ACCESS EXCLUSIVE on `table` (and whatever `also` names)."""
    return Statement(sql, locks((table, ACCESS_EXCLUSIVE), *also), work)


def comment_on(table: TableModel | Key, sql: str) -> Statement:
    """COMMENT ON TABLE or COLUMN: SHARE UPDATE EXCLUSIVE, which reads and writes pass."""
    return Statement(sql, locks((table, SHARE_UPDATE_EXCLUSIVE)))


def add_constraint_statement(table: TableModel, constraint: ConstraintModel, sql: str,
                             not_valid: bool = False, using_index: bool = False) -> Statement:
    """ALTER TABLE … ADD CONSTRAINT: a foreign key takes SHARE ROW EXCLUSIVE on both tables
    (writes wait, reads pass) and scans for rows that break it; a check takes ACCESS
    EXCLUSIVE and scans; a key builds its index under ACCESS EXCLUSIVE. `not valid` skips
    the scan; `using index` adopts an index built before (a primary key still scans for
    NULLs in columns that allow them)."""
    if constraint.kind == "foreign key":
        assert constraint.ref_table is not None
        return Statement(sql, locks((table, SHARE_ROW_EXCLUSIVE),
                                    (constraint.ref_table, SHARE_ROW_EXCLUSIVE)),
                         "catalog" if not_valid else "scan")
    if constraint.kind == "check":
        return exclusive(table, sql, "catalog" if not_valid else "scan")
    if using_index:
        nullable = constraint.kind == "primary key" and any(
            not table.columns[c].not_null for c in constraint.columns if c in table.columns)
        return exclusive(table, sql, "scan" if nullable else "catalog")
    return exclusive(table, sql, "index build")


def drop_constraint_statement(table: TableModel, constraint: ConstraintModel, sql: str,
                              *also: tuple[TableModel | Key, str]) -> Statement:
    """Dropping a foreign key also takes ACCESS EXCLUSIVE on the table it points at (its
    triggers live there); `also` names the tables of foreign keys a CASCADE drops."""
    target = ([(constraint.ref_table, ACCESS_EXCLUSIVE)]
              if constraint.ref_table is not None else [])
    return exclusive(table, sql, "catalog", *target, *also)


def foreign_key_targets(table: TableModel, mode: str,
                        constraints: list[ConstraintModel] | None = None,
                        ) -> list[tuple[TableModel | Key, str]]:
    """(table, mode) for each other table the foreign keys among `constraints` (default:
    all of the table's) point at."""
    chosen = table.constraints.values() if constraints is None else constraints
    return [(c.ref_table, mode) for c in chosen
            if c.ref_table is not None and c.ref_table != table.key]
