"""`pgshift compile`, `check`, `plan` and `sql`: the build step and what reads its results."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..compiler.codegen import migration_sql, render_module, render_schema_file
from ..compiler.compiled_migration import CompiledMigration
from ..compiler.history import History, compile_history
from ..compiler.sql_scan import statements
from ..compiler.statement import WORK_WORDS, Statement
from ..dsl import Diagnostic, Severity, render
from ..exit_codes import CommandFailed, ExitCode
from ..project import Project
from ..runner.locks import what_it_blocks
from ..terminal_text import shown
from .lint_levels import LintLevels, is_lint_error
from .progress import Progress

MODULE = "postgresql.py"
SCHEMA = "schema.sql"
BAR_FROM = 50  # files to compile before a compile shows a progress bar


@dataclass(frozen=True, slots=True)
class Outputs:
    module: str
    schema: str


def build(project: Project, err: TextIO = sys.stderr, verbose: bool = False,
          out: TextIO | None = None, enforce_lint: bool = True,
          count_hidden: bool = True, json_out: TextIO | None = None) -> History:
    """Compile the project's history, printing diagnostics; raise when it does not compile
    (exit 3), or when the lint found what the project made an error (exit 20; not for
    commands that only show the SQL, `enforce_lint=False`).

    Warnings about migrations that generated/ was already built from were read when they
    were new; they are counted (unless `count_hidden` is False: `sql`, which only prints
    a migration), and shown again only with --verbose. With `json_out` (`--format json`)
    every diagnostic goes there instead, in one JSON object, for scripts. When `out` is a
    terminal and many files need compiling (a first compile of a long history), a
    progress bar runs on it meanwhile.
    """
    levels = LintLevels.of(project.lint)
    module = project.generated_dir / MODULE
    bar = (Progress(out, "compiling", lines=False, when_grown=True)
           if out is not None and out.isatty() else None)
    cache = project.cache_dir / "compile.pickle"
    try:
        history = compile_history(project.migrations_dir, project.root, cache, module,
                                  None if bar is None else _drawn_by(bar),
                                  project.history_key)
    finally:
        if bar is not None:
            bar.done()
    if history.cache_refused is not None:
        print(f"pgshift: ignoring the compile cache {project.relative(cache)}:"
              f" {history.cache_refused}", file=err)
    history.diagnostics = [shown for shown in map(levels.apply, history.diagnostics)
                           if shown is not None]
    if json_out is not None:
        print(json.dumps(diagnostics_json(history.diagnostics), indent=2), file=json_out)
    else:
        _print_diagnostics(project, history, err, verbose, count_hidden)
    if verbose:
        fresh = len(history.files) - history.reused
        print(f"pgshift: compiled {fresh} migration{'s' * (fresh != 1)}, reused"
              f" {history.reused} from the compile cache"
              f" ({project.relative(project.cache_dir)})", file=err)
    lint_errors = sum(map(is_lint_error, history.errors))
    errors = len(history.errors) - lint_errors
    if errors:
        raise CommandFailed(f"{errors} error{'s' * (errors != 1)} in the migrations",
                            ExitCode.COMPILE)
    if lint_errors and enforce_lint:
        raise CommandFailed(
            f"the lint found {lint_errors} change{'s' * (lint_errors != 1)} that"
            " [tool.pgshift.lint] makes an error: use the safe form its help line gives, or"
            " accept one with a `-- pgshift: allow CODE` comment", ExitCode.LINT)
    return history


def _print_diagnostics(project: Project, history: History, err: TextIO, verbose: bool,
                       count_hidden: bool) -> None:
    compiled = set(history.previously_compiled.values())
    hidden = 0
    for diagnostic in history.diagnostics:
        if (not verbose and diagnostic.severity is Severity.WARNING
                and diagnostic.file in compiled):
            hidden += 1
            continue
        print(shown(render(diagnostic, history.source(diagnostic.file))), file=err)
    if hidden and count_hidden:
        module = project.relative(project.generated_dir / MODULE)
        print(f"pgshift: {hidden} warning{'s' * (hidden != 1)} about migrations already in"
              f" {module} not shown (--verbose shows them)", file=err)


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    """One diagnostic for `--format json`: its code (docs/errors.md), severity, where, what."""
    span = diagnostic.span
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "help": diagnostic.help,
        "file": diagnostic.file,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
    }


def diagnostics_json(diagnostics: list[Diagnostic]) -> dict[str, Any]:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    return {"diagnostics": [diagnostic_json(d) for d in diagnostics], "errors": errors,
            "warnings": len(diagnostics) - errors}


def _drawn_by(bar: Progress) -> Callable[[int, int, str], None]:
    """A compile's progress, shown only when it has many files to compile."""
    def show(number: int, total: int, label: str) -> None:
        if total >= BAR_FROM:
            bar.show(number, total, label)

    return show


def outputs(project: Project, history: History) -> Outputs:
    migrations = project.relative(project.migrations_dir)
    return Outputs(render_module(history, migrations), render_schema_file(history))


