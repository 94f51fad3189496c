"""Malformed migration files and the exact diagnostics they produce.

Each `testdata/errors/NAME.shift` is parsed with `parse_file`; what `render_all` prints
for it must equal `NAME.err` next to it. Paths are relative to the repository root so
the goldens do not depend on where the checkout lives.

Regenerate the goldens with `pytest tests/dsl --update-goldens` (or
PGSHIFT_UPDATE_GOLDENS=1) and read the diff. The cases in KNOWN_BAD_MESSAGES keep a
hand-written golden with the message the front end *should* print and are expected to
fail until it does; regenerating never overwrites them. When a fix lands, the strict
xfail turns into a failure: check the new output, delete the entry from KNOWN_BAD_MESSAGES
and regenerate.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pgshift.dsl import DiagnosticError, Severity, Source, load_source, parse_file, render_all
from pgshift.dsl.diagnostics import Diagnostic
from pgshift.dsl.parser import tree_parser
from pgshift.dsl.syntax_errors import describe_terminal

REPO_ROOT = Path(__file__).resolve().parents[2]
ERRORS_DIR = Path(__file__).resolve().parent / "testdata" / "errors"
RELATIVE_DIR = ERRORS_DIR.relative_to(REPO_ROOT).as_posix()
CASES = sorted(path.stem for path in ERRORS_DIR.glob("*.shift"))

# Grammar names: Lark's terminals, and our own `_RULE_NAME`s lower-cased.
LARK_INTERNALS = re.compile(
    r"__ANON|RPAR|LPAR|RBRACE|LBRACE|\$END|Token\(|Traceback|(?<![\w'\"`])_[a-z]+_"
)

# Files the front end accepts although they are wrong: every check below fails for them.
ACCEPTED_BUT_WRONG: dict[str, str] = {}

# Files whose diagnostic is confusing, misleading or mispositioned. Their .err holds the
# diagnostic that should be printed (written by hand, never regenerated).
KNOWN_BAD_MESSAGES: dict[str, str] = {
}


def relative_path(case: str) -> str:
    return f"{RELATIVE_DIR}/{case}.shift"


def golden_path(case: str) -> Path:
    return ERRORS_DIR / f"{case}.err"


def source_for(case: str) -> Source:
    """The file as the renderer should quote it; undecodable bytes become U+FFFD."""
    relative = relative_path(case)
    try:
        return load_source(relative)
    except DiagnosticError:
        text = (REPO_ROOT / relative).read_bytes().decode("utf-8", errors="replace")
        return Source(relative, text)


def diagnostics_for(case: str) -> tuple[Diagnostic, ...]:
    """Parse the case's file by its repo-relative path; it must raise DiagnosticError."""
    with pytest.raises(DiagnosticError) as caught:
        parse_file(relative_path(case))
    diagnostics = caught.value.diagnostics
    assert diagnostics, "DiagnosticError without diagnostics"
    return diagnostics


def rendered(case: str) -> str:
    source = source_for(case)
    return render_all(diagnostics_for(case), {source.path: source}) + "\n"


