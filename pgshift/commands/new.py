"""`pgshift new NAME`: create the next migration file with the next version."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TextIO

from ..compiler.sources import discover
from ..exit_codes import CommandFailed, ExitCode
from ..project import Project

TIMESTAMP_DIGITS = 14  # 20261123093000


def next_version(existing: list[tuple[int, ...]], now: dt.datetime) -> str:
    """One more than the newest version in its last part; a timestamp for timestamp histories."""
    if not existing:
        return "0.0.1"
    newest = max(existing)
    if len(newest) == 1 and len(str(newest[0])) >= TIMESTAMP_DIGITS:
        stamp = int(now.strftime("%Y%m%d%H%M%S"))
        return str(max(stamp, newest[0] + 1))
    return ".".join(map(str, (*newest[:-1], newest[-1] + 1)))


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def new_migration(project: Project, name: str, out: TextIO) -> int:
    description = slug(name)
    if not description:
        raise CommandFailed(f"'{name}' has no letters or digits to name the migration by",
                            ExitCode.USAGE)
    sources, _ = discover(project.migrations_dir, project.root)
    version = next_version([s.name.version.parts for s in sources], dt.datetime.now(dt.UTC))
    path = project.migrations_dir / f"{version}_{description}.shift"
    if path.exists():
        raise CommandFailed(f"{project.relative(path)} already exists", ExitCode.USAGE)
    try:
        project.migrations_dir.mkdir(parents=True, exist_ok=True)
        _write_new(path, version, description)
    except OSError as failure:
        raise CommandFailed(f"cannot create {project.relative(path)}:"
                            f" {failure.strerror or failure}", ExitCode.CONFIG) from None
    print(project.relative(path), file=out)
    return int(ExitCode.OK)


def _write_new(path: Path, version: str, description: str) -> None:
    path.write_text(
        f"-- {version}: {description.replace('_', ' ')}\n"
        "-- Write the change below (docs/language.md), then run `pgshift compile`.\n\n",
        encoding="utf-8",
    )
