"""Commands that touch a database: up, down, status, history, force, db.

The database is --database-url, else DATABASE_URL, else the embedded PostgreSQL 18 +
pgvector 0.8 with its data in the project's .pgshift/postgres, started for the command
and stopped when it ends. The CLI says which one it uses and never prints a password.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

import psycopg
from psycopg import sql

from ..exit_codes import ExitCode
from ..fingerprint import sources_hash
from ..project import Project
from ..runner.catalog import snapshot
from ..runner.drift import compare
from ..runner.embedded import EmbeddedError, EmbeddedPostgres, bundled_bin_dir, with_database
from ..runner.errors import (
    ConnectionFailed,
    MigrationFailed,
    ServerError,
    StaleBuild,
    UnknownVersions,
)
from ..runner.loader import GeneratedModule, load_generated
from ..runner.manager import Manager, Status, new_migration_manager
from ..runner.migration import Migration, StatementFailed, sql_script
from ..runner.postgres import DEFAULT_TABLE, PostgresMigrator
from ..runner.protocol import AppliedMigration
from ..runner.urls import mask_password
from .progress import Progress

EMBEDDED_DATABASE = "pgshift"


@dataclass(frozen=True, slots=True)
class Target:
    url: str
    embedded: EmbeddedPostgres | None

    @property
    def shown(self) -> str:
        return mask_password(self.url)


@contextmanager
def open_target(project: Project, database_url: str | None, err: TextIO) -> Iterator[Target]:
    """The database to use; an embedded server started here is stopped on the way out."""
    url = database_url if database_url is not None else os.environ.get("DATABASE_URL")
    if url is not None and not url.strip():
        where = "--database-url" if database_url is not None else "DATABASE_URL"
        raise ConnectionFailed(f"{where} is set but empty: give a database URL (unset it to use"
                               " the local server in .pgshift/)")
    if url:
        yield Target(url, None)
        return
    server = EmbeddedPostgres(project.root / ".pgshift" / "postgres")
    relative = project.relative(server.data_dir)
    print(f"pgshift: no --database-url or DATABASE_URL: using the embedded PostgreSQL"
          f" (data in {relative})", file=err)
    try:
        try:
            base = server.start()
        except EmbeddedError as failure:
            raise ConnectionFailed(str(failure)) from None
        _ensure_database(base, EMBEDDED_DATABASE)
        yield Target(with_database(base, EMBEDDED_DATABASE), server)
    finally:
        server.stop()


def _ensure_database(url: str, name: str) -> None:
    with psycopg.connect(url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def generated_migrations(project: Project, check_fresh: bool) -> GeneratedModule:
    """The project's generated module; stale against migrations/ stops the command."""
    module = load_generated(project.generated_dir / "postgresql.py")
    if check_fresh and project.migrations_dir.is_dir():
        current = sources_hash(project.migrations_dir)
        if module.sources_hash != current:
            raise StaleBuild(
                f"{project.relative(module.path)} is stale: "
                f"{project.relative(project.migrations_dir)}/ changed since it was compiled."
                " Run `pgshift compile` (or pass --no-check to apply the generated module as"
                " it is)")
    return module


def _logger(verbose: bool) -> logging.Logger:
    logger = logging.getLogger("pgshift")
    if verbose and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("pgshift: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return logger


@contextmanager
def migrator_for(target: Target, table: str) -> Iterator[PostgresMigrator]:
    migrator = PostgresMigrator.connect(target.url, table)
    try:
        yield migrator
    finally:
        migrator.close()


@dataclass(frozen=True, slots=True)
class Options:
    project: Project
    database_url: str | None
    table: str = DEFAULT_TABLE
    verbose: bool = False


def up(options: Options, out: TextIO, err: TextIO, *, target_version: str | None,
       wait: float | None, check_fresh: bool, ignore_checksums: bool,
       dry_run: bool = False) -> int:
    module = generated_migrations(options.project, check_fresh)
    if dry_run:
        return _dry_run(options, out, err, "apply", lambda manager: [
            (m, m.up_sql) for m in manager.to_apply(
                module.migrations, target=target_version, ignore_checksums=ignore_checksums)])

    def apply(manager: Manager, progress: Progress) -> list[Migration]:
        return manager.run(module.migrations, target=target_version, wait=wait,
                           ignore_checksums=ignore_checksums, progress=progress.step)

    return _move(options, out, err, ("applying", "applied", "apply", "to"), apply)


def _dry_run(options: Options, out: TextIO, err: TextIO, verb: str,
             choose: Callable[[Manager], list[tuple[Migration, tuple[str, ...]]]]) -> int:
    """Print the SQL a run would execute, after the same checks; change nothing."""
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options.table) as migrator:
        chosen = choose(new_migration_manager(migrator, _logger(options.verbose)))
    for migration, statements in chosen:
        kind = "" if migration.transactional else ", not transactional"
        print(f"-- {verb} {migration.version} ({migration.description}{kind})", file=out)
        out.write(sql_script(statements) + "\n")
    count = len(chosen)
    print(f"pgshift: dry run: would {verb} {count} migration{'s' * (count != 1)} on"
          f" {target.shown}; nothing was changed", file=err)
    return int(ExitCode.OK)


