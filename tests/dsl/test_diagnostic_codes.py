"""The registry of diagnostic codes (dsl/diagnostic_codes.py): every code the source makes
is registered with its severity, every registered code is made somewhere, each example
produces its code, the lint's rules share the one list without clashing, and docs/errors.md
is the registry, code for code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pgshift.compiler.history import History, compile_history, compile_texts
from pgshift.compiler.lint import RULES
from pgshift.dsl import Severity
from pgshift.dsl.diagnostic_codes import Code, Group, every_code, kind_of, lookup, register_rules
from pgshift.dsl.diagnostics import error, warning
from tests.compiler.shift_cases import split_case
from tests.dsl.diagnostic_codes_scan import (
    call_sites,
    compared_codes,
    helpers,
    lint_yields,
    unchecked_makers,
)
from tests.dsl.diagnostic_codes_support import (
    ERRORS_PAGE,
    REPO_ROOT,
    errors_page,
    page_codes,
    safety_anchors,
)

CODES = {entry.code: entry for entry in every_code()}
KEBAB = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
# Where a code may be a variable: the helpers forward theirs, and the lint's dispatch
# passes on the code each rule's check yields (lint_yields, checked below).
DYNAMIC_ALLOWED = {("compiler/lint.py", "lint_statement"),
                   ("compiler/lint.py", "lint_migration_end")}

# ---------------------------------------------------------------- the registry itself


def test_codes_are_kebab_case_with_one_line_summaries() -> None:
    for entry in CODES.values():
        assert KEBAB.fullmatch(entry.code), entry.code
        for text in (entry.summary, entry.fix):  # the page adds the full stop
            assert "\n" not in text, entry.code
            assert not text.endswith("."), entry.code


def test_the_lint_rules_are_in_the_one_list_and_nothing_else_is_a_lint_code() -> None:
    lint = {code for code, entry in CODES.items() if entry.kind == "lint"}
    assert lint == set(RULES)
    for code, rule in RULES.items():
        assert CODES[code].summary == rule.summary
        assert CODES[code].group is Group.LINT


def test_a_lint_rule_cannot_take_a_compiler_code() -> None:
    """A level or an allow comment keyed by a compiler code would reach compiler errors."""
    clash = Code("unknown-table", Group.LINT, "lint", "clash", "none", example="x")
    with pytest.raises(ValueError, match="clashes"):
        register_rules([clash])
    assert lookup("unknown-table") is not None
    assert kind_of("unknown-table") == "error"


def test_error_and_warning_refuse_a_code_not_registered_with_their_severity() -> None:
    with pytest.raises(AssertionError, match="not registered"):
        error("no-such-code", "message", None)
    with pytest.raises(AssertionError, match="not registered"):
        warning("no-such-code", "message", None)
    with pytest.raises(AssertionError, match="not registered as an error"):
        error("lossy-down", "a warning's code", None)
    with pytest.raises(AssertionError, match="not registered as an error"):
        error("index-blocks-writes", "a lint rule is a warning when it is made", None)
    with pytest.raises(AssertionError, match="not registered as a warning"):
        warning("unknown-table", "an error's code", None)
    assert warning("index-blocks-writes", "a finding", None).severity is Severity.WARNING


# ---------------------------------------------------------------- the source's call sites


def test_the_helpers_that_forward_a_code_are_found() -> None:
    found = helpers()
    assert {"error": "error", "warning": "warning", "fail": "error", "report": "error",
            "warn": "warning"}.items() <= found.items()


def test_every_literal_code_is_registered_with_the_severity_it_is_made_with() -> None:
    makes = helpers() | {"error": "error"}
    wrong = []
    for site in call_sites():
        if site.code is None:
            continue
        kind = kind_of(site.code)
        made = makes[site.maker]
        if kind is None or not (kind == made or (made, kind) == ("warning", "lint")):
            wrong.append(f"{site} (registered: {kind}, made as: {made})")
    assert not wrong, "codes not registered so (dsl/diagnostic_codes*.py):\n" + "\n".join(wrong)


def test_a_code_is_a_variable_only_where_it_is_forwarded() -> None:
    names = set(helpers())
    dynamic = [site for site in call_sites() if site.code is None
               and site.function.split(".")[-1] not in names
               and (site.path, site.function) not in DYNAMIC_ALLOWED]
    assert not dynamic, "codes that are not literals:\n" + "\n".join(map(str, dynamic))


def test_every_diagnostic_is_made_by_error_or_warning() -> None:
    assert not unchecked_makers()


def test_the_lint_yields_only_its_rules_and_every_rule_is_yielded() -> None:
    yielded = lint_yields()
    assert {code for _, code in yielded} == set(RULES), yielded


def test_every_registered_code_is_made_somewhere() -> None:
    made = {site.code for site in call_sites() if site.code is not None}
    made |= {code for _, code in lint_yields()}
    assert set(CODES) - made == set(), "registered codes that nothing makes"


def test_codes_compared_in_the_source_are_registered() -> None:
    unknown = [found for found in compared_codes() if found[2] not in CODES]
    assert not unknown


@pytest.mark.parametrize("pattern", ["tests/**/*.err", "docs/*.md", "README.md"])
def test_codes_quoted_in_goldens_and_docs_are_registered(pattern: str) -> None:
    quoted = re.compile(r"(?:error|warning)\[([a-z0-9-]+)\]")
    unknown = set()
    for path in REPO_ROOT.glob(pattern):
        unknown |= {(path.name, code) for code in quoted.findall(path.read_text("utf-8"))
                    if code != "code" and code not in CODES}
    assert not unknown


# ---------------------------------------------------------------- examples


def _example_history(example: str) -> tuple[History, str]:
    files = split_case("example", example)
    return compile_texts(list(files)), files[-1][0]


def _check_found(code: str, history: History, newest: str | None) -> None:
    found = [d.code for d in history.diagnostics if newest is None or d.file == newest]
    assert code in found, f"{code}'s example gives {found}"
    kind = CODES[code].kind
    others = {d.code for d in history.errors} - ({code} if kind == "error" else set())
    assert not others, f"{code}'s example also gives the errors {others}"


@pytest.mark.parametrize("code", sorted(c for c, e in CODES.items() if e.example is not None))
def test_each_example_produces_its_code(code: str) -> None:
    example = CODES[code].example
    assert example is not None
    history, newest = _example_history(example)
    _check_found(code, history, newest)


TABLE = "table a {\n    id bigint identity primary key\n}\n"


def _project(tmp_path: Path, files: dict[str, bytes]) -> Path:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    for name, data in files.items():
        (migrations / name).write_bytes(data)
    return migrations


def _encoding(tmp_path: Path) -> History:
    return compile_history(_project(tmp_path, {"0.0.1_a.shift": "-- café\n".encode("latin-1")
                                               + TABLE.encode()}), tmp_path)


def _nul(tmp_path: Path) -> History:
    return compile_history(_project(tmp_path, {"0.0.1_a.shift": b"\x00" + TABLE.encode()}),
                           tmp_path)


def _file_name(tmp_path: Path) -> History:
    return compile_history(_project(tmp_path, {"add_a.shift": TABLE.encode()}), tmp_path)


def _versions(tmp_path: Path) -> History:
    table_b = TABLE.replace("table a", "table b").encode()
    return compile_history(_project(tmp_path, {"0.0.2_a.shift": TABLE.encode(),
                                               "0.0.02_b.shift": table_b}), tmp_path)


def _in_the_past(tmp_path: Path) -> History:
    table_b = TABLE.replace("table a", "table b").encode()
    migrations = _project(tmp_path, {"0.0.1_a.shift": TABLE.encode(),
                                     "0.0.3_b.shift": table_b,
                                     "0.0.2_c.shift": b"extension vector\n"})
    generated = tmp_path / "postgresql.py"
    generated.write_text("# source 0.0.1 migrations/0.0.1_a.shift\n"
                         "# source 0.0.3 migrations/0.0.3_b.shift\n")
    return compile_history(migrations, tmp_path, generated_module=generated)


def _no_migrations(tmp_path: Path) -> History:
    return compile_history(tmp_path / "migrations", tmp_path)


SITUATIONS: dict[str, Callable[[Path], History]] = {
    "encoding": _encoding,
    "nul-character": _nul,
    "bad-file-name": _file_name,
    "duplicate-version": _versions,
    "history-in-the-past": _in_the_past,
    "no-migrations": _no_migrations,
}


def test_every_situation_has_its_trigger() -> None:
    assert set(SITUATIONS) == {c for c, e in CODES.items() if e.situation is not None}


@pytest.mark.parametrize("code", sorted(SITUATIONS))
def test_each_situation_produces_its_code(code: str, tmp_path: Path) -> None:
    _check_found(code, SITUATIONS[code](tmp_path), None)


# ---------------------------------------------------------------- docs/errors.md


def test_the_docs_page_is_written_from_the_registry(update_goldens: bool) -> None:
    page = errors_page()
    if update_goldens:
        ERRORS_PAGE.write_text(page, encoding="utf-8")
    assert ERRORS_PAGE.read_text(encoding="utf-8") == page, (
        "docs/errors.md differs from the registry: run this file with --update-goldens")


def test_the_docs_page_lists_exactly_the_registered_codes() -> None:
    listed = page_codes(ERRORS_PAGE.read_text(encoding="utf-8"))
    assert sorted(listed) == sorted(CODES), "run this file with --update-goldens"
    assert len(listed) == len(set(listed))


def test_every_lint_rule_has_its_section_in_the_safety_page() -> None:
    assert set(RULES) <= set(safety_anchors())


def test_the_language_reference_and_the_readme_link_the_page() -> None:
    assert "(errors.md)" in (REPO_ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    assert "(docs/errors.md)" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
