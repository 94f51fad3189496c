"""The runner: applies generated migrations to PostgreSQL under a lock.

A deploy needs only this package and the generated module; nothing here imports the
language front end or the compiler, and importing it does not load the database driver
until something that talks to a database is used:

    from pgshift.runner import migrate          # one call at a service's start-up
    from pgshift.runner import Manager, PostgresMigrator, new_migration_manager
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    ChecksumMismatch,
    ConnectionFailed,
    DirtyDatabase,
    IrreversibleError,
    LockError,
    LockHeld,
    LockReleaseError,
    LocksUnavailable,
    MigrationFailed,
    RunnerError,
    TableError,
    UnknownVersions,
)
from .index_build import IndexBuild
from .locks import Lock
from .migration import IrreversibleMigration, Migration, StatementPlan
from .protocol import Migrator
from .waits import RetryPolicy, Timeouts

if TYPE_CHECKING:
    from .api import migrate
    from .manager import Manager, new_migration_manager
    from .postgres import PostgresMigrator

# Loaded on first use: they bring psycopg, which the generated module must not need.
_LAZY = {"migrate": ".api", "Manager": ".manager", "new_migration_manager": ".manager",
         "PostgresMigrator": ".postgres"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ChecksumMismatch", "ConnectionFailed", "DirtyDatabase", "IndexBuild", "IrreversibleError",
    "IrreversibleMigration", "Lock", "LockError", "LockHeld", "LockReleaseError",
    "LocksUnavailable", "Manager", "Migration", "MigrationFailed", "Migrator",
    "PostgresMigrator", "RetryPolicy", "RunnerError", "StatementPlan", "TableError",
    "Timeouts", "UnknownVersions", "migrate", "new_migration_manager",
]
