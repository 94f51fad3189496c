"""A throwaway database to build schemas in: drift and baseline build what the migrations
should have made there, verify runs every Up and Down there. The live database is never
touched. What a platform provides is set up there first (platform_setup.py)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, TextIO

import psycopg
from psycopg import sql

from ..project import Project
from ..runner.catalog import snapshot
from ..runner.drift import Snapshot
from ..runner.embedded import EmbeddedPostgres, with_database
from ..runner.errors import ConnectionFailed, MigrationFailed, ServerError
from ..runner.events import NOTICE, emit
from ..runner.externals import ExternalObjects, with_stand_ins
from ..runner.migration import Migration, StatementFailed
from ..runner.segments import segments_of
from ..runner.urls import keep_secret, mask_password
from .target import start_embedded


@contextmanager
def scratch_database(project: Project, server: EmbeddedPostgres | None, err: TextIO,
                     server_url: str | None = None) -> Iterator[str]:
    """An empty database, dropped afterwards: on the server of `server_url` when given
    (its role needs CREATEDB), else on the embedded server (`server` when one is running
    for the command already; otherwise the project's, started and stopped here)."""
    started = None
    if server_url is not None:
        base = server_url
        keep_secret(base)
    else:
        if server is None:
            started = server = EmbeddedPostgres(project.root / ".pgshift" / "postgres")
            emit(logging.getLogger("pgshift"), NOTICE, "scratch_database",
                 f"using a scratch database on the embedded PostgreSQL (data in"
                 f" {project.relative(server.data_dir)})", data_dir=str(server.data_dir))
        base = start_embedded(server)
    try:
        with ExitStack() as stack:
            try:
                url = stack.enter_context(throwaway_database(base, "pgshift_scratch"))
            except psycopg.Error as error:
                first_line = (str(error).strip() or type(error).__name__).splitlines()[0]
                why = " (the role needs CREATEDB)" if error.sqlstate == "42501" else ""
                raise ConnectionFailed(mask_password(
                    f"cannot create a scratch database on {base}: {first_line}{why}", base)
                ) from None
            yield url
    finally:
        if started is not None:
            started.stop()


@contextmanager
def throwaway_database(base: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the server of `base`, named `prefix_` and a random tail,
    dropped WITH (FORCE) afterwards; a failure to create it is psycopg's error. The one
    way pgshift, and its tests, make a database of their own."""
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(base, name)
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                          .format(sql.Identifier(name)))


def apply_migration(connection: psycopg.Connection[Any], migration: Migration,
                    stage: str) -> None:
    """One direction of a migration in a scratch database, as the runner runs it: ordinary
    statements together in transactions, concurrent ones alone; `stage` ("up", "down", "up
    again") names it in the failure, a failed migration (exit 14)."""
    direction = "down" if stage == "down" else "up"
    if direction == "up":  # stand-ins for what it declares external (runner/externals.py)
        migration = with_stand_ins(migration)
    statements = migration.statements(direction)

    def execute(index: int) -> None:
        try:
            connection.execute(statements[index].encode())
        except psycopg.Error as error:
            raise _failure(migration, stage, StatementFailed(index, statements[index], error)
                           ) from None

    for segment in segments_of(migration.plans(direction)):
        if migration.plans(direction)[segment[0]].concurrently:
            execute(segment[0])
            continue
        try:
            with connection.transaction():
                for index in segment:
                    execute(index)
        except psycopg.Error as error:  # every statement ran: COMMIT refused it
            raise _failure(migration, stage, StatementFailed(
                segment[-1], statements[segment[-1]], error)) from None


def _failure(migration: Migration, stage: str, failed: StatementFailed) -> MigrationFailed:
    server = ServerError.of(failed.error)
    return MigrationFailed(migration.version, migration.description,
                           f"{stage} in the scratch database", failed.index,
                           len(migration.statements("down" if stage == "down" else "up")),
                           failed.statement, server,
                           "Only the scratch database saw it; it is dropped."
                           + platform_hint(server))


# What a bare server lacks and a platform provides: a role, a function, a schema, a table,
# an extension (0A000: "extension … is not available").
_PLATFORM_SQLSTATES = ("42704", "42883", "3F000", "42P01", "0A000", "58P01")


def platform_hint(server: ServerError) -> str:
    """Where to make what the scratch server lacks, when that is what failed."""
    if server.sqlstate not in _PLATFORM_SQLSTATES:
        return ""
    return (" If the migrations need what a platform provides (a role, an extension, a"
            " function, a schema), make it in a scratch_setup script (docs/cli.md#platforms).")


def build_schema(url: str, migrations: list[Migration]) -> Snapshot:
    """The catalog that applying `migrations` in order gives on the empty database at `url`:
    what a live database that ran them should hold (drift, baseline)."""
    with psycopg.connect(url, autocommit=True) as connection:
        for declared in migrations:
            migration = with_stand_ins(declared)  # and stand-ins for its external objects
            try:
                if migration.transactional:
                    with connection.transaction():
                        migration.up(connection)
                else:
                    migration.up(connection)
            except StatementFailed as failed:
                server = ServerError.of(failed.error)
                raise MigrationFailed(
                    migration.version, migration.description, "the expected-schema build",
                    failed.index, len(migration.up_sql), failed.statement, server,
                    "The live database was not touched." + platform_hint(server)) from None
        return snapshot(connection, external=ExternalObjects.of_migrations(migrations))
