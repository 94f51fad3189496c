"""`pgshift init`: scaffold a project that pgshift can compile and migrate."""

from __future__ import annotations

from typing import TextIO

from ..exit_codes import ExitCode
from ..project import Project

TOOL_SECTION = """
[tool.pgshift]
migrations = "migrations"
generated = "generated"

# The safety lint (docs/safety.md). A change that holds a lock on an existing table while
# it scans, rewrites or indexes the table fails the build; `-- pgshift: allow CODE` above
# one statement accepts it. Every other rule warns.
[tool.pgshift.lint]
index-blocks-writes = "error"
type-change-rewrites = "error"
set-not-null-scans = "error"
constraint-scans = "error"
unique-builds-index = "error"
volatile-default = "error"
"""
IGNORED = ".pgshift/"


def init_project(project: Project, out: TextIO) -> int:
    """Create migrations/, generated/, [tool.pgshift] and a .gitignore entry; keep what exists."""
    done: list[str] = []
    for directory in (project.migrations_dir, project.generated_dir):
        if not directory.exists():
            directory.mkdir(parents=True)
            done.append(f"created {project.relative(directory)}/")
    pyproject = project.root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8") if pyproject.exists() else ""
    if "[tool.pgshift]" not in text:
        separator = "" if not text or text.endswith("\n") else "\n"
        pyproject.write_text(text + separator + TOOL_SECTION.lstrip("\n" if not text else ""),
                             encoding="utf-8")
        done.append("added [tool.pgshift] to pyproject.toml")
    gitignore = project.root / ".gitignore"
    lines = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.exists() else []
    if IGNORED not in lines and IGNORED.rstrip("/") not in lines:
        gitignore.write_text("\n".join([*lines, IGNORED]) + "\n", encoding="utf-8")
        done.append(f"added {IGNORED} to .gitignore")
    for line in done or ["already initialised: nothing to do"]:
        print(line, file=out)
    print("next: `pgshift new initial_schema`, write it, `pgshift compile`, `pgshift up`",
          file=out)
    return int(ExitCode.OK)
