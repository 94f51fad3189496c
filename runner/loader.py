"""Load a project's generated module by path, so no other project's `generated` is used."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import StaleBuild
from .migration import Migration

_SOURCES_HASH = re.compile(r"^# pgshift: sources-hash ([0-9a-f]{64})$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class GeneratedModule:
    path: Path
    migrations: list[Migration]
    sources_hash: str | None


def load_generated(path: Path) -> GeneratedModule:
    if not path.is_file():
        raise StaleBuild(f"{path} does not exist: run `pgshift compile` first")
    text = path.read_text(encoding="utf-8")
    found = _SOURCES_HASH.search(text)
    name = "pgshift_generated_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    migrations = list(getattr(module, "POSTGRESQL_MIGRATIONS", []))
    return GeneratedModule(path, sorted(migrations, key=lambda m: m.version_key),
                           found.group(1) if found else None)