def case_params(check: str) -> list[object]:
    params: list[object] = []
    for case in CASES:
        marks = []
        if case in ACCEPTED_BUT_WRONG:
            marks.append(pytest.mark.xfail(strict=True, reason=ACCEPTED_BUT_WRONG[case]))
        elif check == "golden" and case in KNOWN_BAD_MESSAGES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BAD_MESSAGES[case]))
        params.append(pytest.param(case, id=case, marks=marks))
    return params


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_file is given repo-relative paths, so the goldens name them that way."""
    monkeypatch.chdir(REPO_ROOT)


# ---------------------------------------------------------------- the table


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 45


def test_every_case_has_a_golden_and_every_golden_a_case(update_goldens: bool) -> None:
    if update_goldens:
        for golden in ERRORS_DIR.glob("*.err"):
            if golden.stem not in CASES:
                golden.unlink()
    goldens = sorted(path.stem for path in ERRORS_DIR.glob("*.err"))
    missing = sorted(set(CASES) - set(goldens) - set(ACCEPTED_BUT_WRONG))
    assert missing == [], "run pytest with --update-goldens to create them"
    assert sorted(set(goldens) - set(CASES)) == []


@pytest.mark.parametrize("case", case_params("raises"))
def test_raises_diagnostic_error_only(case: str) -> None:
    # Any exception other than DiagnosticError propagates and fails the test.
    with pytest.raises(DiagnosticError) as caught:
        parse_file(relative_path(case))
    assert caught.type is DiagnosticError
    assert caught.value.diagnostics
    assert all(d.severity is Severity.ERROR for d in caught.value.diagnostics)


@pytest.mark.parametrize("case", case_params("position"))
def test_first_diagnostic_is_inside_the_file(case: str) -> None:
    first = diagnostics_for(case)[0]
    assert first.span is not None
    assert first.file == relative_path(case)
    lines = source_for(case).text.splitlines() or [""]
    assert 1 <= first.span.line <= len(lines), first
    assert 1 <= first.span.column <= len(lines[first.span.line - 1]) + 1, first


@pytest.mark.parametrize("case", case_params("internals"))
def test_messages_show_no_parser_internals(case: str) -> None:
    for diagnostic in diagnostics_for(case):
        assert not LARK_INTERNALS.search(diagnostic.message), diagnostic.message
        assert diagnostic.message.strip() == diagnostic.message
        assert "\n" not in diagnostic.message


def test_every_terminal_the_parser_can_expect_is_described_in_words() -> None:
    """A terminal without a description would reach a message as its grammar name."""
    parser = tree_parser()
    terminals = {t.name: t for t in parser.terminals}
    ignored = set(parser.lexer_conf.ignore)
    for name in sorted(set(terminals) - ignored):
        described = describe_terminal(name, terminals)
        assert described.startswith(("'", "a ", "an ", "the ")), (name, described)


@pytest.mark.parametrize("case", case_params("golden"))
def test_rendered_diagnostics_match_golden(case: str, update_goldens: bool) -> None:
    actual = rendered(case)
    golden = golden_path(case)
    if update_goldens and case not in KNOWN_BAD_MESSAGES and case not in ACCEPTED_BUT_WRONG:
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.exists(), f"{golden.name} is missing: run pytest with --update-goldens"
    assert actual == golden.read_text(encoding="utf-8")


# ---------------------------------------------------------------- shape of the output


@pytest.mark.parametrize(
    "case", [c for c in CASES if c not in ACCEPTED_BUT_WRONG]
)
def test_each_diagnostic_renders_as_head_source_line_and_caret(case: str) -> None:
    diagnostics = diagnostics_for(case)
    lines = rendered(case).splitlines()
    assert len(lines) == 3 * len(diagnostics)
    for index, diagnostic in enumerate(diagnostics):
        head, quoted, caret = lines[3 * index : 3 * index + 3]
        assert diagnostic.span is not None
        span = diagnostic.span
        assert head == f"{relative_path(case)}:{span.line}:{span.column}:"\
            f" error[{diagnostic.code}]: {diagnostic.message}"
        assert re.fullmatch(r"[ \t]*\^~*", caret), caret
        assert caret.lstrip(" \t").startswith("^")
        assert quoted.rstrip("\n") == quoted


def test_two_errors_in_one_file_are_reported_together() -> None:
    diagnostics = diagnostics_for("two_unknown_types")
    assert len(diagnostics) == 2
    first, second = diagnostics
    assert "'txet'" in first.message
    assert "'text'" in first.message
    assert "'datetime'" in second.message
    assert first.span is not None
    assert second.span is not None
    assert (first.span.line, first.span.column) == (2, 11)
    assert (second.span.line, second.span.column) == (4, 16)


def test_non_utf8_file_is_reported_at_the_bad_byte() -> None:
    (diagnostic,) = diagnostics_for("non_utf8")
    assert diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 28)
    assert "UTF-8" in diagnostic.message
    assert "0xe9" in diagnostic.message
    assert (ERRORS_DIR / "non_utf8.shift").read_bytes().count(b"\xe9") == 1


def test_nul_byte_is_shown_visibly() -> None:
    assert "\x00" in (ERRORS_DIR / "nul_byte.shift").read_text(encoding="utf-8")
    assert "\x00" not in rendered("nul_byte")
