"""Where a database command runs: the target database, its migrator and the project's build.

The database is --database-url, else DATABASE_URL, else the embedded PostgreSQL 18 +
pgvector 0.8 with its data in the project's .pgshift/postgres, started for the command
and stopped when it ends. The CLI says which one it uses and never prints a password.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

import psycopg
from psycopg import errors, sql

from ..fingerprint import sources_hash
from ..project import Project
from ..runner.embedded import EmbeddedError, EmbeddedPostgres, with_database
from ..runner.errors import ConnectionFailed, StaleBuild
from ..runner.events import NOTICE, emit
from ..runner.loader import GeneratedModule, load_generated
from ..runner.postgres import DEFAULT_TABLE, PostgresMigrator
from ..runner.urls import keep_secret, mask_password
from ..runner.waits import RetryPolicy, Timeouts

EMBEDDED_DATABASE = "pgshift"


@dataclass(frozen=True, slots=True)
class Target:
    url: str
    embedded: EmbeddedPostgres | None

    @property
    def shown(self) -> str:
        return mask_password(self.url)


def start_embedded(server: EmbeddedPostgres) -> str:
    """Start the embedded server and return its URL; a server that will not start is, to
    the user, a database that cannot be reached."""
    try:
        return server.start()
    except EmbeddedError as failure:
        raise ConnectionFailed(str(failure)) from None


@contextmanager
def open_target(project: Project, database_url: str | None, err: TextIO) -> Iterator[Target]:
    """The database to use; an embedded server started here is stopped on the way out."""
    url = database_url if database_url is not None else os.environ.get("DATABASE_URL")
    if url is not None and not url.strip():
        where = "--database-url" if database_url is not None else "DATABASE_URL"
        raise ConnectionFailed(f"{where} is set but empty: give a database URL (unset it to use"
                               " the local server in .pgshift/)")
    if url:
        keep_secret(url)  # libpq may quote it in any error: its password is masked there too
        yield Target(url, None)
        return
    server = EmbeddedPostgres(project.root / ".pgshift" / "postgres")
    relative = project.relative(server.data_dir)
    emit(logging.getLogger("pgshift"), NOTICE, "embedded_server",
         f"no --database-url or DATABASE_URL: using the embedded PostgreSQL (data in"
         f" {relative})", data_dir=str(server.data_dir))
    try:
        base = start_embedded(server)
        _ensure_database(base, EMBEDDED_DATABASE)
        yield Target(with_database(base, EMBEDDED_DATABASE), server)
    finally:
        server.stop()


def _ensure_database(url: str, name: str) -> None:
    """Create the database unless it exists. Two commands started together both find it
    missing; the one whose CREATE loses finds it made by the other, and goes on."""
    with psycopg.connect(url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            # created meanwhile by a command that raced this one: that is fine
            with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
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


def logger_for(verbose: bool) -> logging.Logger:
    """The `pgshift` logger; the command line set where it prints (log_output.configure)."""
    return logging.getLogger("pgshift")


@dataclass(frozen=True, slots=True)
class Options:
    project: Project
    database_url: str | None
    table: str = DEFAULT_TABLE
    verbose: bool = False
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    undo: bool = True  # undo a non-transactional migration that fails part-way
    scratch_url: str | None = None  # --scratch-database-url (commands/platform_setup.py)


@contextmanager
def migrator_for(target: Target, options: Options) -> Iterator[PostgresMigrator]:
    migrator = PostgresMigrator.connect(target.url, options.table, timeouts=options.timeouts,
                                        retry=options.retry, undo=options.undo,
                                        build_limits=options.project.build_limits,
                                        logger=logger_for(options.verbose))
    try:
        yield migrator
    finally:
        migrator.close()


