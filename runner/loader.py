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
    """The module's migrations; a module that is missing, damaged (merge-conflict markers,
    cut short, not UTF-8) or not a compiler's output is a StaleBuild: compile again."""
    if not path.is_file():
        raise StaleBuild(f"{path} does not exist: run `pgshift compile` first")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _damaged(path, str(error)) from None
    found = _SOURCES_HASH.search(text)
    name = "pgshift_generated_" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        raise _damaged(path, f"line {error.lineno}: {error.msg}") from None
    except Exception as error:  # its code is the compiler's: anything else is damage too
        raise _damaged(path, f"{type(error).__name__}: {error}") from None
    migrations = getattr(module, "POSTGRESQL_MIGRATIONS", None)
    if not isinstance(migrations, list) or not all(isinstance(m, Migration)
                                                   for m in migrations):
        raise _damaged(path, "it has no POSTGRESQL_MIGRATIONS list of migrations")
    return GeneratedModule(path, sorted(migrations, key=lambda m: m.version_key),
                           found.group(1) if found else None)


def _damaged(path: Path, why: str) -> StaleBuild:
    return StaleBuild(f"{path} cannot be loaded ({why}): it is not as `pgshift compile` wrote"
                      " it (a merge conflict, or a file cut short?); run `pgshift compile` to"
                      " write it again")
