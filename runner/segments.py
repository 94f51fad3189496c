"""How a migration with concurrent statements runs, and what a failure leaves behind.

`index concurrently` cannot run in a transaction, but the statements around it can. So a
migration that holds one runs in the order written, in segments: each run of ordinary
statements in a transaction of its own, each concurrent statement alone. The messages
below say, for a failure at each point, exactly what is applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .migration import Migration, StatementPlan

if TYPE_CHECKING:
    from .errors import MigrationFailed

NOTHING_REMAINS = ("It ran in one transaction, which was rolled back: nothing of it remains"
                   " and the database is still at the previous version.")


def segments_of(plans: Sequence[StatementPlan]) -> list[list[int]]:
    """Statement indexes grouped as they run: consecutive ordinary statements together,
    each concurrent one alone."""
    segments: list[list[int]] = []
    for index, plan in enumerate(plans):
        if plan.concurrently or not segments or plans[segments[-1][0]].concurrently:
            segments.append([index])
        else:
            segments[-1].append(index)
    return segments


def first_part_rolled_back(migration: Migration, direction: str) -> str:
    """A failure in the first segment, a transaction: nothing of the migration happened."""
    if direction == "up":
        return ("Its statements before the first concurrent one ran in one transaction, which"
                " was rolled back: nothing of it remains and the database is still at the"
                " previous version.")
    return ("The statements of its Down before the first concurrent one ran in one"
            " transaction, which was rolled back: the database is still at version"
            f" {migration.version}.")


def still_at(migration: Migration) -> str:
    return (f"Its Down ran in one transaction, which was rolled back: the database is still"
            f" at version {migration.version}.")


REPAIR_HINT = ("`pgshift repair` settles it where that is safe and explains the rest object"
               " by object; what is repaired by hand is recorded with `pgshift force VERSION`.")


def dirty_left(migration: Migration, direction: str, applied: int) -> str:
    """What a failure part-way through a non-transactional migration leaves: the
    statements before the failing segment applied, the row dirty."""
    what = "Up" if direction == "up" else "Down"
    done = ("none of its statements is applied" if applied == 0 else
            f"statement 1 of its {what} is applied" if applied == 1 else
            f"statements 1 to {applied} of its {what} are applied")
    return (f"It is not transactional: {done}; the failing statement did not complete and"
            f" nothing after it ran. The database is marked dirty at version"
            f" {migration.version}, with the failing statement recorded. {REPAIR_HINT}")


def concurrent_note(statement: str) -> str:
    """A failed CREATE INDEX CONCURRENTLY leaves its index behind, marked INVALID."""
    head = " ".join(statement.split()[:4]).upper()
    if head.startswith(("CREATE INDEX CONCURRENTLY", "CREATE UNIQUE INDEX CONCURRENTLY")):
        return (" A failed CREATE INDEX CONCURRENTLY leaves its index behind, INVALID: drop it"
                " (DROP INDEX CONCURRENTLY) before running the migration again.")
    return ""


def statement_at(statements: Sequence[str], index: int, history_row: str) -> str:
    """The text of what failed at `index` of a migration's transaction: one of its
    statements, then its history row, then its COMMIT."""
    if index < len(statements):
        return statements[index]
    return history_row if index == len(statements) else "COMMIT"


def undone_left(migration: Migration, failure: MigrationFailed, undo: range) -> str:
    """What is left after a part-applied migration was undone: nothing."""
    parts = []
    if len(undo) == 1:
        parts.append(f"ran statement {undo.stop} of its Down")
    elif undo:
        parts.append(f"ran statements {undo.start + 1} to {undo.stop} of its Down")
    if failure.invalid_indexes:
        names = ", ".join(name for _, name in failure.invalid_indexes)
        parts.append(f"dropped the INVALID index{'es' * (len(failure.invalid_indexes) > 1)}"
                     f" {names}")
    detail = f" (it {' and '.join(parts)})" if parts else ""
    return (f"It is not transactional, so pgshift undid what it had applied{detail}: nothing"
            " of it remains and the database is still at the previous version (up"
            " --no-rollback would have left it as it stopped, marked dirty).")


def undo_failed(migration: Migration, failure: MigrationFailed, undone: int,
                undo: range) -> str:
    """What is left when undoing failed at Down statement `undo.start + undone`."""
    ran = (f"statements {undo.start + 1} to {undo.start + undone} of its Down had run and"
           if undone else "none of the Down statements that undo it had run, and")
    return (f"pgshift was undoing the first {failure.applied} statements of its Up when this"
            f" failed: {ran} statements {undo.start + undone + 1} to {undo.stop} had not. The"
            f" database is marked dirty at version {migration.version}, with the failing"
            f" statement recorded. {REPAIR_HINT}")


def cannot_undo(migration: Migration) -> str:
    return (" pgshift cannot undo it: it is irreversible, or was compiled by a pgshift that"
            " did not record how its changes map to its Down.")
