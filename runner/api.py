"""Migrations from the application itself: one call in a service's start-up.

    from pgshift.runner import migrate
    from generated.postgresql import POSTGRESQL_MIGRATIONS

    migrate(os.environ["DATABASE_URL"], POSTGRESQL_MIGRATIONS, wait=60)

It does what `pgshift up` does, with the same lock, checks, timeouts, retries and events:
instances that start together take turns on the migration lock (with `wait`), and the
first applies what is pending while the others find nothing left to do.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from .index_build import BuildLimits
from .manager import new_migration_manager
from .migration import Migration
from .postgres import DEFAULT_TABLE, PostgresMigrator
from .waits import RetryPolicy, Timeouts


def migrate(url: str, migrations: Sequence[Migration], *, wait: float | None = None,
            target: str | None = None, table: str = DEFAULT_TABLE,
            timeouts: Timeouts | None = None, retry: RetryPolicy | None = None,
            logger: logging.Logger | None = None, application_name: str = "pgshift",
            atomic: bool = False, rollback: bool = True,
            build_limits: BuildLimits | None = None,
            out_of_order: bool = False) -> list[Migration]:
    """Apply the pending migrations (up to `target`) to the database at `url`; return
    those applied. With `wait`, wait up to that many seconds for another instance's
    migration lock instead of raising LockHeld. Every expected failure is a RunnerError
    (pgshift.runner.errors) whose message says what happened and what state remains.
    `atomic` and `rollback` are `up --atomic` and the opposite of `up --no-rollback`;
    `build_limits` what [tool.pgshift] index_build_memory and index_build_workers say;
    `out_of_order` applies a pending migration older than the newest applied one, which
    is refused (OutOfOrder) otherwise."""
    chosen = logger or logging.getLogger("pgshift")
    migrator = PostgresMigrator.connect(url, table, application_name, timeouts=timeouts,
                                        retry=retry, logger=chosen, undo=rollback,
                                        build_limits=build_limits)
    try:
        return new_migration_manager(migrator, chosen).run(migrations, target=target,
                                                            wait=wait, atomic=atomic,
                                                            out_of_order=out_of_order)
    finally:
        migrator.close()
