"""`pgshift compile --format json` and `check --format json`: every diagnostic, errors,
warnings and lint findings alike, with its code, in one JSON object on stdout; the exit
codes are the text format's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pgshift.compiler.lint import RULES  # importing it registers the lint's codes
from pgshift.dsl.diagnostic_codes import lookup
from tests.e2e.cli_support import BROKEN, FIRST, pgshift, project_with, snapshot, write

UNSAFE_INDEX = "index documents_title on documents (title)\n"
CONVERTED = """\
table notes {
    id    bigint identity primary key
    words text
}
alter table notes {
    alter column words type integer using `words::integer`
}
"""
KEYS = ["code", "severity", "message", "help", "file", "line", "column", "end_line",
        "end_column"]


def _report(stdout: str) -> dict[str, Any]:
    report = json.loads(stdout)  # stdout holds the one object and nothing else
    assert isinstance(report, dict)
    assert sorted(report) == ["diagnostics", "errors", "warnings"]
    for diagnostic in report["diagnostics"]:
        assert list(diagnostic) == KEYS
        assert lookup(diagnostic["code"]) is not None, diagnostic["code"]
    return report


def test_compile_errors_carry_their_codes_and_nothing_is_written(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST, "0.0.2_notes.shift": BROKEN,
                                   "notes.shift": FIRST})
    result = pgshift("compile", "--format", "json", cwd=root)

    assert result.returncode == 3, result.stderr
    report = _report(result.stdout)
    assert (report["errors"], report["warnings"]) == (2, 0)
    by_code = {d["code"]: d for d in report["diagnostics"]}
    assert by_code["unknown-type"] == {
        "code": "unknown-type", "severity": "error",
        "message": "unknown type 'string'; did you mean 'text'?", "help": None,
        "file": "migrations/0.0.2_notes.shift", "line": 3, "column": 11, "end_line": 3,
        "end_column": 17}
    assert by_code["bad-file-name"]["file"] == "migrations/notes.shift"
    assert by_code["bad-file-name"]["line"] is None
    assert "nothing was written" in result.stderr
    assert "error[" not in result.stderr  # the diagnostics are in the JSON only
    assert snapshot(root / "generated") == {}


def test_warnings_and_lint_findings_carry_their_codes(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST,
                                   "0.0.2_words.shift": CONVERTED,
                                   "0.0.3_title.shift": UNSAFE_INDEX})
    result = pgshift("compile", "--format", "json", cwd=root)

    assert result.returncode == 0, result.stderr
    report = _report(result.stdout)
    assert (report["errors"], report["warnings"]) == (0, 2)
    lossy, lint = report["diagnostics"]
    assert (lossy["code"], lossy["severity"], lossy["help"]) == ("lossy-down", "warning", None)
    assert (lint["code"], lint["severity"]) == ("index-blocks-writes", "warning")
    assert lint["code"] in RULES
    assert lint["help"].startswith("build it while writes go on")
    assert "compiled 3 migrations: generated/postgresql.py written" in result.stderr

    checked = pgshift("check", "--format", "json", cwd=root)
    assert checked.returncode == 0, checked.stderr
    assert _report(checked.stdout)["warnings"] == 2  # also those already in generated/
    assert checked.stderr.startswith("ok: 3 migrations compile")


def test_a_lint_finding_the_project_makes_an_error(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST,
                                   "0.0.2_title.shift": UNSAFE_INDEX})
    write(root / "pyproject.toml", '[tool.pgshift.lint]\nindex-blocks-writes = "error"\n')
    result = pgshift("check", "--format", "json", cwd=root)

    assert result.returncode == 20, result.stderr
    report = _report(result.stdout)
    assert [(d["code"], d["severity"]) for d in report["diagnostics"]] == [
        ("index-blocks-writes", "error")]
    assert report["errors"] == 1
