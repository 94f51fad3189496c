"""The compiler's exact output for every case in testdata/, pinned by golden files.

`testdata/NAME.shift` compiles without errors; its Up and derived Down must equal
`NAME.up.sql` and `NAME.down.sql`, and its warnings `NAME.err` (absent when there are
none). `testdata/errors/NAME.shift` must fail to compile with exactly `NAME.err`. How a
case file is split into migrations is described in shift_cases.py.

Regenerate with `pytest tests/compiler --update-goldens` (or PGSHIFT_UPDATE_GOLDENS=1)
and read the diff. The cases in KNOWN_WRONG keep a hand-written `.err` stating what the
compiler *should* report and are strict xfails until it does; regenerating never
overwrites them. When a fix lands, the xfail turns into a failure: check the output,
delete the entry and regenerate.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift.dsl import Severity
from tests.compiler import shift_cases as cases

CASES = [path.stem for path in cases.case_paths(cases.TESTDATA)]
ERROR_CASES = [path.stem for path in cases.case_paths(cases.ERRORS)]

# Error cases the compiler gets wrong (a missing check, a misleading message): their .err
# is written by hand with what should be printed.
KNOWN_WRONG: dict[str, str] = {
}

# Migrations that must be marked non-transactional; every other one must be transactional.
NON_TRANSACTIONAL: dict[str, set[str]] = {
    "design_sketch": {"0.0.2"},
    "index_concurrently": {"0.0.2", "0.0.3"},
    "partition_attach_detach": {"0.0.3"},
    "safe_forms": {"0.0.2"},
}


def _check_golden(path: Path, actual: str, update: bool) -> None:
    if update:
        if actual:
            path.write_text(actual, encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
        return
    if not actual:
        assert not path.exists(), f"{path.name} exists, but the compiler printed nothing"
        return
    assert path.exists(), f"{path.name} is missing: run with --update-goldens"
    assert actual == path.read_text(encoding="utf-8")


def _error_param(name: str) -> object:
    if name in KNOWN_WRONG:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_WRONG[name]))
    return name


@pytest.mark.parametrize("name", CASES)
def test_case_compiles_to_its_goldens(name: str, update_goldens: bool) -> None:
    case = cases.load_case(cases.TESTDATA / f"{name}.shift")
    history = cases.compile_case(case)
    diagnostics = cases.rendered_diagnostics(history)
    assert not history.errors, diagnostics
    assert [m.version for m in history.migrations] == list(case.versions)
    _check_golden(case.golden(".up.sql"), cases.sql_golden(history, down=False), update_goldens)
    _check_golden(case.golden(".down.sql"), cases.sql_golden(history, down=True),
                  update_goldens)
    _check_golden(case.golden(".err"), diagnostics, update_goldens)


@pytest.mark.parametrize("name", CASES)
def test_case_transactional_flags(name: str) -> None:
    history = cases.compile_case(cases.load_case(cases.TESTDATA / f"{name}.shift"))
    outside = {m.version for m in history.migrations if not m.transactional}
    assert outside == NON_TRANSACTIONAL.get(name, set())


@pytest.mark.parametrize("name", CASES)
def test_case_compiles_deterministically(name: str) -> None:
    case = cases.load_case(cases.TESTDATA / f"{name}.shift")
    first, second = cases.compile_case(case), cases.compile_case(case)
    assert [(m.up, m.down, m.checksum) for m in first.migrations] == [
        (m.up, m.down, m.checksum) for m in second.migrations]


@pytest.mark.parametrize("name", [_error_param(name) for name in ERROR_CASES])
def test_error_case(name: str, update_goldens: bool) -> None:
    case = cases.load_case(cases.ERRORS / f"{name}.shift")
    history = cases.compile_case(case)
    diagnostics = cases.rendered_diagnostics(history)
    if name not in KNOWN_WRONG:
        _check_golden(case.golden(".err"), diagnostics, update_goldens)
    assert any(d.severity is Severity.ERROR for d in history.diagnostics), diagnostics
    assert diagnostics == case.golden(".err").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ERROR_CASES)
def test_error_case_points_at_its_source(name: str) -> None:
    """Every compile error names the file, line and column, and quotes the line."""
    case = cases.load_case(cases.ERRORS / f"{name}.shift")
    history = cases.compile_case(case)
    file_names = {file_name for file_name, _ in case.files}
    lines = case.path.read_text(encoding="utf-8").split("\n")
    for diagnostic in history.diagnostics:
        assert diagnostic.span is not None, diagnostic
        assert diagnostic.span.file in file_names
        assert 1 <= diagnostic.span.line <= len(lines)
        assert lines[diagnostic.span.line - 1].strip(), "the diagnostic points at a blank line"


@pytest.mark.parametrize("path", [*cases.case_paths(cases.TESTDATA),
                                  *cases.case_paths(cases.ERRORS)], ids=lambda p: p.stem)
def test_case_split_keeps_line_numbers(path: Path) -> None:
    """Each migration's text has the case file's lines, those of other migrations blanked."""
    case = cases.load_case(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    seen = [False] * len(lines)
    for _, text in case.files:
        own = text.split("\n")
        assert len(own) == len(lines)
        for number, line in enumerate(own):
            if line:
                assert line == lines[number]
                assert not seen[number], f"line {number + 1} is in two migrations"
                seen[number] = True
    markers = {n for n, line in enumerate(lines) if cases.MARKER.fullmatch(line)}
    assert all(seen[n] or not lines[n].strip() or n in markers or lines[n].startswith("--")
               for n in range(len(lines)))
