"""What a platform provides, in the scratch databases pgshift rebuilds schemas in.

A schema written for a platform (Supabase's `anon` role, `uuid_generate_v4()`, an `auth`
schema) does not build on a bare server. So a project may name a SQL script,
`scratch_setup`, run in every scratch database right after it is made and before any
migration, and a server to make them on, `scratch_database_url` (Atlas's dev database,
Prisma's shadow database) instead of the embedded one. What the script makes is the
platform's, not the migrations': drift and baseline leave it out of their comparison.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

import psycopg

from ..exit_codes import ExitCode
from ..project import Project
from ..runner.catalog import snapshot
from ..runner.drift import KEY_FIELDS, Snapshot
from ..runner.embedded import EmbeddedPostgres
from ..runner.errors import ConnectionFailed, RunnerError, ServerError
from ..runner.events import NOTICE, emit
from ..runner.urls import keep_secret, mask_password
from .scratch import scratch_database
from .target import Options

SCRATCH_URL_ENV = "PGSHIFT_SCRATCH_DATABASE_URL"
# The kinds of objects that belong to a table, and where their rows name it (schema, table).
_OF_A_TABLE = ("columns", "constraints", "triggers", "policies")


class ScratchSetupFailed(RunnerError):
    """The project's scratch_setup script cannot be read or fails: configuration (exit 5)."""

    exit_code = ExitCode.CONFIG


@dataclass(frozen=True, slots=True)
class Scratch:
    """A scratch database, set up: its URL, and what the setup script made there."""

    url: str
    platform: Snapshot


def scratch_server(options: Options, override: str | None = None) -> str | None:
    """The server to make a scratch database on: `override` (a command's own choice, such
    as baseline --scratch-on-server), else --scratch-database-url, else
    PGSHIFT_SCRATCH_DATABASE_URL, else scratch_database_url in [tool.pgshift]; None for
    the embedded PostgreSQL."""
    if override is not None:
        return override
    for source, url in (("--scratch-database-url", options.scratch_url),
                        (SCRATCH_URL_ENV, os.environ.get(SCRATCH_URL_ENV)),
                        ("scratch_database_url in [tool.pgshift]",
                         options.project.scratch_database_url)):
        if url is None:
            continue
        if not url.strip():
            raise ConnectionFailed(f"{source} is set but empty: give a server URL (unset it to"
                                   " make scratch databases on the embedded PostgreSQL)")
        keep_secret(url)
        emit(logging.getLogger("pgshift"), NOTICE, "scratch_database",
             f"using a scratch database on {mask_password(url)} ({source})",
             server=mask_password(url))
        return url
    return None


@contextmanager
def set_up_scratch(options: Options, embedded: EmbeddedPostgres | None, err: TextIO,
                   override: str | None = None) -> Iterator[Scratch]:
    """A scratch database on the server `scratch_server` names, the project's setup script
    run in it; dropped afterwards, also when the script fails."""
    server = scratch_server(options, override)
    with scratch_database(options.project, embedded, err, server) as url:
        yield Scratch(url, run_setup(options.project, url))


def run_setup(project: Project, url: str) -> Snapshot:
    """Run the scratch_setup script in the new database at `url` and return what it made
    ({} without a script). The whole file goes as one simple query, never prepared, as
    psql -1 would run it: one transaction unless it says BEGIN/COMMIT itself, so a failure
    leaves nothing behind, a role included."""
    if project.scratch_setup is None:
        return {}
    shown = project.relative(project.scratch_setup)
    try:
        text = project.scratch_setup.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as bad:
        why = bad.strerror if isinstance(bad, OSError) and bad.strerror else str(bad)
        raise ScratchSetupFailed(f"scratch_setup {shown} cannot be read: {why}") from None
    if not text.strip():
        return {}
    with psycopg.connect(url, autocommit=True) as connection:
        before = snapshot(connection)
        try:
            connection.execute(text.encode(), prepare=False)
        except psycopg.Error as error:
            raise ScratchSetupFailed(_failure(shown, text, error)) from None
    with psycopg.connect(url, autocommit=True) as connection:  # the script's SETs gone
        after = snapshot(connection)
    return {kind: [row for row in rows if row not in before.get(kind, [])]  # rows hold lists
            for kind, rows in after.items()}


def _failure(shown: str, text: str, error: psycopg.Error) -> str:
    """The script's error: where in the file (when PostgreSQL says), with the line and a
    caret, then PostgreSQL's SQLSTATE, message, detail, hint and context."""
    server = ServerError.of(error)
    lines = [f"the scratch_setup script {shown} failed in the scratch database:"]
    if server.position is not None:
        before = text[: max(server.position - 1, 0)]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        source = text.split("\n")[line - 1].rstrip("\r")
        lines += [f"{shown}:{line}:{column}:", f"    {source}",
                  "    " + " " * (column - 1) + "^"]
    lines.append(mask_password(server.describe()))
    if error.diag.context:
        lines.append(f"CONTEXT: {error.diag.context.strip()}")
    if server.sqlstate == "42710":  # duplicate_object: a role made by an earlier run
        lines.append("Roles are the server's, not the database's: make one only when it is"
                     " missing (a DO block that ignores duplicate_object; docs/cli.md).")
    lines.append("It runs as one transaction (unless it commits itself), so nothing of it"
                 " remains, a role included; the scratch database is dropped.")
    return "\n".join(lines)


def leave_out_platform(platform: Snapshot, expected: Snapshot,
                       actual: Snapshot) -> tuple[Snapshot, Snapshot]:
    """`expected` and `actual` without what the platform provides, so that drift and
    baseline compare only what the migrations make. Left out: each object the setup script
    made that the migrations left as it was (on both sides: the platform's real one may be
    defined otherwise, or come from an extension), and, on the live side, objects the
    migrations do not make inside a schema or under a table the script made (the rest of
    `auth`, the other columns of `auth.users`)."""
    if not any(platform.values()):
        return expected, actual
    schemas = {row[0] for row in platform.get("schemas", [])}
    tables = {row[:2] for row in platform.get("tables", [])}
    kept_expected: Snapshot = {}
    kept_actual: Snapshot = {}
    for kind, width in KEY_FIELDS.items():
        provided = {row[:width]: row for row in platform.get(kind, [])}
        rows = expected.get(kind, [])
        theirs = {row[:width] for row in rows if provided.get(row[:width]) == row}
        kept_expected[kind] = [row for row in rows if row[:width] not in theirs]
        ours = {row[:width] for row in kept_expected[kind]}
        kept_actual[kind] = [row for row in actual.get(kind, [])
                             if row[:width] in ours
                             or not (row[:width] in theirs
                                     or _inside(kind, row, schemas, tables))]
    for kind in expected.keys() - KEY_FIELDS.keys():
        kept_expected[kind] = expected[kind]
    for kind in actual.keys() - KEY_FIELDS.keys():
        kept_actual[kind] = actual[kind]
    return kept_expected, kept_actual


def _inside(kind: str, row: tuple[Any, ...], schemas: set[Any], tables: set[Any]) -> bool:
    """Whether a catalog row lies in one of the platform's schemas or tables."""
    if kind in ("schemas", "extensions"):
        return False
    return row[0] in schemas or (kind in _OF_A_TABLE and row[:2] in tables)
