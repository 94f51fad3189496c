"""docs/errors.md, written from the registry of diagnostic codes (dsl/diagnostic_codes.py,
the lint's rules included), and what the registry's tests share.

The page is generated so that it cannot drift from the registry: test_diagnostic_codes.py
compares it with `errors_page()` and rewrites it under `--update-goldens`.
"""

from __future__ import annotations

import re
from pathlib import Path

from pgshift.compiler.lint import RULES  # importing it registers the lint's rules
from pgshift.dsl.diagnostic_codes import Code, Group, every_code

REPO_ROOT = Path(__file__).resolve().parents[2]
ERRORS_PAGE = REPO_ROOT / "docs" / "errors.md"
SAFETY_PAGE = REPO_ROOT / "docs" / "safety.md"
CODE_HEADING = re.compile(r"^### `([a-z0-9-]+)`$", re.MULTILINE)

INTRO = """\
# Diagnostic codes

<!-- Generated from the registry of diagnostic codes (dsl/diagnostic_codes*.py, and the
lint's rules in compiler/lint.py with compiler/lint_codes.py): edit those, then run
`pytest tests/dsl/test_diagnostic_codes.py --update-goldens`. -->

Every problem pgshift reports has a code, one list for the compiler's errors and
warnings and the [safety lint](safety.md)'s rules, so that one search finds it:

- printed in brackets: `migrations/0.0.3_notes.shift:3:13: error[unknown-type]: unknown
  type 'string'; did you mean 'text'?`, then the line and a caret (see
  [Errors](language.md#errors));
- carried as `code` by `pgshift compile --format json`, `pgshift check --format json` and
  `pgshift lint --format json` ([docs/cli.md](cli.md#build-commands-no-database));
- stable: a code is never renamed, so scripts, CI annotations, `-- pgshift: allow CODE`
  comments and `[tool.pgshift.lint]` keyed by one keep working.

A *lint rule* is a warning unless `[tool.pgshift.lint]` makes it an error or turns it
off, and `-- pgshift: allow CODE` accepts one finding of it; *existing tables only* means
it fires only on tables an earlier migration created. No other code can be allowed or
given a level: an error of the compiler is always an error. In the examples, a line
`-- migration 0.0.2` starts the next migration file: those codes need a history.

The codes, by section:

"""

_KIND = {"error": "error", "warning": "warning", "lint": "lint rule"}


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading's text."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def safety_anchors() -> dict[str, str]:
    """Each lint rule's section in docs/safety.md, by code."""
    anchors = {}
    for heading in re.findall(r"^### (.+)$", SAFETY_PAGE.read_text(encoding="utf-8"), re.M):
        for code in re.findall(r"`([a-z0-9-]+)`", heading):
            anchors[code] = anchor(heading)
    return anchors


def _entry(entry: Code, safety: dict[str, str]) -> str:
    kind = _KIND[entry.kind]
    if entry.code in RULES and RULES[entry.code].existing_only:
        kind += ", existing tables only"
    lines = [f"### `{entry.code}`", "", f"*{kind}*: {entry.summary}.", ""]
    if entry.example is not None:
        lines += ["```shift", entry.example.rstrip("\n"), "```", ""]
    else:
        lines += [f"When: {entry.situation}.", ""]
    fix = entry.fix
    if entry.code in safety:
        fix += f" (why: [docs/safety.md](safety.md#{safety[entry.code]}))"
    lines.append(f"What to do: {fix}.")
    return "\n".join(lines)


def errors_page() -> str:
    entries = every_code()
    safety = safety_anchors()
    index = []
    for group in Group:
        codes = ", ".join(f"[`{entry.code}`](#{entry.code})" for entry in entries
                          if entry.group is group)
        index.append(f"- [{group.value}](#{anchor(group.value)}): {codes}")
    blocks = [INTRO.rstrip("\n"), "\n".join(index)]
    for group in Group:
        blocks.append(f"## {group.value}")
        blocks += [_entry(entry, safety) for entry in entries if entry.group is group]
    return "\n\n".join(blocks) + "\n"


def page_codes(text: str) -> list[str]:
    """The codes a page has a section for, in its order."""
    return CODE_HEADING.findall(text)

