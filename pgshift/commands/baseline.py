"""`pgshift baseline`: record an existing schema's migrations as applied, without running them.

The last step of adopting a database pgshift did not build: its schema was pulled into a
migration and compiled. Before anything is recorded, the migrations up to VERSION are built
in a scratch database and compared with the live one, object by object: what they create
must be there as they create it (else exit 19, unless --force), and what the live database
holds beyond them is listed and left alone. Baseline only adds history rows, never removes
one (that is `pgshift force`), and runs no migration on the live database.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from ..exit_codes import CommandFailed, ExitCode
from ..runner.catalog import live_snapshot
from ..runner.drift import Difference, Snapshot, compare
from ..runner.errors import DirtyDatabase, UnknownVersions
from ..runner.events import emit
from ..runner.externals import ExternalObjects
from ..runner.manager import Manager, Status, migration_named, new_migration_manager
from ..runner.migration import Migration, version_key
from ..runner.segments import REPAIR_HINT
from .platform_setup import leave_out_platform, set_up_scratch
from .scratch import build_schema
from .target import Options, generated_migrations, logger_for, migrator_for, open_target

# Objects named by their table: listed once under their table when the whole table differs.
_PART_OF_A_TABLE = ("columns", "constraints", "triggers", "policies")


@dataclass(frozen=True, slots=True)
class Comparison:
    """The live schema against what the migrations up to VERSION create."""

    blocking: list[Difference]  # missing or defined otherwise: the migrations do not hold
    unmanaged: list[Difference]  # in the live database only: left alone


def baseline(options: Options, out: TextIO, err: TextIO, *, version: str, force: bool,
             dry_run: bool, as_json: bool, scratch_on_server: bool = False) -> int:
    """Record every migration up to `version` as applied once the live schema holds them.

    The build must be fresh: the rows it writes carry its checksums, which a stale build
    would get wrong (and `up` would then refuse them)."""
    module = generated_migrations(options.project, check_fresh=True)
    chosen = _chosen(module.migrations, version)
    upto = [m for m in module.migrations if m.version_key <= chosen.version_key]
    logger = logger_for(options.verbose)
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options) as migrator:
        manager = new_migration_manager(migrator, logger)
        to_record = _to_record(manager.status(module.migrations), upto, chosen)
        if not to_record:
            return _nothing_to_record(out, target.shown, chosen, as_json)
        live = live_snapshot(migrator.connection, options.table,
                             ExternalObjects.of_migrations(upto))
        with set_up_scratch(options, target.embedded, err,
                            target.url if scratch_on_server else None) as scratch:
            expected = build_schema(scratch.url, upto)
        comparison = _compare(*leave_out_platform(scratch.platform, expected, live))
        if comparison.blocking and not force:
            _report(out, target.shown, chosen, [], comparison, dry_run, as_json, refused=True)
            raise _refusal(chosen, to_record, comparison)
        if comparison.blocking:
            _warn_forced(logger, to_record, comparison, dry_run)
        if not dry_run:
            to_record = _record(manager, module.migrations, upto, chosen)
    _report(out, target.shown, chosen, to_record, comparison, dry_run, as_json, refused=False)
    return int(ExitCode.OK)


def _record(manager: Manager, migrations: list[Migration], upto: list[Migration],
            chosen: Migration) -> list[Migration]:
    """Record what the history lacks up to `chosen`, under the lock (the history table made
    if missing), checking the history again: another instance may have moved it since."""
    with manager.locked():
        to_record = _to_record(manager.status(migrations), upto, chosen)
        manager.migrator.force(chosen.version, migrations)
    return to_record


def _chosen(migrations: Sequence[Migration], version: str) -> Migration:
    """The compiled migration VERSION names (0.0.01 is 0.0.1); a usage error otherwise."""
    found = migration_named(migrations, version)
    if found is not None:
        return found
    known = ", ".join(m.version for m in migrations) or "none (run `pgshift compile`)"
    raise CommandFailed(f"no compiled migration with version {version} (known: {known})",
                        ExitCode.USAGE)


def _to_record(state: Status, upto: list[Migration], chosen: Migration) -> list[Migration]:
    """The migrations up to `chosen` the history lacks, after refusing a history that
    baseline cannot only add to: dirty, newer than `chosen`, or unknown to this build."""
    dirty = [a for a in state.applied if a.dirty]
    if dirty:
        raise DirtyDatabase(f"the database is dirty at version {dirty[-1].version}: a"
                            " non-transactional migration stopped part-way; nothing was"
                            f" recorded. {REPAIR_HINT}")
    newer = [a.version for a in state.applied if version_key(a.version) > chosen.version_key]
    if newer:
        raise CommandFailed(
            f"the history already records {', '.join(newer)}, newer than {chosen.version}:"
            " baseline only adds rows and never removes one; to set the history back, use"
            f" `pgshift force {chosen.version}`. Nothing was recorded", ExitCode.USAGE)
    if state.unknown:
        versions = ", ".join(a.version for a in state.unknown)
        raise UnknownVersions(f"the history records version(s) {versions} that this build"
                              " does not know; nothing was recorded")
    recorded = {a.version for a in state.applied}
    return [m for m in upto if m.version not in recorded]


def _compare(expected: Snapshot, live: Snapshot) -> Comparison:
    """Split the differences: missing or changed objects block; extra ones do not."""
    differences = _by_table(compare(expected, live))
    return Comparison([d for d in differences if d.change != "unexpected"],
                      [d for d in differences if d.change == "unexpected"])


def _by_table(differences: list[Difference]) -> list[Difference]:
    """Leave out the columns, constraints, triggers and policies of a table that is itself
    missing or unexpected (its one line says it all, and an unmanaged table has many), and
    a sequence's line as a relation beside its line as a sequence."""
    whole = {(d.name, d.change) for d in differences
             if d.kind == "tables" and d.change != "changed"}
    sequences = {(d.name, d.change) for d in differences if d.kind == "sequences"}
    return [d for d in differences
            if not (d.kind in _PART_OF_A_TABLE
                    and (".".join(d.name.split(".")[:2]), d.change) in whole)
            and not (d.kind == "tables" and (d.name, d.change) in sequences)]


