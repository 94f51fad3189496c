"""`pgshift compile`, `check`, `plan` and `sql`: the build step and what reads its results."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..compiler.codegen import migration_sql, render_module, render_schema_file
from ..compiler.history import History, compile_history
from ..dsl import Severity, render
from ..exit_codes import CommandFailed, ExitCode
from ..project import Project
from .progress import Progress

MODULE = "postgresql.py"
SCHEMA = "schema.sql"
BAR_FROM = 50  # files to compile before a compile shows a progress bar


@dataclass(frozen=True, slots=True)
class Outputs:
    module: str
    schema: str


def build(project: Project, err: TextIO = sys.stderr, verbose: bool = False,
          out: TextIO | None = None) -> History:
    """Compile the project's history, printing diagnostics; raise when it does not compile.

    Warnings about migrations that generated/ was already built from were read when they
    were new; they are counted, and shown again only with --verbose. When `out` is a
    terminal and many files need compiling (a first compile of a long history), a
    progress bar runs on it meanwhile.
    """
    module = project.generated_dir / MODULE
    bar = (Progress(out, "compiling", lines=False, when_grown=True)
           if out is not None and out.isatty() else None)
    try:
        history = compile_history(project.migrations_dir, project.root,
                                  project.cache_dir / "compile.pickle", module,
                                  None if bar is None else _drawn_by(bar))
    finally:
        if bar is not None:
            bar.done()
    compiled = set(history.previously_compiled.values())
    hidden = 0
    for diagnostic in history.diagnostics:
        if (not verbose and diagnostic.severity is Severity.WARNING
                and diagnostic.file in compiled):
            hidden += 1
            continue
        print(render(diagnostic, history.source(diagnostic.file)), file=err)
    if hidden:
        print(f"pgshift: {hidden} warning{'s' * (hidden != 1)} about migrations already in"
              f" {project.relative(module)} not shown (--verbose shows them)", file=err)
    if verbose:
        fresh = len(history.files) - history.reused
        print(f"pgshift: compiled {fresh} migration{'s' * (fresh != 1)}, reused"
              f" {history.reused} from the compile cache"
              f" ({project.relative(project.cache_dir)})", file=err)
    errors = len(history.errors)
    if errors:
        raise CommandFailed(f"{errors} error{'s' * (errors != 1)} in the migrations",
                            ExitCode.COMPILE)
    return history


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
                    verbose: bool = False) -> int:
    try:
        history = build(project, err, verbose, out)
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
    print(f"compiled {count} migration{'s' * (count != 1)}: {where} {state}", file=out)
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
                  verbose: bool = False) -> int:
    history = build(project, err, verbose, out)
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
          file=out)
    return int(ExitCode.OK)


def plan_project(project: Project, out: TextIO, err: TextIO = sys.stderr,
                 verbose: bool = False) -> int:
    history = build(project, err, verbose)
    if not history.migrations:
        print(f"no migrations in {project.relative(project.migrations_dir)}", file=out)
    for migration in history.migrations:
        flags = [] if migration.transactional else ["non-transactional"]
        if migration.down is None:
            flags.append("irreversible")
        suffix = f"  [{', '.join(flags)}]" if flags else ""
        print(f"{migration.version}  {migration.description}{suffix}", file=out)
        for statement in migration.up:
            first = statement.splitlines()[0] if statement.strip() else ""
            print(f"    {first[:96]}{'…' if len(first) > 96 else ''}", file=out)
    return int(ExitCode.OK)


def sql_for_version(project: Project, version: str, down: bool, out: TextIO,
                    err: TextIO = sys.stderr, verbose: bool = False) -> int:
    history = build(project, err, verbose)
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
