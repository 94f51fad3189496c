"""`pgshift up --rehearse`: the pending migrations run on a schema-only copy of the target.

The target's schema (pg_dump --schema-only, the embedded server's own pg_dump) is restored
into a throwaway database, on the embedded PostgreSQL or, with --rehearse-on-server, on the
target's own server; the history table's rows are copied over so that the same migrations
are pending there; then they run as `up` runs them, and the report says what would fail
and how long each statement took. The target is only read. What a copy without rows
cannot tell (a check that existing rows break, a build's time on real data) it does not
claim to.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from psycopg import sql

from ..exit_codes import ExitCode
from ..runner.embedded import bundled_bin_dir
from ..runner.errors import ConnectionFailed, MigrationFailed
from ..runner.events import NOTICE, emit
from ..runner.manager import new_migration_manager
from ..runner.migration import Migration
from ..runner.postgres import PostgresMigrator, split_table_name
from ..runner.urls import mask_password
from .platform_setup import set_up_scratch
from .shell import without_password
from .target import Options, Target, generated_migrations, migrator_for, open_target


class _Timings(logging.Handler):
    """Collects the `statement` events of the rehearsal's run."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "event", None) == "statement":
            self.statements.append(dict(getattr(record, "fields", {})))


def rehearse(options: Options, out: TextIO, err: TextIO, *, target_version: str | None,
             on_server: bool, check_fresh: bool, ignore_checksums: bool,
             out_of_order: bool = False) -> int:
    module = generated_migrations(options.project, check_fresh)
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options) as live:
        manager = new_migration_manager(live)
        pending = manager.to_apply(module.migrations, target=target_version,
                                   ignore_checksums=ignore_checksums, out_of_order=out_of_order)
        if not pending:
            print(f"nothing to rehearse: {target.shown} has no pending migration", file=out)
            return int(ExitCode.OK)
        schema = _schema_of(target)
        history = _history_rows(live)
        server = target.url if on_server else None
        with set_up_scratch(options, target.embedded, err, server) as scratch:
            _restore(scratch.url, schema, err)
            return _run(options, out, scratch.url, history, module.migrations, pending,
                        target_version, target)


def _schema_of(target: Target) -> str:
    """The target's schema as SQL, from pg_dump --schema-only (no owners, no grants: the
    copy belongs to whoever runs the rehearsal)."""
    url, environment = without_password(target.url)
    command = [str(bundled_bin_dir() / "pg_dump"), "--schema-only", "--no-owner",
               "--no-privileges", "--no-comments", "--dbname", url]
    result = subprocess.run(command, capture_output=True, text=True, check=False,
                            env=environment)
    if result.returncode != 0:
        message = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ConnectionFailed(f"cannot read the schema of {target.shown} with pg_dump:"
                               f" {mask_password(message, target.url)}")
    return result.stdout


def _restore(url: str, schema: str, err: TextIO) -> None:
    """Restore the dump into the copy; what the copy's server lacks (an extension it does
    not have, say) is said, not fatal: the rehearsal then shows what it changes."""
    url, environment = without_password(url)
    command = [str(bundled_bin_dir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=0",
               "--dbname", url]
    result = subprocess.run(command, input=schema, capture_output=True, text=True,
                            check=False, env=environment)
    problems = [line for line in result.stderr.splitlines() if "ERROR" in line]
    for problem in problems[:5]:
        emit(logging.getLogger("pgshift"), NOTICE, "rehearsal_copy",
             f"the copy differs from the target: {mask_password(problem)}")


def _history_rows(live: PostgresMigrator) -> list[tuple[Any, ...]]:
    return [(row.version, row.description, row.checksum, row.dirty, row.applied_at,
             row.execution_ms, row.applied_by) for row in live.applied()]


@contextmanager
def _listening(handler: logging.Handler) -> Iterator[logging.Logger]:
    logger = logging.getLogger("pgshift.rehearsal")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield logger
    finally:
        logger.removeHandler(handler)


def _run(options: Options, out: TextIO, url: str, history: list[tuple[Any, ...]],
         migrations: list[Migration], pending: list[Migration], target_version: str | None,
         target: Target) -> int:
    timings = _Timings()
    with _listening(timings) as logger:
        copy = PostgresMigrator.connect(url, options.table, "pgshift rehearsal",
                                        timeouts=options.timeouts, retry=options.retry,
                                        logger=logger, undo=options.undo,
                                        build_limits=options.project.build_limits)
        try:
            copy.ensure_table()
            schema, table = split_table_name(options.table)
            for row in history:
                copy.connection.execute(sql.SQL(
                    "INSERT INTO {} (version, description, checksum, dirty, applied_at,"
                    " execution_ms, applied_by) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT DO NOTHING").format(sql.Identifier(schema, table)), row)
            failure: MigrationFailed | None = None
            try:
                new_migration_manager(copy, logger).run(migrations, target=target_version,
                                                        ignore_checksums=True,
                                                        out_of_order=True)  # checked live
            except MigrationFailed as failed:
                failure = failed
        finally:
            copy.close()
    _report(out, pending, timings.statements, failure, target)
    return int(ExitCode.MIGRATION_FAILED if failure else ExitCode.OK)


def _report(out: TextIO, pending: list[Migration], statements: list[dict[str, Any]],
            failure: MigrationFailed | None, target: Target) -> None:
    by_version: dict[str, list[dict[str, Any]]] = {}
    for statement in statements:
        by_version.setdefault(statement["version"], []).append(statement)
    print(f"rehearsal on a schema-only copy of {target.shown}:", file=out)
    for migration in pending:
        ran = by_version.get(migration.version, [])
        failed_here = failure is not None and failure.version == migration.version
        state = "would fail" if failed_here else ("ok" if ran or not migration.up_sql
                                                  else "not reached")
        print(f"  {migration.version} ({migration.description}): {state}", file=out)
        for statement in ran:
            print(f"    {statement['duration_ms']:>6} ms  {statement['sql'][:80]}", file=out)
        if failed_here and failure is not None:
            for line in str(failure).splitlines()[1:4]:
                print(f"    {line}", file=out)
        if failure is not None and failed_here:
            break
    verdict = ("a migration would fail: see above" if failure else
               "every pending migration applies")
    print(f"{verdict}; the target was not changed (a copy without rows cannot show what"
          " its data would break)", file=out)