def _refusal(chosen: Migration, to_record: list[Migration],
             comparison: Comparison) -> CommandFailed:
    """Exit 19: what was found is printed; the way on is in the message."""
    count = len(comparison.blocking)
    return CommandFailed(
        f"the live database does not hold what {_names(to_record)} create"
        f"{'s' * (len(to_record) == 1)} ({count} difference{'s' * (count != 1)}). Nothing"
        " was recorded; bring the database or the migrations in line, or record it anyway"
        f" with `pgshift baseline {chosen.version} --force`", ExitCode.DRIFT)


def _warn_forced(logger: logging.Logger, to_record: list[Migration], comparison: Comparison,
                 dry_run: bool) -> None:
    """The differences --force records over, as a warning: on stderr, or as an event."""
    lines = [f"  {d.describe()}" for d in comparison.blocking]
    emit(logger, logging.WARNING, "baseline_forced",
         f"warning: --force: {'would record' if dry_run else 'recording'} {_names(to_record)}"
         " although the live database does not hold what"
         f" {'it creates' if len(to_record) == 1 else 'they create'}:\n" + "\n".join(lines),
         versions=[m.version for m in to_record],
         differences=[d.describe() for d in comparison.blocking])


def _nothing_to_record(out: TextIO, shown: str, chosen: Migration, as_json: bool) -> int:
    """Run again after it succeeded: nothing is compared, nothing changes (drift checks)."""
    if as_json:
        print(json.dumps({"database": shown, "version": chosen.version, "recorded": [],
                          "dry_run": False, "forced": False, "differences": [],
                          "unmanaged": []}, indent=2), file=out)
    else:
        print(f"nothing to record: {shown} already records every migration up to"
              f" {chosen.version} (`pgshift drift` compares it with them)", file=out)
    return int(ExitCode.OK)


def _report(out: TextIO, shown: str, chosen: Migration, recorded: list[Migration],
            comparison: Comparison, dry_run: bool, as_json: bool, refused: bool) -> None:
    """What was (or would be) recorded and what was found. The differences are printed
    here only when they refuse it: with --force they are the warning on stderr."""
    if as_json:
        print(json.dumps({
            "database": shown, "version": chosen.version,
            "recorded": [m.version for m in recorded], "dry_run": dry_run,
            "forced": bool(recorded and comparison.blocking),
            "differences": [d.as_json() for d in comparison.blocking],
            "unmanaged": [d.as_json() for d in comparison.unmanaged]}, indent=2), file=out)
        return
    if refused:
        print(f"{shown} does not hold what the migrations up to {chosen.version} create:",
              file=out)
        for difference in comparison.blocking:
            print(f"  {difference.describe()}", file=out)
    if comparison.unmanaged:
        print("not created by these migrations (left alone):", file=out)
        for difference in comparison.unmanaged:
            print(f"  {difference.describe()}", file=out)
    if not refused:
        print(_recorded_line(shown, recorded, bool(comparison.blocking), dry_run), file=out)


def _recorded_line(shown: str, recorded: list[Migration], forced: bool, dry_run: bool) -> str:
    if not recorded:  # another instance recorded them while this one compared
        return f"nothing to record: {shown} already records them"
    what = "they create" if len(recorded) > 1 else "it creates"
    why = (f" although the live schema differs from what {what} (--force)" if forced
           else f": the live schema holds what {what}")
    verb, done = (("dry run: would record", "nothing was changed") if dry_run
                  else ("recorded", "nothing was run"))
    return f"{verb} {_names(recorded)} as applied to {shown}{why}; {done}"


def _names(migrations: list[Migration]) -> str:
    return ", ".join(f"{m.version} ({m.description})" for m in migrations)
