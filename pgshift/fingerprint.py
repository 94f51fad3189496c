"""The combined hash of a project's migration sources.

The compiler writes it into generated/postgresql.py; the runner recomputes it to notice a
stale build without importing the compiler.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

SUFFIX = ".shift"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def combined_hash(files: Iterable[tuple[str, str]]) -> str:
    """sha256 over (file name, content digest) pairs, in name order."""
    total = hashlib.sha256()
    for name, content in sorted(files):
        total.update(f"{name}\0{content}\n".encode())
    return total.hexdigest()


def source_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    with os.scandir(directory) as entries:  # one listing; no path arithmetic per file
        names = sorted(e.name for e in entries if e.name.endswith(SUFFIX) and e.is_file())
    return [directory / name for name in names]


def sources_hash(directory: Path) -> str:
    """What `up` compares with the generated module's header: a thousand files take ~10 ms."""
    pairs = []
    for path in source_files(directory):
        with open(path, "rb") as handle:
            pairs.append((path.name, digest(handle.read())))
    return combined_hash(pairs)
