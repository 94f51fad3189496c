"""The `pgshift` command line: thin argument handling over one function per command.

Expected failures print one clear message and exit with the code docs/cli.md gives;
only a bug shows a traceback, and only with --verbose.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .exit_codes import ExitCode
from .project import Project, ProjectError

Handler = Callable[[argparse.Namespace, TextIO], int]


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def _command(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
             parents: list[argparse.ArgumentParser], summary: str, description: str,
             examples: list[str], handler: Handler) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        name, parents=parents, help=summary, description=description,
        epilog=_examples(*examples), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pgshift",
        description="Declarative, compiled schema migrations for PostgreSQL and pgvector.",
        epilog=_examples("pgshift new add_language", "pgshift compile", "pgshift check",
                         "pgshift sql 0.0.1 --down"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pgshift {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--project", metavar="DIR", default=".", type=Path,
                        help="the project directory (default: the current directory)")
    common.add_argument("--verbose", "-v", action="store_true",
                        help="show more detail, and a traceback for internal errors")

    _command(commands, "compile", [common], "compile migrations/ into generated/",
             "Parse and check every migration in version order, then write"
             " generated/postgresql.py and generated/schema.sql. Exits 3, writing nothing,"
             " when a migration does not compile.",
             ["pgshift compile", "pgshift compile --project ~/src/rag-app"], _compile)
    _command(commands, "check", [common], "fail when a migration is wrong or generated/ is stale",
             "Compile in memory and compare with generated/: exits 3 when a migration does"
             " not compile, 4 when generated/ is stale, 0 when all is well. Made for CI.",
             ["pgshift check", "pgshift check --project services/api"], _check)
    _command(commands, "plan", [common], "list what each migration does",
             "Compile every migration and list, in version order, the statements each one"
             " runs, marking non-transactional and irreversible migrations.",
             ["pgshift plan"], _plan)
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
    return parser


def _compile(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import compile_project

    return compile_project(Project.load(args.project), out)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import check_project

    return check_project(Project.load(args.project), out)


def _plan(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import plan_project

    return plan_project(Project.load(args.project), out)


def _new(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.new import new_migration

    return new_migration(Project.load(args.project), args.name, out)


def _sql(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import sql_for_version

    return sql_for_version(Project.load(args.project), args.version, args.down, out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error already printed
        return int(ExitCode.USAGE if exit_.code else ExitCode.OK)
    from .commands.build import CommandFailed

    try:
        return int(args.handler(args, sys.stdout))
    except CommandFailed as failed:
        print(f"pgshift: error: {failed}", file=sys.stderr)
        return int(failed.code)
    except ProjectError as bad:
        print(f"pgshift: error: {bad}", file=sys.stderr)
        return int(ExitCode.CONFIG)
    except KeyboardInterrupt:
        print("pgshift: interrupted", file=sys.stderr)
        return 130
    except Exception as bug:  # a bug: say so plainly, traceback only on request
        if args.verbose:
            traceback.print_exc()
        print(f"pgshift: internal error: {type(bug).__name__}: {bug}"
              " (run with --verbose for the traceback, and please report it)", file=sys.stderr)
        return int(ExitCode.INTERNAL)
