"""A pgshift project on disk: where its migrations and generated module live.

Read from `[tool.pgshift]` in the project's pyproject.toml when present, so an
installed pgshift works for any user's project, not only this repository.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .durations import BadDuration, milliseconds
from .exit_codes import CommandFailed, ExitCode
from .runner.index_build import BadSize, BuildLimits, kilobytes
from .runner.table_name import DEFAULT_TABLE, BadTableName, checked_table_name, parse_table_name
from .runner.waits import (
    DEFAULT_LOCK_RETRIES,
    DEFAULT_LOCK_TIMEOUT_MS,
    DEFAULT_LOCK_WAIT_BUDGET_S,
    RetryPolicy,
    Timeouts,
)


class ProjectError(Exception):
    """The project directory or its configuration cannot be used."""


@dataclass(frozen=True, slots=True)
class Project:
    """Paths, the lock waits migrations run with, the lint's levels (`lint`: rule code
    or `start_after` → its value, checked by the build commands, which know the rules), and
    the history table (SCHEMA.TABLE, checked: the compiler refuses a migration creating it)."""

    root: Path
    migrations_dir: Path
    generated_dir: Path
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    lint: dict[str, Any] = field(default_factory=dict)
    build_limits: BuildLimits = field(default_factory=BuildLimits)
    history_table: str = DEFAULT_TABLE
    # What a platform provides, for the scratch databases drift, verify, baseline, repair
    # and rehearsals build in (commands/platform_setup.py): a SQL script run in each first,
    # and the server to make them on (else the embedded one).
    scratch_setup: Path | None = None
    scratch_database_url: str | None = None

    @classmethod
    def load(cls, root: str | Path = ".") -> Project:
        base = Path(root).resolve()
        if base.exists() and not base.is_dir():
            raise ProjectError(f"project path {base} is not a directory")
        if not base.is_dir():
            raise ProjectError(f"project directory {base} does not exist")
        settings = _tool_settings(base / "pyproject.toml")
        lint = settings.get("lint", {})
        if not isinstance(lint, dict):
            raise ProjectError("[tool.pgshift.lint] must be a table of rule = \"off\","
                               " \"warning\" or \"error\"")
        return cls(
            root=base,
            migrations_dir=base / _path_setting(settings, "migrations"),
            generated_dir=base / _path_setting(settings, "generated"),
            timeouts=Timeouts(
                _duration(settings, "lock_timeout", DEFAULT_LOCK_TIMEOUT_MS),
                _duration(settings, "statement_timeout", None)),
            retry=RetryPolicy(
                _count(settings, "lock_retries", DEFAULT_LOCK_RETRIES),
                _duration(settings, "lock_wait_budget", None, bare="s") / 1000
                if "lock_wait_budget" in settings else DEFAULT_LOCK_WAIT_BUDGET_S),
            lint=lint,
            build_limits=_build_limits(settings),
            history_table=_history_table(settings),
            scratch_setup=(base / _path_setting(settings, "scratch_setup")
                           if "scratch_setup" in settings else None),
            scratch_database_url=_url_setting(settings, "scratch_database_url"),
        )

    @property
    def cache_dir(self) -> Path:
        """Where pgshift keeps what it can rebuild (compile cache, embedded database)."""
        return self.root / ".pgshift" / "cache"

    @property
    def history_key(self) -> tuple[str, str]:
        """The history table as (schema, table), as the compiler's model names tables."""
        return parse_table_name(self.history_table)

    def history_table_for(self, flag: str | None) -> str:
        """The history table a database command uses: `--table` when given (a bad one is a
        usage error, exit 2), else history_table, else public.schema_migrations."""
        if flag is None:
            return self.history_table
        try:
            return checked_table_name(flag)
        except BadTableName as bad:
            raise CommandFailed(f"--table {bad}", ExitCode.USAGE) from None

    def relative(self, path: Path) -> str:
        """A path as users see it in messages: relative to the project when inside it."""
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)


def _path_setting(settings: dict[str, Any], key: str) -> str:
    value = settings.get(key, key)
    if not isinstance(value, str) or not value.strip():
        what = "file" if key == "scratch_setup" else "directory"
        raise ProjectError(f"[tool.pgshift] {key} must be a {what} path (a string), not"
                           f" {value!r}")
    if any(not ch.isprintable() for ch in value):
        raise ProjectError(f"[tool.pgshift] {key} contains a control character: {value!r}")
    return value


def _url_setting(settings: dict[str, Any], key: str) -> str | None:
    """A database URL setting, as given (never echoed: it may carry a password)."""
    value = settings.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ProjectError(f"[tool.pgshift] {key} must be a database URL (a string such as"
                           " \"postgresql://postgres@localhost:54322/postgres\")")
    return None if value is None else str(value)


def _history_table(settings: dict[str, Any]) -> str:
    """history_table: "table" (in public) or "schema.table", read as --table is."""
    value = settings.get("history_table", DEFAULT_TABLE)
    if not isinstance(value, str):
        raise ProjectError(f"[tool.pgshift] history_table must be a table name (a string,"
                           f" \"schema.table\" or \"table\"), not {value!r}")
    try:
        return checked_table_name(value)
    except BadTableName as bad:
        raise ProjectError(f"[tool.pgshift] history_table {bad}") from None


def _duration(settings: dict[str, Any], key: str, default: int | None,
              bare: str | None = None) -> Any:
    """A duration setting in milliseconds: a string with a unit, like "500ms" or "5s"."""
    value = settings.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ProjectError(f"[tool.pgshift] {key} must be a duration such as \"500ms\" or"
                           f" \"5s\", not {value!r}")
    try:
        return milliseconds(str(value), bare=bare)
    except BadDuration as bad:
        raise ProjectError(f"[tool.pgshift] {key}: {bad}") from None


def _build_limits(settings: dict[str, Any]) -> BuildLimits:
    """index_build_memory (a size, "2GB") and index_build_workers (a count)."""
    memory = settings.get("index_build_memory", BuildLimits().memory)
    try:
        kilobytes(memory if isinstance(memory, str) else "")
    except BadSize as bad:
        raise ProjectError(f"[tool.pgshift] index_build_memory: {bad}") from None
    workers = settings.get("index_build_workers")
    if workers is not None:
        workers = _count(settings, "index_build_workers", 0)
    return BuildLimits(memory, workers)


def _count(settings: dict[str, Any], key: str, default: int) -> int:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ProjectError(f"[tool.pgshift] {key} must be a whole number, 0 or more, not"
                           f" {value!r}")
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