def _move(options: Options, out: TextIO, err: TextIO, words: tuple[str, str, str, str],
          action: Callable[[Manager, Progress], list[Migration]]) -> int:
    """Run `up` or `down` under a progress line, then say where the database ended up."""
    doing, done, do, preposition = words
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options.table) as migrator:
        progress = Progress(out, doing)
        moved = action(new_migration_manager(migrator, _logger(options.verbose)), progress)
        progress.done()
        state = migrator.current_version()
    now = state.version or "no version"
    if moved:
        count = len(moved)
        print(f"{done} {count} migration{'s' * (count != 1)} {preposition} {target.shown}:"
              f" now at {now}", file=out)
    else:
        print(f"nothing to {do}: {target.shown} is at {now}", file=out)
    return int(ExitCode.OK)


def down(options: Options, out: TextIO, err: TextIO, *, steps: int | None,
         target_version: str | None, wait: float | None, ignore_checksums: bool,
         dry_run: bool = False) -> int:
    module = generated_migrations(options.project, check_fresh=False)
    if dry_run:
        return _dry_run(options, out, err, "revert", lambda manager: [
            (m, m.down_sql or ()) for m in manager.to_revert(
                module.migrations, steps=steps, target=target_version,
                ignore_checksums=ignore_checksums)])

    def revert(manager: Manager, progress: Progress) -> list[Migration]:
        return manager.rollback(module.migrations, steps=steps, target=target_version,
                                wait=wait, ignore_checksums=ignore_checksums,
                                progress=progress.step)

    return _move(options, out, err, ("reverting", "reverted", "revert", "on"), revert)


def _applied_json(row: AppliedMigration) -> dict[str, Any]:
    return {
        "version": row.version,
        "description": row.description,
        "checksum": row.checksum,
        "applied_at": row.applied_at.astimezone(dt.UTC).isoformat(),
        "execution_ms": row.execution_ms,
        "applied_by": row.applied_by,
    }


def _status_json(target: Target, state: Status) -> dict[str, Any]:
    return {
        "database": target.shown,
        "current_version": state.current_version,
        "dirty": state.dirty,
        "applied": [_applied_json(a) for a in state.applied],
        "pending": [{"version": m.version, "description": m.description}
                    for m in state.pending],
    }


def status(options: Options, out: TextIO, err: TextIO, *, as_json: bool) -> int:
    module = generated_migrations(options.project, check_fresh=False)
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options.table) as migrator:
        state = new_migration_manager(migrator).status(module.migrations)
    if as_json:
        print(json.dumps(_status_json(target, state), indent=2), file=out)
        return int(ExitCode.OK)
    current = state.current_version or "none"
    flag = "DIRTY" if state.dirty else "clean"
    print(f"database:        {target.shown}", file=out)
    print(f"current version: {current} ({flag})", file=out)
    print(f"applied:         {len(state.applied)}", file=out)
    print(_table(["VERSION", "DESCRIPTION", "APPLIED AT", "TIME", "BY"], [
        [a.version + (" (dirty)" if a.dirty else ""), a.description,
         a.applied_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
         f"{a.execution_ms} ms" if a.execution_ms is not None else "-", a.applied_by]
        for a in state.applied]), file=out)
    print(f"pending:         {len(state.pending)}", file=out)
    print(_table(["VERSION", "DESCRIPTION"], [[m.version, m.description]
                                              for m in state.pending]), file=out)
    if state.unknown:
        print("unknown to this build: " + ", ".join(a.version for a in state.unknown),
              file=out)
    return int(ExitCode.OK)


