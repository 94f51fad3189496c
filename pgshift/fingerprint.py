"""The combined hash of a project's migration sources.

The compiler writes it into generated/postgresql.py; the runner recomputes it to notice a
stale build without importing the compiler.
"""

from __future__ import annotations

import hashlib
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
    return sorted(p for p in directory.iterdir() if p.name.endswith(SUFFIX) and p.is_file())


def sources_hash(directory: Path) -> str:
    return combined_hash((p.name, digest(p.read_bytes())) for p in source_files(directory))
