"""`pgshift lint`: the safety lint alone, for a terminal or (`--format json`) for CI.

It compiles like `check` (a migration that does not compile stops it, exit 3) and reports
only the lint's findings, of every migration, at the levels [tool.pgshift.lint] gives:
exit 20 when one is an error, 0 otherwise. `--rules` lists the rules.
"""

from __future__ import annotations

import io
import json
import sys
from typing import TextIO

from ..compiler.lint import RULES
from ..dsl import Severity, render
from ..exit_codes import CommandFailed, ExitCode
from ..project import Project
from .build import build, diagnostic_json
from .lint_levels import LintLevels


def lint_project(project: Project, out: TextIO, err: TextIO = sys.stderr,
                 as_json: bool = False) -> int:
    printed = io.StringIO()  # what compile would print: shown only if it does not compile
    try:
        history = build(project, printed, enforce_lint=False)
    except CommandFailed:
        err.write(printed.getvalue())
        raise
    findings = [d for d in history.diagnostics if d.code in RULES]
    errors = sum(d.severity is Severity.ERROR for d in findings)
    if as_json:
        print(json.dumps({"findings": [diagnostic_json(d) for d in findings], "errors": errors,
                          "warnings": len(findings) - errors}, indent=2), file=out)
    else:
        for finding in findings:
            print(render(finding, history.source(finding.file)), file=out)
        count = len(findings)
        print(f"{count} finding{'s' * (count != 1)} in {len(history.migrations)}"
              f" migration{'s' * (len(history.migrations) != 1)}: {errors} error"
              f"{'s' * (errors != 1)}, {count - errors} warning{'s' * (count - errors != 1)}",
              file=out)
    return int(ExitCode.LINT if errors else ExitCode.OK)


def list_rules(project: Project, out: TextIO, as_json: bool = False) -> int:
    """Every rule: its code, the level the project gives it, and what it finds."""
    levels = LintLevels.of(project.lint)
    rules = [{"code": rule.code, "level": levels.level(rule.code),
              "existing_tables_only": rule.existing_only, "summary": rule.summary}
             for rule in RULES.values()]
    if as_json:
        print(json.dumps({"rules": rules}, indent=2), file=out)
        return int(ExitCode.OK)
    width = max(len(code) for code in RULES)
    for rule in RULES.values():
        print(f"{rule.code:<{width}}  {levels.level(rule.code):<7}  {rule.summary}", file=out)
    return int(ExitCode.OK)