def history(options: Options, out: TextIO, err: TextIO, *, as_json: bool) -> int:
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options.table) as migrator:
        rows = migrator.applied()
    if as_json:
        entries = [{**_applied_json(r), "dirty": r.dirty, "failed_statement": r.failed_statement}
                   for r in rows]
        print(json.dumps({"database": target.shown, "history": entries}, indent=2), file=out)
        return int(ExitCode.OK)
    print(_table(["VERSION", "DESCRIPTION", "APPLIED AT", "TIME", "BY", "STATE"], [
        [r.version, r.description, r.applied_at.astimezone(dt.UTC).strftime(
            "%Y-%m-%d %H:%M:%S UTC"), f"{r.execution_ms} ms" if r.execution_ms is not None
         else "-", r.applied_by, "dirty" if r.dirty else "ok"] for r in rows]), file=out)
    for row in rows:
        if row.failed_statement:
            print(f"\n{row.version} failed at:\n    {row.failed_statement.strip()}", file=out)
    return int(ExitCode.OK)


def force(options: Options, out: TextIO, err: TextIO, *, version: str) -> int:
    module = generated_migrations(options.project, check_fresh=False)
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options.table) as migrator:
        new_migration_manager(migrator, _logger(options.verbose)).force(module.migrations,
                                                                        version)
    print(f"recorded {target.shown} as at version {version} (clean); no migration was run",
          file=out)
    return int(ExitCode.OK)


@contextmanager
def scratch_database(project: Project, target: Target, err: TextIO) -> Iterator[str]:
    """An empty database on the embedded server (the target's own when it is embedded),
    dropped afterwards: where the schema the migrations should build is built."""
    server = target.embedded
    started = server is None
    if server is None:
        server = EmbeddedPostgres(project.root / ".pgshift" / "postgres")
        print(f"pgshift: building the expected schema in the embedded PostgreSQL (data in"
              f" {project.relative(server.data_dir)})", file=err)
    try:
        try:
            base = server.start()
        except EmbeddedError as failure:
            raise ConnectionFailed(str(failure)) from None
        name = f"pgshift_drift_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield with_database(base, name)
        finally:
            with psycopg.connect(base, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                              .format(sql.Identifier(name)))
    finally:
        if started:
            server.stop()


def _expected_schema(url: str, migrations: list[Migration]) -> dict[str, Any]:
    """The catalog that applying `migrations` in order gives on an empty database."""
    with psycopg.connect(url, autocommit=True) as connection:
        for migration in migrations:
            try:
                if migration.transactional:
                    with connection.transaction():
                        migration.up(connection)
                else:
                    migration.up(connection)
            except StatementFailed as failed:
                raise MigrationFailed(
                    migration.version, migration.description, "the expected-schema build",
                    failed.index, len(migration.up_sql), failed.statement,
                    ServerError.of(failed.error),
                    "The live database was not touched.") from None
        return snapshot(connection)


def drift(options: Options, out: TextIO, err: TextIO, *, as_json: bool) -> int:
    """Compare the live schema with what its applied migrations build; exit 19 on drift."""
    module = generated_migrations(options.project, check_fresh=False)
    history_table = options.table.rpartition(".")[2]
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options.table) as migrator:
        state = new_migration_manager(migrator).status(module.migrations)
        if state.unknown:
            versions = ", ".join(a.version for a in state.unknown)
            raise UnknownVersions(f"the database has version(s) {versions} that this build"
                                  " does not know, so its expected schema cannot be built")
        applied = {a.version for a in state.applied}
        actual = snapshot(migrator.connection, ignore_tables=(history_table,))
        with scratch_database(options.project, target, err) as scratch:
            expected = _expected_schema(
                scratch, [m for m in module.migrations if m.version in applied])
    differences = compare(expected, actual)
    if as_json:
        print(json.dumps({"database": target.shown, "current_version": state.current_version,
                          "drifted": bool(differences),
                          "differences": [d.as_json() for d in differences]}, indent=2),
              file=out)
    elif differences:
        print(f"{target.shown} has drifted from its migrations (at"
              f" {state.current_version or 'no version'}):", file=out)
        for difference in differences:
            print(f"  {difference.describe()}", file=out)
    else:
        print(f"no drift: {target.shown} matches its {len(applied)} applied migration"
              f"{'s' * (len(applied) != 1)}", file=out)
    return int(ExitCode.DRIFT if differences else ExitCode.OK)


def db(options: Options, out: TextIO, err: TextIO, *, psql: bool) -> int:
    with open_target(options.project, options.database_url, err) as target:
        print(target.shown, file=out)
        if not psql:
            return int(ExitCode.OK)
        out.flush()
        executable = shutil.which("psql") or str(bundled_bin_dir() / "psql")
        return subprocess.call([executable, target.url])


def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "  (none)"
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=False)]
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
              for row in rows]
    return "\n".join(line.rstrip() for line in lines)

