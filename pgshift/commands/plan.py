"""`pgshift plan`: parse every migration and list what each one does."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import TextIO

from ..compiler.plan import describe
from ..compiler.sources import discover
from ..dsl import Diagnostic, DiagnosticError, load_source, parse_source, render
from ..dsl.source import Source
from ..exit_codes import ExitCode
from ..project import Project


def plan(project: Project, out: TextIO, err: TextIO = sys.stderr) -> int:
    sources, problems = discover(project.migrations_dir, project.root)
    rendered: list[str] = [render(p, None) for p in problems]
    lines: list[str] = []
    for migration in sources:
        source: Source | None = None
        try:
            source = load_source(migration.path)
            source = Source(migration.display_path, source.text)
            parsed = parse_source(source)
        except DiagnosticError as failed:
            rendered += [render(_relocate(d, migration.display_path), source)
                         for d in failed.diagnostics]
            continue
        name = migration.name
        concurrent = any(getattr(s, "concurrently", False) for s in parsed.statements)
        kind = "  [non-transactional]" if concurrent else ""
        lines.append(f"{name.text}  {name.description}{kind}")
        lines += [f"    {describe(statement)}" for statement in parsed.statements]
    if rendered:
        print("\n".join(rendered), file=err)
        return int(ExitCode.COMPILE)
    if not sources:
        print(f"no migrations in {project.relative(project.migrations_dir)}", file=out)
        return int(ExitCode.OK)
    print("\n".join(lines), file=out)
    return int(ExitCode.OK)


def _relocate(diagnostic: Diagnostic, path: str) -> Diagnostic:
    """Diagnostics from a file read by absolute path, shown with the project-relative one."""
    span = diagnostic.span
    if span is None or span.file == path:
        return diagnostic
    return replace(diagnostic, span=replace(span, file=path))
