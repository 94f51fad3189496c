"""`pgshift repair`: settle a dirty database where that is safe without a person.

A dirty version is one whose non-transactional migration stopped part-way (a kill, a
failed undo, `up --no-rollback`). The schema just before it and just after it are built in
a scratch database from the compiled migrations and compared, object by object, with the
live one (runner/repair.py). When every object it changes is as it makes it, the row is
marked clean; when none is (an INVALID index from its failed concurrent build aside,
which is dropped), the row is removed and the version is pending again, for `up` to retry.
Anything else is explained object by object and left for a person and `pgshift force`.
"""

from __future__ import annotations

import logging
from typing import TextIO

import psycopg

from ..exit_codes import ExitCode
from ..runner.catalog import live_snapshot, snapshot
from ..runner.errors import DirtyDatabase, UnknownVersions
from ..runner.events import NOTICE, emit
from ..runner.externals import ExternalObjects
from ..runner.loader import GeneratedModule
from ..runner.manager import new_migration_manager
from ..runner.migration import version_key
from ..runner.postgres import PostgresMigrator
from ..runner.repair import Assessment, assess
from .platform_setup import set_up_scratch
from .scratch import apply_migration
from .target import (
    Options,
    Target,
    generated_migrations,
    logger_for,
    migrator_for,
    open_target,
)


def repair(options: Options, out: TextIO, err: TextIO, *, dry_run: bool,
           wait: float | None, quiet_when_clean: bool = False) -> int:
    """Repair the dirty version of the target database, under the migration lock."""
    module = generated_migrations(options.project, check_fresh=False)
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options) as migrator:
        manager = new_migration_manager(migrator, logger_for(options.verbose))
        with manager.locked(wait):
            return _repair(options, out, err, target, migrator, module, dry_run,
                           quiet_when_clean)


def _repair(options: Options, out: TextIO, err: TextIO, target: Target,
            migrator: PostgresMigrator, module: GeneratedModule, dry_run: bool,
            quiet_when_clean: bool) -> int:
    logger = logging.getLogger("pgshift")
    state = new_migration_manager(migrator, logger).status(module.migrations)
    dirty = [row for row in state.applied if row.dirty]
    if not dirty:
        if not quiet_when_clean:
            print(f"nothing to repair: {target.shown} is clean", file=out)
        return int(ExitCode.OK)
    row = dirty[-1]
    by_version = {m.version: m for m in module.migrations}
    if row.version not in by_version:
        raise UnknownVersions(f"the dirty version {row.version} is not in this build: it"
                              " cannot be compared with what it should have made")
    migration = by_version[row.version]
    earlier = [by_version[a.version] for a in state.applied
               if a.version in by_version and version_key(a.version) < migration.version_key]
    external = ExternalObjects.of_migrations([*earlier, migration])  # left out: not theirs
    live = live_snapshot(migrator.connection, options.table, external)
    with set_up_scratch(options, target.embedded, err) as made, \
            psycopg.connect(made.url, autocommit=True) as scratch:
        for applied in earlier:
            apply_migration(scratch, applied, "up")
        before = snapshot(scratch, external=external)
        apply_migration(scratch, migration, "up")
        after = snapshot(scratch, external=external)
    assessment = assess(before, after, live)
    print(f"{migration.version} ({migration.description}) is dirty"
          + (f"; it failed at:\n    {row.failed_statement.strip()}"
             if row.failed_statement else "") + "\nWhat it changes, in the live database:",
          file=out)
    for item in assessment.objects:
        print(f"  {item.describe()}", file=out)
    for schema, name in assessment.invalid_indexes:
        print(f"  ! index {schema}.{name}: INVALID, left by a failed concurrent build", file=out)
    older = [m.version for m in module.migrations if m.version_key < migration.version_key]
    return _settle(migrator, migration.version, older[-1] if older else "none", assessment,
                   out, logger, dry_run)


def _settle(migrator: PostgresMigrator, version: str, previous: str, assessment: Assessment,
            out: TextIO, logger: logging.Logger, dry_run: bool) -> int:
    verdict = assessment.verdict
    if verdict == "mixed":
        raise DirtyDatabase(
            f"{version} is partly applied (above: = as it makes it, - as before, ~ neither):"
            " pgshift leaves that to a person. Bring each object to one side by hand, then"
            f" record it with `pgshift force {version}` (applied) or `pgshift force {previous}`"
            " (not applied); nothing was changed")
    dropping = ", ".join(name for _, name in assessment.invalid_indexes)
    indexes = f"INVALID index{'es' * (len(assessment.invalid_indexes) > 1)} {dropping}"
    if verdict == "applied":
        what, did = (f"mark {version} clean", f"marked {version} clean: every object it changes"
                     " is as it makes it")
    else:
        what, did = (f"remove {version}'s row", f"removed {version}'s row: nothing of it is"
                     " applied, so it is pending again (`pgshift up` applies it)")
    if dry_run:
        drop = f"drop the {indexes} and " if dropping else ""
        print(f"dry run: would {drop}{what}; nothing was changed", file=out)
        return int(ExitCode.OK)
    migrator.settle(version, verdict == "applied", assessment.invalid_indexes)
    emit(logger, NOTICE, "repaired", f"repaired {version}: {verdict}", version=version,
         verdict=verdict, dropped=[name for _, name in assessment.invalid_indexes])
    print(f"repaired: {f'dropped the {indexes}; ' if dropping else ''}{did}", file=out)
    return int(ExitCode.OK)
