"""The registry of diagnostic codes: every code pgshift prints, once, with what it means.

A code is what a user searches for, suppresses (`-- pgshift: allow CODE`, lint rules only)
and configures (`[tool.pgshift.lint]`), so codes are stable: once released, a code is
never renamed, only retired when nothing emits it any more. `error()` and `warning()`
(diagnostics.py) refuse a code that is not registered here with their severity, and
tests/dsl/test_diagnostic_codes.py checks every call site (read with `ast`, the helpers
that forward a code included), that each example produces its code, and that docs/errors.md
is written from this registry and nothing else.

It lives in dsl/ because dsl/ is the bottom layer: the diagnostics are made here and every
stage that reports one imports dsl (the runner imports neither dsl nor compiler, and needs
no code). The entries themselves, the compiler's included, are documentation data, kept in
diagnostic_codes_front.py (syntax, files), diagnostic_codes_names.py (names and types, and
`unknown-rule`, about allow comments), diagnostic_codes_tables.py and
diagnostic_codes_objects.py (schema checks: of views, tables, columns and constraints; of
the other objects). The safety lint's codes are the exception: they are defined with their
rules (compiler/lint.py RULES, where the project's lint levels and allow comments look them
up), and compiler/lint.py registers them here when it is imported, which it is before any
lint finding exists (a lookup in a process that never imported it sees no lint code);
`register_rules` refuses a rule whose code is already a compiler code, since a lint level
or an allow comment must never reach an error of the compiler.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Literal

Kind = Literal["error", "warning", "lint"]  # lint: a warning unless the project says error


class Group(Enum):
    """The sections of docs/errors.md, in its order."""

    SYNTAX = "Syntax and parsing"
    NAMES = "Names and types"
    SCHEMA = "Schema checks"
    LINT = "Safety lint"
    FILES = "Files"


@dataclass(frozen=True, slots=True)
class Code:
    """One diagnostic code: its kind, what it reports, an example and what to do about it.

    `example` is `.shift` text that produces the code; a line `-- migration 0.0.2` in it
    starts the next migration file (as in tests/compiler/shift_cases.py), for codes that
    need a history. A code about files rather than their text (`encoding`, file names)
    has no example text but a `situation`: exactly one of the two is set.
    """

    code: str
    group: Group
    kind: Kind
    summary: str  # one line: what the code reports
    fix: str  # what to do about it
    example: str | None = None
    situation: str | None = None

    def __post_init__(self) -> None:
        assert (self.example is None) != (self.situation is None), self.code


_RULES: dict[str, Code] = {}  # the safety lint's, registered by compiler/lint.py


@functools.cache
def _codes() -> dict[str, Code]:
    """The registered codes but the lint's (loaded on first use: the data modules import
    Code from here)."""
    from . import (
        diagnostic_codes_front,
        diagnostic_codes_names,
        diagnostic_codes_objects,
        diagnostic_codes_tables,
    )

    codes: dict[str, Code] = {}
    for entry in (*diagnostic_codes_front.CODES, *diagnostic_codes_names.CODES,
                  *diagnostic_codes_tables.CODES, *diagnostic_codes_objects.CODES):
        assert entry.code not in codes, f"diagnostic code {entry.code!r} is registered twice"
        assert entry.kind != "lint", f"{entry.code!r}: lint rules are registered by the lint"
        codes[entry.code] = entry
    return codes


def register_rules(rules: Iterable[Code]) -> None:
    """Add the safety lint's rules (compiler/lint.py calls this as it is imported)."""
    for rule in rules:
        if rule.kind != "lint" or rule.code in _codes():
            raise ValueError(f"lint rule {rule.code!r} clashes with a code of the compiler")
        _RULES[rule.code] = rule


def lookup(code: str) -> Code | None:
    return _codes().get(code) or _RULES.get(code)


def kind_of(code: str) -> Kind | None:
    entry = lookup(code)
    return None if entry is None else entry.kind


def every_code() -> list[Code]:
    """Every registered code, grouped in the order of docs/errors.md; the lint's rules are
    among them once compiler/lint.py has been imported."""
    entries = [*_RULES.values(), *_codes().values()]  # in its group, each rule before the rest
    order = list(Group)
    return sorted(entries, key=lambda entry: order.index(entry.group))
