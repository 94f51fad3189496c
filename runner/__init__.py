"""The runner: applies generated migrations to PostgreSQL under a lock.

A deploy needs only this package and the generated module; nothing here imports the
language front end or the compiler, and each name below is loaded when first used (so
that a command which only needs the project's settings loads none of them, and the
generated module does not load psycopg):

    from pgshift.runner import migrate          # one call at a service's start-up
    from pgshift.runner import Manager, PostgresMigrator, new_migration_manager
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import migrate
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
    from .externals import External
    from .index_build import IndexBuild
    from .locks import Lock
    from .manager import Manager, new_migration_manager
    from .migration import IrreversibleMigration, Migration, StatementPlan
    from .postgres import PostgresMigrator
    from .protocol import Migrator
    from .waits import RetryPolicy, Timeouts

_WHERE = {
    "migrate": ".api", "External": ".externals", "IndexBuild": ".index_build",
    "Lock": ".locks",
    "Manager": ".manager", "new_migration_manager": ".manager",
    "IrreversibleMigration": ".migration", "Migration": ".migration",
    "StatementPlan": ".migration", "PostgresMigrator": ".postgres", "Migrator": ".protocol",
    "RetryPolicy": ".waits", "Timeouts": ".waits",
    **dict.fromkeys(("ChecksumMismatch", "ConnectionFailed", "DirtyDatabase",
                     "IrreversibleError", "LockError", "LockHeld", "LockReleaseError",
                     "LocksUnavailable", "MigrationFailed", "RunnerError", "TableError",
                     "UnknownVersions"), ".errors"),
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ChecksumMismatch", "ConnectionFailed", "DirtyDatabase", "External", "IndexBuild",
    "IrreversibleError",
    "IrreversibleMigration", "Lock", "LockError", "LockHeld", "LockReleaseError",
    "LocksUnavailable", "Manager", "Migration", "MigrationFailed", "Migrator",
    "PostgresMigrator", "RetryPolicy", "RunnerError", "StatementPlan", "TableError",
    "Timeouts", "UnknownVersions", "migrate", "new_migration_manager",
]
