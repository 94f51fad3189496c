"""One function per command: the parsed arguments handed to the command's function
(pgshift/commands/), with the options every database command shares read once."""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import replace
from typing import Any, TextIO

from .durations import BadDuration, milliseconds
from .exit_codes import CommandFailed, ExitCode
from .project import Project


def options_of(args: argparse.Namespace) -> Any:
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


def run_init(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.init import init_project

    args.project.mkdir(parents=True, exist_ok=True)
    return init_project(Project.load(args.project), out)


def run_up(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.database import up

    options = replace(options_of(args), undo=not args.no_rollback)
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


def run_down(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.database import down

    if args.steps is not None and args.to is not None:
        print("pgshift: error: give N or --to VERSION, not both", file=sys.stderr)
        return int(ExitCode.USAGE)
    if args.steps is not None and args.steps < 1:
        print(f"pgshift: error: N is how many migrations to revert, at least 1, not"
              f" {args.steps}", file=sys.stderr)
        return int(ExitCode.USAGE)
    steps = args.steps if args.steps is not None else (None if args.to else 1)
    return down(options_of(args), out, sys.stderr, steps=steps, target_version=args.to,
                wait=args.wait, ignore_checksums=args.ignore_checksums, dry_run=args.dry_run)


def run_status(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.database import status

    return status(options_of(args), out, sys.stderr, as_json=args.json, check=args.check)


def run_history(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.database import history

    return history(options_of(args), out, sys.stderr, as_json=args.json)


def run_force(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.database import force

    return force(options_of(args), out, sys.stderr, version=args.version)


def run_drift(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.drift import drift

    return drift(options_of(args), out, sys.stderr, as_json=args.json)


def run_pull(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.pull import pull

    return pull(options_of(args), out, sys.stderr, schemas=args.schemas or ["public"],
                version=args.pull_version, name=args.name, to_stdout=args.stdout,
                overwrite=args.force)


def run_baseline(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.baseline import baseline

    return baseline(options_of(args), out, sys.stderr, version=args.version, force=args.force,
                    dry_run=args.dry_run, as_json=args.json,
                    scratch_on_server=args.scratch_on_server)


def run_repair(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.repair import repair

    return repair(options_of(args), out, sys.stderr, dry_run=args.dry_run, wait=args.wait)


def run_verify(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.verify import verify

    return verify(options_of(args), out, sys.stderr, start=args.start,
                  check_fresh=not args.no_check, as_json=args.json)


def run_db(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.shell import db

    return db(options_of(args), out, sys.stderr, psql=args.psql)


def run_compile(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import compile_project

    return compile_project(Project.load(args.project), out, sys.stderr, args.verbose,
                           args.format == "json")


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import check_project

    return check_project(Project.load(args.project), out, sys.stderr, args.verbose,
                         args.format == "json")


def run_plan(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import plan_project

    return plan_project(Project.load(args.project), out, sys.stderr, args.verbose, args.json)


def run_lint(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.lint import lint_project, list_rules

    project = Project.load(args.project)
    if args.rules:
        return list_rules(project, out, args.format == "json")
    return lint_project(project, out, sys.stderr, args.format == "json")


def run_new(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.new import new_migration

    return new_migration(Project.load(args.project), args.name, out)


def run_sql(args: argparse.Namespace, out: TextIO) -> int:
    from .commands.build import sql_for_version

    return sql_for_version(Project.load(args.project), args.version, args.down, out,
                           sys.stderr, args.verbose)