def compile_project(project: Project, out: TextIO, err: TextIO = sys.stderr,
                    verbose: bool = False, as_json: bool = False) -> int:
    """Compile and write generated/; with `as_json`, stdout holds only the diagnostics'
    JSON object, and the line saying what was written goes to stderr."""
    try:
        history = build(project, err, verbose, None if as_json else out,
                        json_out=out if as_json else None)
    except CommandFailed as failed:
        raise CommandFailed(f"{failed}: nothing was written", failed.code) from None
    result = outputs(project, history)
    try:
        project.generated_dir.mkdir(parents=True, exist_ok=True)
        changed = [_write(project.generated_dir / MODULE, result.module),
                   _write(project.generated_dir / SCHEMA, result.schema)]
    except OSError as failure:
        raise CommandFailed(f"cannot write {project.relative(project.generated_dir)}/:"
                            f" {failure.strerror or failure}", ExitCode.CONFIG) from None
    count = len(history.migrations)
    where = project.relative(project.generated_dir / MODULE)
    state = "written" if any(changed) else "already up to date"
    print(f"compiled {count} migration{'s' * (count != 1)}: {where} {state}",
          file=err if as_json else out)
    return int(ExitCode.OK)


def _write(path: Path, text: str) -> bool:
    """Write `text` unless the file already holds it (compared only when the sizes agree)."""
    data = text.encode()
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.write_bytes(data)
    return True


def check_project(project: Project, out: TextIO, err: TextIO = sys.stderr,
                  verbose: bool = False, as_json: bool = False) -> int:
    history = build(project, err, verbose, None if as_json else out,
                    json_out=out if as_json else None)
    result = outputs(project, history)
    stale = [
        project.relative(path)
        for path, text in ((project.generated_dir / MODULE, result.module),
                           (project.generated_dir / SCHEMA, result.schema))
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    if stale:
        raise CommandFailed(f"{', '.join(stale)} {'is' if len(stale) == 1 else 'are'} stale:"
                            " run `pgshift compile` and commit the result", ExitCode.STALE)
    count = len(history.migrations)
    verb = "compiles" if count == 1 else "compile"
    print(f"ok: {count} migration{'s' * (count != 1)} {verb}, generated/ is up to date",
          file=err if as_json else out)
    return int(ExitCode.OK)


def plan_project(project: Project, out: TextIO, err: TextIO = sys.stderr,
                 verbose: bool = False, as_json: bool = False) -> int:
    """Each migration's Up, statement by statement, with the table locks each takes (and
    what they block while held or waited for) and what it does to the rows meanwhile."""
    history = build(project, err, verbose, enforce_lint=False)
    if as_json:
        print(json.dumps({"migrations": [_plan_json(m) for m in history.migrations]},
                         indent=2), file=out)
        return int(ExitCode.OK)
    if not history.migrations:
        print(f"no migrations in {project.relative(project.migrations_dir)}", file=out)
    for migration in history.migrations:
        flags = [] if migration.transactional else ["non-transactional"]
        if migration.down is None:
            flags.append("irreversible")
        suffix = f"  [{', '.join(flags)}]" if flags else ""
        print(f"{migration.version}  {migration.description}{suffix}", file=out)
        for statement in migration.up_statements:
            for line in _command_lines(statement.sql):
                print(f"    {shown(line[:96])}{'…' if len(line) > 96 else ''}", file=out)
            print(f"        {_effects(statement)}", file=out)
    return int(ExitCode.OK)


def _command_lines(sql: str) -> list[str]:
    """The first line of each command a statement holds: one for what the compiler wrote,
    one per command of a `sql` block that holds several, so that none runs unseen."""
    starts = [found.start for found in statements(sql)] or [0]
    return [sql[start:].strip().splitlines()[0] if sql[start:].strip() else ""
            for start in starts]


def _effects(statement: Statement) -> str:
    """`ACCESS EXCLUSIVE on documents (blocks reads and writes); rewrites the table …`"""
    locks = "; ".join(f"{lock.describe()} ({what_it_blocks(lock.mode)})"
                      for lock in statement.locks) or "no table lock"
    alone = "; runs outside a transaction" if statement.concurrently else ""
    return f"{locks}; {WORK_WORDS[statement.work]}{alone}"


def _plan_json(migration: CompiledMigration) -> dict[str, Any]:
    return {
        "version": migration.version,
        "description": migration.description,
        "transactional": migration.transactional,
        "reversible": migration.down is not None,
        "statements": [{
            "sql": statement.sql,
            "locks": [{"schema": lock.schema, "table": lock.table, "mode": lock.mode,
                       "blocks": what_it_blocks(lock.mode)} for lock in statement.locks],
            "work": statement.work,
            "concurrently": statement.concurrently,
        } for statement in migration.up_statements],
    }


def sql_for_version(project: Project, version: str, down: bool, out: TextIO,
                    err: TextIO = sys.stderr, verbose: bool = False) -> int:
    history = build(project, err, verbose, enforce_lint=False, count_hidden=False)
    wanted = tuple(int(p) for p in version.split(".")) if _is_version(version) else None
    for migration in history.migrations:
        if migration.version_parts == wanted:
            if down and migration.down is None:
                raise CommandFailed(f"migration {migration.version} ({migration.description}) is"
                                    " irreversible: it has no Down", ExitCode.IRREVERSIBLE)
            out.write(migration_sql(migration, down))
            return int(ExitCode.OK)
    known = ", ".join(m.version for m in history.migrations) or "none"
    raise CommandFailed(f"no migration with version {version} (known: {known})", ExitCode.USAGE)


def _is_version(text: str) -> bool:
    return all(part.isdigit() for part in text.split("."))
