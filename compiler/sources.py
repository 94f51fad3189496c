"""Find a project's migration files and order them by version."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

from ..dsl import BadFileName, Diagnostic, MigrationName, parse_file_name
from ..dsl.diagnostics import error
from ..fingerprint import source_files


@dataclass(frozen=True, slots=True)
class MigrationSource:
    """One migration file with the version and description its name gives."""

    path: Path
    display_path: str
    name: MigrationName


def discover(directory: Path, display_root: Path) -> tuple[list[MigrationSource], list[Diagnostic]]:
    """All `*.shift` files in `directory` in version order, and what is wrong with their names."""
    found: list[MigrationSource] = []
    problems: list[Diagnostic] = []
    if not directory.is_dir():
        problems.append(error("no-migrations", f"no migrations directory at {directory}", None,
                              str(directory)))
        return found, problems
    resolved = directory.resolve()
    # Each file's display path from its name: a history can hold thousands of files, and
    # path arithmetic per file would cost more than the rest.
    prefix = _display(resolved, display_root.resolve())
    prefix = "" if prefix == "." else prefix + os.sep
    for path in source_files(resolved):
        display = prefix + path.name
        try:
            found.append(MigrationSource(path, display, parse_file_name(path.name)))
        except BadFileName as bad:
            problems.append(error("bad-file-name", str(bad), None, display))
    found.sort(key=_version_parts)
    return found, problems + duplicate_versions(found)


def duplicate_versions(found: list[MigrationSource]) -> list[Diagnostic]:
    """Two files whose versions are equal as numbers (0.0.2 and 0.0.02), naming both."""
    ordered = sorted(found, key=_version_parts)
    return [
        error("duplicate-version",
              f"version {later.name.version} is used by two files: {earlier.display_path} and"
              f" {later.display_path}", None, later.display_path)
        for earlier, later in itertools.pairwise(ordered)
        if earlier.name.version.parts == later.name.version.parts
    ]


def _version_parts(source: MigrationSource) -> tuple[int, ...]:
    """The sort key: the parts' tuple compares in C, a Version only through Python methods."""
    return source.name.version.parts


def _display(path: Path, root: Path) -> str:
    """`path` (already resolved) relative to `root` (resolved) when it lies inside it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
