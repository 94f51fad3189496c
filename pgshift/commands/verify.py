"""`pgshift verify`: every Down proven on a scratch database before anyone needs it.

For each migration in version order: a catalog snapshot, its Up, a snapshot, its Down, a
snapshot that must equal the first, its Up again, a snapshot that must equal the second.
The first migration whose Down does not restore the catalog (or whose Up does not come
back the same after it) is named with the difference, object by object: exit 21.
Migrations before --from are only applied. An irreversible migration is applied and
counted, its Down not tried.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

import psycopg

from ..exit_codes import ExitCode
from ..runner.catalog import snapshot
from ..runner.drift import Difference, compare
from ..runner.errors import NoSuchVersion
from ..runner.externals import ExternalObjects
from ..runner.migration import Migration, version_key
from .platform_setup import set_up_scratch
from .progress import Progress
from .scratch import apply_migration
from .target import Options, generated_migrations

Snapshot = dict[str, list[tuple[Any, ...]]]


@dataclass
class Verdict:
    checked: list[str] = field(default_factory=list)  # versions whose Up, Down, Up held
    applied_only: list[str] = field(default_factory=list)  # before --from, or irreversible
    failed: str | None = None  # the version that did not hold
    stage: str | None = None  # "down" (it did not restore) or "up again"
    differences: list[Difference] = field(default_factory=list)
    seconds: float = 0.0


def verify(options: Options, out: TextIO, err: TextIO, *, start: str | None,
           check_fresh: bool, as_json: bool) -> int:
    module = generated_migrations(options.project, check_fresh)
    migrations = module.migrations
    if start is not None and (not all(p.isdigit() for p in start.split("."))
                              or version_key(start) not in {m.version_key for m in migrations}):
        known = ", ".join(m.version for m in migrations) or "none"
        raise NoSuchVersion(f"no migration with version {start} (known: {known})")
    progress = Progress(out if not as_json else err, "verifying")
    server = None if options.scratch_url else options.database_url  # the flag beats it
    with set_up_scratch(options, None, err, server) as scratch, \
            psycopg.connect(scratch.url, autocommit=True) as connection:
        verdict = _verify(connection, migrations, start, progress.step)
    progress.done()
    if as_json:
        print(json.dumps({"verified": verdict.checked, "applied_only": verdict.applied_only,
                          "failed": None if verdict.failed is None else {
                              "version": verdict.failed, "stage": verdict.stage,
                              "differences": [d.as_json() for d in verdict.differences]},
                          "seconds": round(verdict.seconds, 3)}, indent=2), file=out)
    elif verdict.failed is not None:
        what = ("its Down does not restore the catalog its Up started from"
                if verdict.stage == "down" else
                "its Up, run again after its Down, does not give the catalog it gave first")
        print(f"migration {verdict.failed}: {what}:", file=out)
        for difference in verdict.differences:
            print(f"  {difference.describe()}", file=out)
    else:
        count = len(verdict.checked)
        extra = (f"; {len(verdict.applied_only)} applied without a Down check (before --from,"
                 " or irreversible)" if verdict.applied_only else "")
        print(f"verified {count} migration{'s' * (count != 1)}: each Down restores the catalog"
              f" and each Up applies again the same{extra} ({verdict.seconds:.1f} s)", file=out)
    return int(ExitCode.VERIFY if verdict.failed is not None else ExitCode.OK)


def _verify(connection: psycopg.Connection[Any], migrations: list[Migration],
            start: str | None, step: Callable[[int, int, Migration], None]) -> Verdict:
    verdict = Verdict()
    external = ExternalObjects.of_migrations(migrations)  # stand-ins, not theirs
    started = time.monotonic()
    first = version_key(start) if start is not None else None
    before = snapshot(connection, external=external) if first is None else {}
    for number, migration in enumerate(migrations, 1):
        step(number, len(migrations), migration)
        checking = first is None or migration.version_key >= first
        if checking and not before:
            before = snapshot(connection, external=external)
        apply_migration(connection, migration, "up")
        if not checking or not migration.reversible:
            verdict.applied_only.append(migration.version)
            before = snapshot(connection, external=external) if checking else {}
            continue
        after = snapshot(connection, external=external)
        apply_migration(connection, migration, "down")
        differences = compare(before, snapshot(connection, external=external))
        if not differences:
            apply_migration(connection, migration, "up again")
            differences = compare(after, snapshot(connection, external=external))
            stage = "up again"
        else:
            stage = "down"
        if differences:
            verdict.failed, verdict.stage, verdict.differences = (
                migration.version, stage, differences)
            break
        verdict.checked.append(migration.version)
        before = after
    verdict.seconds = time.monotonic() - started
    return verdict
