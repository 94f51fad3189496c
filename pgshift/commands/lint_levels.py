"""The project's say on the safety lint: each rule off, a warning or an error.

    [tool.pgshift.lint]
    index-blocks-writes = "error"   # a finding fails compile, check and lint (exit 20)
    raw-sql = "off"                 # not reported
    start_after = "0.0.7"           # migrations up to 0.0.7 ran before the lint: warnings only

Every rule is a warning unless the project says otherwise (`pgshift init` makes the rules
about locks held on a live table errors for a new project). Findings are computed with
the compile and cached with it; the levels apply when they are reported, so changing them
needs no compile.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..compiler.lint import RULES
from ..dsl import BadFileName, Diagnostic, Severity, parse_file_name
from ..project import ProjectError

Level = Literal["off", "warning", "error"]
LEVELS: tuple[Level, ...] = ("off", "warning", "error")


@dataclass(frozen=True, slots=True)
class LintLevels:
    levels: dict[str, Level]
    start_after: tuple[int, ...] | None = None

    @classmethod
    def of(cls, settings: dict[str, Any]) -> LintLevels:
        """Read [tool.pgshift.lint]; an unknown rule or level is a configuration error."""
        levels: dict[str, Level] = {}
        start_after = None
        for key, value in settings.items():
            if key == "start_after":
                start_after = _version(value)
                continue
            if key not in RULES:
                close = difflib.get_close_matches(key, RULES, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ProjectError(f"[tool.pgshift.lint] has no rule '{key}'{hint} (`pgshift"
                                   " lint --rules` lists them)")
            if value not in LEVELS:
                raise ProjectError(f"[tool.pgshift.lint] {key} must be \"off\", \"warning\" or"
                                   f" \"error\", not {value!r}")
            levels[key] = value
        return cls(levels, start_after)

    def level(self, code: str) -> Level:
        return self.levels.get(code, "warning")

    def apply(self, diagnostic: Diagnostic) -> Diagnostic | None:
        """The finding as the project wants it reported (None: not at all); anything that is
        not a lint finding passes unchanged."""
        if diagnostic.code not in RULES:
            return diagnostic
        level = self.level(diagnostic.code)
        if level == "off":
            return None
        if level == "error" and not self._before_start(diagnostic.file):
            return replace(diagnostic, severity=Severity.ERROR)
        return replace(diagnostic, severity=Severity.WARNING)

    def _before_start(self, file: str) -> bool:
        if self.start_after is None:
            return False
        try:
            return parse_file_name(file).version.parts <= self.start_after
        except BadFileName:
            return False


def _version(value: object) -> tuple[int, ...]:
    text = str(value)
    if not isinstance(value, str) or not all(part.isdigit() for part in text.split(".")):
        raise ProjectError(f"[tool.pgshift.lint] start_after must be a version such as"
                           f" \"0.0.7\", not {value!r}")
    return tuple(int(part) for part in text.split("."))


def is_lint_error(diagnostic: Diagnostic) -> bool:
    return diagnostic.code in RULES and diagnostic.severity is Severity.ERROR


__all__ = ["LEVELS", "Level", "LintLevels", "is_lint_error"]
