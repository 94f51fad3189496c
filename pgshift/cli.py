"""The `pgshift` command line: thin argument handling over one function per command.

Expected failures print one clear message and exit with the code docs/cli.md gives;
only a bug shows a traceback, and only with --verbose.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn, TextIO

from . import __version__
from .collector import fewer_collections
from .durations import BadDuration, milliseconds
from .exit_codes import CommandFailed, ExitCode
from .project import Project, ProjectError

Handler = Callable[[argparse.Namespace, TextIO], int]


class _Parser(argparse.ArgumentParser):
    """argparse's parser, but a usage error that echoes the command line (`unrecognized
    arguments: --database-url postgres://app:secret@…`) does not print the password."""

    def error(self, message: str) -> NoReturn:
        from .runner.urls import mask_passwords_in

        super().error(mask_passwords_in(message))


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def _command(commands: argparse._SubParsersAction[_Parser], name: str,
             parents: list[_Parser], summary: str, description: str,
             examples: list[str], handler: Handler) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        name, parents=parents, help=summary, description=description,
        epilog=_examples(*examples), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pgshift",
        description="Declarative, compiled schema migrations for PostgreSQL and pgvector.",
        epilog=_examples("pgshift new add_language", "pgshift compile", "pgshift check",
                         "pgshift sql 0.0.1 --down"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pgshift {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    common = _Parser(add_help=False)
    common.add_argument("--project", metavar="DIR", default=".", type=Path,
                        help="the project directory (default: the current directory)")
    common.add_argument("--verbose", "-v", action="store_true",
                        help="show more detail, and a traceback for internal errors")

    compile_ = _command(commands, "compile", [common], "compile migrations/ into generated/",
                        "Parse and check every migration in version order, then write"
                        " generated/postgresql.py and generated/schema.sql. Exits 3, writing"
                        " nothing, when a migration does not compile. Every diagnostic has a"
                        " code, listed in docs/errors.md.",
                        ["pgshift compile", "pgshift compile --project ~/src/rag-app",
                         "pgshift compile --format json | jq '.diagnostics[].code'"], _compile)
    check = _command(commands, "check", [common],
                     "fail when a migration is wrong or generated/ is stale",
                     "Compile in memory and compare with generated/: exits 3 when a migration"
                     " does not compile, 4 when generated/ is stale, 0 when all is well. Made"
                     " for CI.",
                     ["pgshift check", "pgshift check --project services/api",
                      "pgshift check --format json"], _check)
    for diagnosing in (compile_, check):
        diagnosing.add_argument("--format", choices=["text", "json"], default="text",
                                help="diagnostics as text for people (default), or as one"
                                     " JSON object on stdout for scripts")
    plan = _command(commands, "plan", [common], "list what each migration does to a live table",
                    "Compile every migration and list, in version order, the statements each"
                    " one runs, each with the table locks it takes (and what they block) and"
                    " whether it scans or rewrites the table; non-transactional and"
                    " irreversible migrations are marked.",
                    ["pgshift plan", "pgshift plan --json | jq '.migrations[-1]'"], _plan)
    plan.add_argument("--json", action="store_true", help="print one JSON object")
    lint = _command(commands, "lint", [common], "run the safety lint",
                    "Compile every migration and report what the safety lint finds: locks"
                    " held on existing tables while they are scanned, rewritten or indexed,"
                    " lost data, renames the running application does not know, and more"
                    " (docs/safety.md). Exit 20 when a finding is one [tool.pgshift.lint]"
                    " makes an error, 3 when a migration does not compile.",
                    ["pgshift lint", "pgshift lint --format json", "pgshift lint --rules"],
                    _lint)
    lint.add_argument("--format", choices=["text", "json"], default="text",
                      help="text for people (default), json for scripts")
    lint.add_argument("--rules", action="store_true",
                      help="list the rules with their levels instead")
    new = _command(commands, "new", [common], "create the next migration file",
                   "Create migrations/VERSION_NAME.shift with the version after the newest"
                   " one (0.0.9 → 0.0.10; timestamp histories get the current UTC time).",
                   ["pgshift new add_language", "pgshift new 'split documents'"], _new)
    new.add_argument("name", metavar="NAME", help="what the migration does, e.g. add_language")
    sql = _command(commands, "sql", [common], "print the SQL of one migration",
                   "Print the Up SQL of migration VERSION, or its derived Down with --down"
                   " (exit 18 when the migration is irreversible).",
                   ["pgshift sql 0.0.1", "pgshift sql 0.0.2 --down"], _sql)
    sql.add_argument("version", metavar="VERSION", help="the migration's version, e.g. 0.0.2")
    sql.add_argument("--down", action="store_true", help="print the derived Down instead")
    database = _Parser(add_help=False)
    database.add_argument("--database-url", metavar="URL",
                          help="the database (default: $DATABASE_URL, else the embedded"
                               " PostgreSQL in .pgshift/)")
    database.add_argument("--table", metavar="SCHEMA.TABLE",
                          help="the migration history table (default: history_table in"
                               " [tool.pgshift], else public.schema_migrations)")
    database.add_argument("--log-format", choices=["text", "json"], default="text",
                          help="how to print what happens on stderr: lines for people"
                               " (default), or one JSON object per event for machines"
                               " (docs/operations.md)")
    guarded = _Parser(add_help=False)
    guarded.add_argument("--wait", metavar="SECONDS", type=float,
                         help="when another instance holds the migration lock, wait up to"
                              " SECONDS for it instead of stopping (exit 10)")
    guarded.add_argument("--ignore-checksums", action="store_true",
                         help="apply even if an applied migration was edited since")
    guarded.add_argument("--lock-timeout", metavar="DURATION",
                         help="how long each statement may wait for a table lock before its"
                              " migration is rolled back and tried again, e.g. 500ms, 2s; 0"
                              " waits without limit (default: lock_timeout in [tool.pgshift],"
                              " else 500ms; a migration's header sets its own)")
    guarded.add_argument("--lock-retries", metavar="N", type=int,
                         help="how many times a migration whose locks timed out is tried"
                              " again (default: lock_retries in [tool.pgshift], else 30)")
    guarded.add_argument("--lock-wait-budget", metavar="DURATION",
                         help="how long in all to keep trying a migration whose locks time"
                              " out, e.g. 90s, 10min; a plain number is seconds (default:"
                              " lock_wait_budget in [tool.pgshift], else 5min)")
    guarded.add_argument("--statement-timeout", metavar="DURATION",
                         help="cancel a migration statement that runs longer, e.g. 30min"
                              " (default: statement_timeout in [tool.pgshift], else the"
                              " server's)")
    db_parents = [common, database]
    scratch = _Parser(add_help=False)  # the commands that rebuild a schema in a scratch database
    scratch.add_argument("--scratch-database-url", metavar="URL",
                         help="make the scratch database on this server (its role needs"
                              " CREATEDB; default: $PGSHIFT_SCRATCH_DATABASE_URL, else"
                              " scratch_database_url in [tool.pgshift], else the embedded"
                              " PostgreSQL); a script named in [tool.pgshift] runs in it"
                              " first, for what a platform provides (roles, extensions):"
                              " scratch_setup = \"db/platform.sql\" (docs/cli.md#platforms)")

    _command(commands, "init", [common], "scaffold a pgshift project",
             "Create migrations/ and generated/, a [tool.pgshift] section in pyproject.toml,"
             " and a .gitignore entry for .pgshift/ (where the embedded database lives).",
             ["pgshift init", "pgshift init --project ~/src/new-app"], _init)
    up = _command(commands, "up", [*db_parents, guarded, scratch], "apply pending migrations",
                  "Apply pending migrations in version order under the migration lock, each"
                  " in its own transaction with its history row (non-transactional ones are"
                  " marked dirty while they run). Stops with exit 4 when generated/ is stale.",
                  ["pgshift up", "pgshift up --to 0.0.3", "pgshift up --dry-run > plan.sql",
                   "pgshift up --atomic", "pgshift up --rehearse",
                   "pgshift up --rehearse --scratch-database-url postgresql://ci@db/postgres",
                   "DATABASE_URL=postgresql://app@db/rag pgshift up --wait 60"], _up)
    up.add_argument("--to", metavar="VERSION", help="apply up to and including VERSION")
    up.add_argument("--dry-run", action="store_true",
                    help="print the SQL that would run, after the same checks; change nothing")
    up.add_argument("--no-check", action="store_true",
                    help="apply generated/ even if migrations/ changed since it was compiled")
    up.add_argument("--out-of-order", action="store_true",
                    help="apply a pending migration older than the newest applied one (a"
                         " branch merged late); refused otherwise, exit 23")
    up.add_argument("--atomic", action="store_true",
                    help="apply every pending migration in one transaction, all or nothing;"
                         " refused, before anything runs, when one cannot run in a"
                         " transaction")
    up.add_argument("--rehearse", action="store_true",
                    help="run the pending migrations on a schema-only copy of the database"
                         " (pg_dump --schema-only into the embedded PostgreSQL) and report"
                         " what would fail and each statement's time; change nothing")
    up.add_argument("--rehearse-on-server", action="store_true",
                    help="the same, with the copy a throwaway database on the database's own"
                         " server (its role needs CREATEDB)")
    up.add_argument("--repair", action="store_true",
                    help="first repair a dirty database where that is safe, as `pgshift"
                         " repair` does")
    up.add_argument("--no-rollback", action="store_true",
                    help="leave a non-transactional migration that fails part-way as it"
                         " stopped, marked dirty, instead of undoing what it applied")
    down = _command(commands, "down", [*db_parents, guarded], "revert applied migrations",
                    "Revert the newest N applied migrations (default 1), or every one newer"
                    " than --to VERSION, running their derived Down. Exit 18 if one of them"
                    " is irreversible (then nothing is reverted).",
                    ["pgshift down", "pgshift down 3", "pgshift down --to 0.0.1"], _down)
    down.add_argument("steps", metavar="N", type=int, nargs="?",
                      help="how many migrations to revert (default 1)")
    down.add_argument("--to", metavar="VERSION", help="revert everything newer than VERSION")
    down.add_argument("--dry-run", action="store_true",
                      help="print the Down SQL that would run; change nothing")
    status = _command(commands, "status", db_parents, "show applied and pending migrations",
                      "Show the database in use (password masked), the current version and"
                      " dirty flag, what is applied and what is pending. --json prints one"
                      " object for scripts (docs/cli.md).",
                      ["pgshift status", "pgshift status --json | jq .current_version",
                       "pgshift status --check && echo up to date"],
                      _status)
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.add_argument("--check", action="store_true",
                        help="exit non-zero unless the database is clean and up to date: 13"
                             " dirty, 17 unknown versions, 16 an applied migration edited, 22"
                             " pending migrations (a deploy's health check)")
    history = _command(commands, "history", db_parents, "show the migration history table",
                       "Show every row of the history table: when each version was applied,"
                       " by whom, how long it took, and the failing statement of a dirty one.",
                       ["pgshift history", "pgshift history --json"], _history)
    history.add_argument("--json", action="store_true", help="print one JSON object")
    force = _command(commands, "force", db_parents, "record a version without running anything",
                     "Record VERSION as the current version and clear the dirty flag: newer"
                     " records are removed, older known migrations recorded as applied. For"
                     " after a failed non-transactional migration was repaired by hand (try"
                     " `pgshift repair` first). `none` records that no migration is applied.",
                     ["pgshift force 0.0.2", "pgshift force none"], _force)
    force.add_argument("version", metavar="VERSION",
                       help="the version the database is now at, or none")
    drift = _command(commands, "drift", [*db_parents, scratch],
                     "compare the live schema with what its migrations build",
                     "Build, in a scratch database (on the embedded PostgreSQL, or the scratch"
                     " server; the scratch_setup script run there first), the schema that"
                     " the database's applied migrations should have made, and compare it with"
                     " the live one object by object: exit 19 when something was changed by"
                     " hand, 0 when they match. Nothing in the live database is changed.",
                     ["pgshift drift", "pgshift drift --json --database-url $DATABASE_URL",
                      "pgshift drift --scratch-database-url postgresql://ci@db/postgres"],
                     _drift)
    drift.add_argument("--json", action="store_true", help="print one JSON object")
    repair = _command(commands, "repair", [*db_parents, scratch],
                      "settle a dirty database where that is safe",
                      "Compare a dirty version (a non-transactional migration that stopped"
                      " part-way) with what it should make, object by object, in a scratch"
                      " database: when everything it changes is applied, mark it clean; when"
                      " nothing is (an INVALID index from its failed concurrent build is"
                      " dropped), remove its row so that `up` retries it; otherwise explain"
                      " each object and leave it for `pgshift force` (exit 13).",
                      ["pgshift repair --dry-run", "pgshift repair", "pgshift up --repair",
                       "PGSHIFT_SCRATCH_DATABASE_URL=postgresql://ci@db/postgres pgshift repair"],
                      _repair)
    repair.add_argument("--dry-run", action="store_true",
                        help="say what it finds and would do; change nothing")
    repair.add_argument("--wait", metavar="SECONDS", type=float,
                        help="when another instance holds the migration lock, wait up to"
                             " SECONDS for it instead of stopping (exit 10)")
    pull = _command(commands, "pull", db_parents, "write the live schema as a migration",
                    "Read the live database's catalog and write one migration that recreates"
                    " it exactly: extensions, enums, tables, constraints, indexes and comments"
                    " in the language, and what the language does not model (functions,"
                    " views, triggers, policies, sequences) as sql blocks with a down, each"
                    " named in a warning. The first step of adopting an existing database:"
                    " then `pgshift compile` and `pgshift baseline VERSION`.",
                    ["pgshift pull --database-url $DATABASE_URL",
                     "pgshift pull --schema public --schema rag --version 0.0.1 --name initial",
                     "pgshift pull --stdout | less"], _pull)
    pull.add_argument("--schema", dest="schemas", metavar="NAME", action="append",
                      help="a schema to read (repeatable; default: public)")
    pull.add_argument("--version", dest="pull_version", metavar="V",
                      help="the migration's version (default: 0.0.1, or the next after the"
                           " newest in migrations/)")
    pull.add_argument("--name", metavar="NAME", default="initial_schema",
                      help="the migration's description (default: initial_schema)")
    pull.add_argument("--stdout", action="store_true",
                      help="print the migration instead of writing a file")
    pull.add_argument("--force", action="store_true",
                      help="overwrite a migration file that already exists")
    baseline = _command(commands, "baseline", [*db_parents, scratch],
                        "record an existing schema's migrations as applied",
                        "Record every migration up to VERSION as applied without running it,"
                        " after building them in a scratch database and checking that what"
                        " they create exists in the live database as compiled. Refuses (exit"
                        " 19), listing each difference, when it does not, unless --force."
                        " Objects the migrations do not create are listed and left alone.",
                        ["pgshift baseline 0.0.1", "pgshift baseline 0.0.1 --dry-run",
                         "pgshift baseline 0.0.3 --force",
                         "pgshift baseline 0.0.1 --scratch-database-url postgresql://ci@db/pg"],
                        _baseline)
    baseline.add_argument("version", metavar="VERSION")
    baseline.add_argument("--force", action="store_true",
                          help="record it even when the live schema differs")
    baseline.add_argument("--dry-run", action="store_true",
                          help="compare and say what it would record; change nothing")
    baseline.add_argument("--json", action="store_true", help="print one JSON object")
    baseline.add_argument("--scratch-on-server", action="store_true",
                          help="build the migrations in a throwaway database on the target's"
                               " server (its role needs CREATEDB) instead of the embedded"
                               " PostgreSQL: for extensions the embedded one lacks")
    verify = _command(commands, "verify", [*db_parents, scratch],
                      "prove every Down on a scratch database",
                      "On a scratch database (a new one on the embedded PostgreSQL, or on the"
                      " server of --database-url or the scratch server, dropped afterwards;"
                      " the scratch_setup script run there first), apply each migration's"
                      " Up, its Down and its Up again, comparing full catalog snapshots: exit"
                      " 21 naming the first migration whose Down does not restore the catalog,"
                      " with the difference. No database of yours is touched.",
                      ["pgshift verify", "pgshift verify --from 0.0.40",
                       "pgshift verify --json --database-url postgresql://ci@localhost/postgres"],
                      _verify)
    verify.add_argument("--from", dest="start", metavar="VERSION",
                        help="only apply the migrations before VERSION; prove it and those after")
    verify.add_argument("--no-check", action="store_true",
                        help="verify generated/ even if migrations/ changed since it was compiled")
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    db = _command(commands, "db", db_parents, "print the database URL, or open psql on it",
                  "Print the URL of the database in use with the password masked; --psql"
                  " opens psql on it (the embedded server's own psql when none is installed).",
                  ["pgshift db", "pgshift db --psql"], _db)
    db.add_argument("--psql", action="store_true", help="open psql on the database")
    return parser


def _options(args: argparse.Namespace) -> Any:
    from .commands.target import Options

    wait = getattr(args, "wait", None)
    if wait is not None and not (math.isfinite(wait) and wait >= 0):
        raise CommandFailed(f"--wait takes a number of seconds, at least 0, not {wait:g}",
                            ExitCode.USAGE)
    from .commands.log_output import configure

    configure(args.verbose, args.log_format)
    project = Project.load(args.project)
    timeouts, retry = project.timeouts, project.retry
    try:
        if getattr(args, "lock_timeout", None) is not None:
            timeouts = replace(timeouts, lock_timeout_ms=milliseconds(args.lock_timeout))
        if getattr(args, "statement_timeout", None) is not None:
            timeouts = replace(timeouts,
                               statement_timeout_ms=milliseconds(args.statement_timeout))
        if getattr(args, "lock_wait_budget", None) is not None:
            retry = replace(retry,
                            budget_s=milliseconds(args.lock_wait_budget, bare="s") / 1000)
    except BadDuration as bad:
        raise CommandFailed(str(bad), ExitCode.USAGE) from None
    if getattr(args, "lock_retries", None) is not None:
        if args.lock_retries < 0:
            raise CommandFailed(f"--lock-retries takes a count, 0 or more, not"
                                f" {args.lock_retries}", ExitCode.USAGE)
        retry = replace(retry, retries=args.lock_retries)
    return Options(project, args.database_url, project.history_table_for(args.table),
                   args.verbose, timeouts, retry,
                   scratch_url=getattr(args, "scratch_database_url", None))


def _init(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.init import init_project

    args.project.mkdir(parents=True, exist_ok=True)
    return init_project(Project.load(args.project), out)


def _up(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.database import up

    options = replace(_options(args), undo=not args.no_rollback)
    if args.rehearse or args.rehearse_on_server:
        from .commands.rehearse import rehearse

        return rehearse(options, out, sys.stderr, target_version=args.to,
                        on_server=args.rehearse_on_server, check_fresh=not args.no_check,
                        ignore_checksums=args.ignore_checksums, out_of_order=args.out_of_order)
    if args.repair and not args.dry_run:
        from .commands.repair import repair

        repair(options, out, sys.stderr, dry_run=False, wait=args.wait, quiet_when_clean=True)
    return up(options, out, sys.stderr, target_version=args.to, wait=args.wait,
              check_fresh=not args.no_check, ignore_checksums=args.ignore_checksums,
              dry_run=args.dry_run, atomic=args.atomic, out_of_order=args.out_of_order)


def _down(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.database import down

    if args.steps is not None and args.to is not None:
        print("pgshift: error: give N or --to VERSION, not both", file=sys.stderr)
        return int(ExitCode.USAGE)
    if args.steps is not None and args.steps < 1:
        print(f"pgshift: error: N is how many migrations to revert, at least 1, not"
              f" {args.steps}", file=sys.stderr)
        return int(ExitCode.USAGE)
    steps = args.steps if args.steps is not None else (None if args.to else 1)
    return down(_options(args), out, sys.stderr, steps=steps, target_version=args.to,
                wait=args.wait, ignore_checksums=args.ignore_checksums, dry_run=args.dry_run)


def _status(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.database import status

    return status(_options(args), out, sys.stderr, as_json=args.json, check=args.check)


def _history(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.database import history

    return history(_options(args), out, sys.stderr, as_json=args.json)


def _force(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.database import force

    return force(_options(args), out, sys.stderr, version=args.version)


def _drift(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.drift import drift

    return drift(_options(args), out, sys.stderr, as_json=args.json)


def _pull(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.pull import pull

    return pull(_options(args), out, sys.stderr, schemas=args.schemas or ["public"],
                version=args.pull_version, name=args.name, to_stdout=args.stdout,
                overwrite=args.force)


def _baseline(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.baseline import baseline

    return baseline(_options(args), out, sys.stderr, version=args.version, force=args.force,
                    dry_run=args.dry_run, as_json=args.json,
                    scratch_on_server=args.scratch_on_server)


def _repair(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.repair import repair

    return repair(_options(args), out, sys.stderr, dry_run=args.dry_run, wait=args.wait)


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.verify import verify

    return verify(_options(args), out, sys.stderr, start=args.start,
                  check_fresh=not args.no_check, as_json=args.json)


def _db(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.shell import db

    return db(_options(args), out, sys.stderr, psql=args.psql)


def _compile(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import compile_project

    return compile_project(Project.load(args.project), out, sys.stderr, args.verbose,
                           args.format == "json")


def _check(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import check_project

    return check_project(Project.load(args.project), out, sys.stderr, args.verbose,
                         args.format == "json")


def _plan(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import plan_project

    return plan_project(Project.load(args.project), out, sys.stderr, args.verbose, args.json)


def _lint(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.lint import lint_project, list_rules

    project = Project.load(args.project)
    if args.rules:
        return list_rules(project, out, args.format == "json")
    return lint_project(project, out, sys.stderr, args.format == "json")


def _new(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.new import new_migration

    return new_migration(Project.load(args.project), args.name, out)


def _sql(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import sql_for_version

    return sql_for_version(Project.load(args.project), args.version, args.down, out,
                           sys.stderr, args.verbose)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code. A reader of its output that went away early (a
    closed pipe) is no error: the exit code is then SIGPIPE's, as for `git log | head`."""
    from .closed_pipe import READER_GONE, readers_may_leave

    with readers_may_leave() as reader_gone:
        code = _main(argv)
    return READER_GONE if reader_gone[0] and code == ExitCode.OK else code


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error already printed
        return int(ExitCode.USAGE if exit_.code else ExitCode.OK)
    from .commands.log_output import LogFormat, print_error
    from .runner.errors import RunnerError

    log_format: LogFormat = "json" if getattr(args, "log_format", "") == "json" else "text"
    try:
        with fewer_collections():
            return int(args.handler(args, sys.stdout))
    except CommandFailed as failed:
        print_error(str(failed), failed.code, log_format)
        return int(failed.code)
    except RunnerError as failed:
        print_error(str(failed), failed.exit_code, log_format,
                    list(getattr(failed, "__notes__", [])))
        return int(failed.exit_code)
    except ProjectError as bad:
        print_error(str(bad), ExitCode.CONFIG, log_format)
        return int(ExitCode.CONFIG)
    except OSError as failed:  # the file system's refusal (read-only, full, not a directory)
        where = f" ({failed.filename})" if failed.filename else ""
        print_error(f"{failed.strerror or failed}{where}", ExitCode.CONFIG, log_format)
        return int(ExitCode.CONFIG)
    except KeyboardInterrupt:
        print("pgshift: interrupted", file=sys.stderr)
        return 130
    except Exception as bug:  # a bug: say so plainly, traceback only on request
        if args.verbose:
            traceback.print_exc()
        from .runner.urls import mask_password  # a bug's text may quote a URL

        print(f"pgshift: internal error: {type(bug).__name__}: {mask_password(str(bug))}"
              " (run with --verbose for the traceback, and please report it)", file=sys.stderr)
        return int(ExitCode.INTERNAL)


def run() -> NoReturn:
    """The `pgshift` command: `main()`, then the end of the process.

    After a command that loaded no database code and started no thread (compile, check,
    sql, new, …), the process ends at once once its output is flushed, without freeing
    its objects one by one: a compiled history is hundreds of thousands of them, ~0.05 s
    of a `pgshift compile`. mypy ends the same way. Any other command exits as usual, so
    whatever cleanup was registered (the embedded server's, say) runs.
    """
    code = main()
    if "psycopg" not in sys.modules and threading.active_count() == 1:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to deliver
                stream.flush()
        os._exit(code)
    raise SystemExit(code)

