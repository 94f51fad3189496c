"""The `Migrator` protocol: what the Manager needs from a database, readable in one screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .migration import Migration


@dataclass(frozen=True, slots=True)
class AppliedMigration:
    """One row of the migration history table."""

    version: str
    description: str
    checksum: str
    dirty: bool
    applied_at: dt.datetime
    execution_ms: int | None
    applied_by: str
    failed_statement: str | None = None


@dataclass(frozen=True, slots=True)
class VersionState:
    """The newest applied version (None before the first migration) and the dirty flag."""

    version: str | None
    dirty: bool


class Migrator(Protocol):
    def ensure_table(self) -> None:
        """Create the history table if it is missing. Called first, before the lock."""

    def acquire_lock(self, wait: float | None = None) -> None:
        """Take the migration lock; with `wait`, poll for up to that many seconds.

        Raises LockHeld when another instance holds it, LockError when it cannot be asked.
        """

    def release_lock(self) -> None:
        """Give the lock back; raises LockReleaseError when that fails."""

    def applied(self) -> list[AppliedMigration]:
        """Every recorded version in version order; empty when there is no table yet."""

    def current_version(self) -> VersionState:
        """The newest recorded version and whether any record is dirty."""

    def migrate(self, migration: Migration) -> None:
        """Apply one migration with its history row (transactional: in one transaction)."""

    def migrate_many(self, migrations: Sequence[Migration],
                     starting: Callable[[Migration], None] | None = None) -> None:
        """Apply migrations in order, each as `migrate` would, stopping at the first that
        fails with what `migrate` raises; `starting` is told of each as it is sent. An
        implementation may save round trips between them, never atomicity."""

    def migrate_atomically(self, migrations: Sequence[Migration],
                           starting: Callable[[Migration], None] | None = None) -> None:
        """Apply transactional migrations all in one transaction with their history rows:
        all of them or none."""

    def rollback(self, migration: Migration) -> None:
        """Revert one applied migration and remove its history row."""

    def force(self, version: str | None, migrations: list[Migration]) -> None:
        """Record `version` as current and clear the dirty flag, running no migration."""
