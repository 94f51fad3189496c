"""The commands that move or read a database's migration state: up, down, status,
history and force."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TextIO

from ..exit_codes import ExitCode
from ..runner.events import NOTICE, emit
from ..runner.manager import Manager, Status, new_migration_manager
from ..runner.migration import Migration, sql_script
from ..runner.protocol import AppliedMigration
from ..terminal_text import shown
from .progress import Progress
from .target import Options, Target, generated_migrations, logger_for, migrator_for, open_target


def up(options: Options, out: TextIO, err: TextIO, *, target_version: str | None,
       wait: float | None, check_fresh: bool, ignore_checksums: bool,
       dry_run: bool = False, atomic: bool = False, out_of_order: bool = False) -> int:
    module = generated_migrations(options.project, check_fresh)
    if dry_run:
        return _dry_run(options, out, err, "apply", lambda manager: [
            (m, m.up_sql) for m in manager.to_apply(
                module.migrations, target=target_version, ignore_checksums=ignore_checksums,
                out_of_order=out_of_order)])

    def apply(manager: Manager, progress: Progress) -> list[Migration]:
        return manager.run(module.migrations, target=target_version, wait=wait,
                           ignore_checksums=ignore_checksums, progress=progress.step,
                           atomic=atomic, out_of_order=out_of_order)

    return _move(options, out, err, ("applying", "applied", "apply", "to"), apply)


def _dry_run(options: Options, out: TextIO, err: TextIO, verb: str,
             choose: Callable[[Manager], list[tuple[Migration, tuple[str, ...]]]]) -> int:
    """Print the SQL a run would execute, after the same checks; change nothing."""
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options) as migrator:
        chosen = choose(new_migration_manager(migrator, logger_for(options.verbose)))
    for migration, statements in chosen:
        kind = "" if migration.transactional else ", not transactional"
        print(f"-- {verb} {migration.version} ({migration.description}{kind};"
              f" {_session_settings(options, migration)})", file=out)
        out.write(sql_script(statements) + "\n")
    count = len(chosen)
    emit(logger_for(options.verbose), NOTICE, "dry_run",
         f"dry run: would {verb} {count} migration{'s' * (count != 1)} on {target.shown};"
         " nothing was changed", count=count, database=target.shown)
    return int(ExitCode.OK)


def _session_settings(options: Options, migration: Migration) -> str:
    """`lock_timeout 500ms, statement_timeout 30000ms`: what the run sets for a migration."""
    lock = (migration.lock_timeout_ms if migration.lock_timeout_ms is not None
            else options.timeouts.lock_timeout_ms)
    statement = (migration.statement_timeout_ms if migration.statement_timeout_ms is not None
                 else options.timeouts.statement_timeout_ms)
    shown = "the server's" if statement is None else f"{statement}ms"
    return f"lock_timeout {lock}ms, statement_timeout {shown}"


def _move(options: Options, out: TextIO, err: TextIO, words: tuple[str, str, str, str],
          action: Callable[[Manager, Progress], list[Migration]]) -> int:
    """Run `up` or `down` under a progress line, then say where the database ended up."""
    doing, done, do, preposition = words
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options) as migrator:
        progress = Progress(out, doing)
        moved = action(new_migration_manager(migrator, logger_for(options.verbose)), progress)
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


def status(options: Options, out: TextIO, err: TextIO, *, as_json: bool,
           check: bool = False) -> int:
    module = generated_migrations(options.project, check_fresh=False)
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options) as migrator:
        state = new_migration_manager(migrator).status(module.migrations)
    verdict = _health(state, module.migrations) if check else ExitCode.OK
    if as_json:
        print(json.dumps(_status_json(target, state), indent=2), file=out)
        return int(verdict)
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
    return int(verdict)


def _health(state: Status, migrations: list[Migration]) -> ExitCode:
    """What `status --check` exits with: the first of dirty (13), versions this build does
    not know (17), an applied migration edited since (16) and pending migrations (22)."""
    checksums = {m.version: m.checksum for m in migrations}
    if state.dirty:
        return ExitCode.DIRTY
    if state.unknown:
        return ExitCode.UNKNOWN_VERSIONS
    if any(checksums.get(a.version, a.checksum) != a.checksum for a in state.applied):
        return ExitCode.CHECKSUM_MISMATCH
    if state.pending:
        return ExitCode.PENDING
    return ExitCode.OK


def history(options: Options, out: TextIO, err: TextIO, *, as_json: bool) -> int:
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options) as migrator:
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
    """Record `version` (`none`: no migration applied) without running anything."""
    module = generated_migrations(options.project, check_fresh=False)
    at = None if version.lower() == "none" else version
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options) as migrator:
        at = new_migration_manager(migrator, logger_for(options.verbose)).force(
            module.migrations, at)
    where = f"at version {at}" if at is not None else "with no migration applied"
    print(f"recorded {target.shown} as {where} (clean); no migration was run", file=out)
    return int(ExitCode.OK)



def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "  (none)"
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=False)]
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
              for row in rows]
    lines = [shown(line) for line in lines]  # a description is the user's text
    return "\n".join(line.rstrip() for line in lines)

