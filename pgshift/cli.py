"""The `pgshift` command line: thin argument handling over one function per command.

Expected failures print one clear message and exit with the code docs/cli.md gives;
only a bug shows a traceback, and only with --verbose.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .exit_codes import ExitCode
from .project import Project, ProjectError


class UsageError(Exception):
    pass


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pgshift",
        description="Declarative, compiled schema migrations for PostgreSQL and pgvector.",
        epilog=_examples("pgshift plan", "pgshift plan --project ~/src/rag-app"),
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

    plan = commands.add_parser(
        "plan", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="parse every migration and list what each one does",
        description="Parse every migration in migrations/ and list, in version order, what"
                    " each one does. Exits 3 with positioned errors when a file does not parse.",
        epilog=_examples("pgshift plan", "pgshift plan --project examples/rag"),
    )
    plan.set_defaults(handler=command_plan)
    return parser


def command_plan(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.plan import plan

    return plan(Project.load(args.project), out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error already printed
        return int(ExitCode.USAGE if exit_.code else ExitCode.OK)
    try:
        return int(args.handler(args, sys.stdout))
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
