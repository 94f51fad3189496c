"""`pgshift pull`: write the live database's schema as the project's first migration."""

from __future__ import annotations

from typing import TextIO

import psycopg

from ..adopt.reading import read_database
from ..adopt.writing import PullError, write_migration
from ..atomic import write_whole
from ..compiler.sources import discover
from ..dsl.filename import BadFileName, parse_file_name
from ..exit_codes import CommandFailed, ExitCode
from ..runner.errors import ConnectionFailed
from ..runner.postgres import split_table_name
from ..runner.urls import mask_password
from .new import slug
from .target import Options, open_target


def pull(options: Options, out: TextIO, err: TextIO, *, schemas: list[str],
         version: str | None, name: str, to_stdout: bool, overwrite: bool) -> int:
    """Read the target's catalog and write (or print) one migration that recreates it."""
    project = options.project
    file_name = _file_name(version or "0.0.1", name)
    path = project.migrations_dir / file_name
    if not to_stdout:
        _check_room(options, file_name, overwrite)
    with open_target(project, options.database_url, err) as target:
        try:
            connection = psycopg.connect(target.url, autocommit=True)
        except psycopg.Error as failure:  # a URL libpq cannot parse, too: it quotes the URL
            raise ConnectionFailed(_cannot_read(target.url, failure)) from None
        try:
            with connection:
                database = read_database(connection, schemas,
                                         split_table_name(options.table))
        except psycopg.OperationalError as failure:
            raise ConnectionFailed(_cannot_read(target.url, failure)) from None
    missing = [s for s in schemas if s not in database.schemas]
    if missing:
        raise CommandFailed(f"{target.shown} has no schema {', '.join(missing)}: nothing was"
                            " written", ExitCode.USAGE)
    if database.empty:
        print(f"nothing to pull: {target.shown} has no extension, type, table or other object"
              f" in {', '.join(schemas)}; nothing was written", file=out)
        return int(ExitCode.OK)
    try:
        pulled = write_migration(database, file_name,
                                 history_table=split_table_name(options.table))
    except PullError as failure:
        raise CommandFailed(f"{failure} (please report it, with `pgshift pull --stdout`'s"
                            " output where you can share it); nothing was written",
                            ExitCode.INTERNAL) from None
    for warning in pulled.warnings:
        print(f"pgshift: warning: {warning}", file=err)
    if to_stdout:
        out.write(pulled.text)
        return int(ExitCode.OK)
    write_whole(path, lambda stream: stream.write(pulled.text.encode()))
    if not path.is_file():
        raise CommandFailed(f"cannot write {project.relative(path)}", ExitCode.CONFIG)
    counts = ", ".join(_plural(count, what) for what, count in pulled.counts.items() if count)
    warned = f" ({_plural(len(pulled.warnings), 'warning')} above)" if pulled.warnings else ""
    version_written = file_name.split("_", 1)[0]
    print(f"wrote {project.relative(path)} from {target.shown}: {counts or 'an empty schema'}"
          f"{warned}\nnext: `pgshift compile`, then `pgshift baseline {version_written}` on"
          " that database to record it as applied there", file=out)
    return int(ExitCode.OK)


def _plural(count: int, what: str) -> str:
    ending = "" if count == 1 else "es" if what.endswith("x") else "s"
    return f"{count} {what}{ending}"


def _cannot_read(url: str, failure: psycopg.Error) -> str:
    first_line = (str(failure).strip() or type(failure).__name__).splitlines()[0]
    return mask_password(f"cannot read {url}: {first_line}", url)


def _file_name(version: str, name: str) -> str:
    description = slug(name)
    file_name = f"{version}_{description}.shift"
    try:
        parse_file_name(file_name)
    except BadFileName as bad:
        raise CommandFailed(f"--version {version} --name {name}: {bad}", ExitCode.USAGE) from None
    return file_name


def _check_room(options: Options, file_name: str, overwrite: bool) -> None:
    """The pulled schema is a whole schema: it can only be the project's first migration."""
    project = options.project
    sources, _ = discover(project.migrations_dir, project.root)
    others = [s for s in sources if s.path.name != file_name]
    if others:
        raise CommandFailed(
            f"{project.relative(project.migrations_dir)}/ already holds"
            f" {len(others)} migration{'s' * (len(others) != 1)}, and a pulled schema is"
            " a whole schema, a first migration: pull into a new project (--project DIR), or"
            " print it (--stdout). To compare a database with your migrations, use"
            " `pgshift drift`", ExitCode.USAGE)
    target = project.migrations_dir / file_name
    if target.exists() and not overwrite:
        raise CommandFailed(f"{project.relative(target)} already exists: --force replaces it",
                            ExitCode.USAGE)
