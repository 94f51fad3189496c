"""A pgshift project on disk: where its migrations and generated module live.

Read from `[tool.pgshift]` in the project's pyproject.toml when present, so an
installed pgshift works for any user's project, not only this repository.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ProjectError(Exception):
    """The project directory or its configuration cannot be used."""


@dataclass(frozen=True, slots=True)
class Project:
    root: Path
    migrations_dir: Path
    generated_dir: Path

    @classmethod
    def load(cls, root: str | Path = ".") -> Project:
        base = Path(root).resolve()
        if base.exists() and not base.is_dir():
            raise ProjectError(f"project path {base} is not a directory")
        if not base.is_dir():
            raise ProjectError(f"project directory {base} does not exist")
        settings = _tool_settings(base / "pyproject.toml")
        return cls(
            root=base,
            migrations_dir=base / _path_setting(settings, "migrations"),
            generated_dir=base / _path_setting(settings, "generated"),
        )

    @property
    def cache_dir(self) -> Path:
        """Where pgshift keeps what it can rebuild (compile cache, embedded database)."""
        return self.root / ".pgshift" / "cache"

    def relative(self, path: Path) -> str:
        """A path as users see it in messages: relative to the project when inside it."""
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)


def _path_setting(settings: dict[str, Any], key: str) -> str:
    value = settings.get(key, key)
    if not isinstance(value, str) or not value.strip():
        raise ProjectError(f"[tool.pgshift] {key} must be a directory path (a string), not"
                           f" {value!r}")
    if any(not ch.isprintable() for ch in value):
        raise ProjectError(f"[tool.pgshift] {key} contains a control character: {value!r}")
    return value


def _tool_settings(pyproject: Path) -> dict[str, Any]:
    if not pyproject.is_file():
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as bad:
        raise ProjectError(f"{pyproject}: cannot read [tool.pgshift]: {bad}") from None
    settings = data.get("tool", {}).get("pgshift", {})
    if not isinstance(settings, dict):
        raise ProjectError(f"{pyproject}: [tool.pgshift] must be a table")
    return settings
