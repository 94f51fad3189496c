"""Version and description from a migration's file name: `0.0.10_add_language.shift`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import PurePath

SUFFIX = ".shift"
_PATTERN = re.compile(r"^(?P<version>\d+(?:\.\d+)*)_(?P<description>[A-Za-z0-9_\-]+)$")


@dataclass(frozen=True, slots=True, order=True)
class Version:
    """A dotted version compared part by part as numbers: 0.0.10 sorts after 0.0.9."""

    parts: tuple[int, ...]

    def __str__(self) -> str:
        return ".".join(map(str, self.parts))


@dataclass(frozen=True, slots=True)
class MigrationName:
    version: Version
    text: str
    description: str


class BadFileName(ValueError):
    pass


def parse_file_name(path: str | PurePath) -> MigrationName:
    """Split `VERSION_description.shift`; BadFileName says what a name should look like."""
    name = path.name if isinstance(path, PurePath) else os.path.basename(path)
    if not name.endswith(SUFFIX):
        raise BadFileName(f"migration file names end in {SUFFIX}, like 0.0.2_add_language{SUFFIX}")
    match = _PATTERN.match(name[: -len(SUFFIX)])
    if match is None:
        raise BadFileName(
            f"'{name}' is not VERSION_description{SUFFIX}: the version is numbers separated by"
            f" dots (0.0.2 or 20261123093000), then '_', then a description of letters, digits,"
            f" '_' or '-'"
        )
    text = match["version"]
    version = Version(tuple(int(part) for part in text.split(".")))
    return MigrationName(version, text, match["description"].replace("_", " "))
