"""Golden compiler cases: how a `testdata/NAME.shift` file becomes migrations and goldens.

A case file holds one or more migrations. A line of the exact form `-- migration 0.0.N`
starts migration 0.0.N; the text before the first such line is migration 0.0.1. Each
migration is compiled as the file `{version}_{NAME}.shift` whose text is the whole case
file with every line outside that migration blanked, so the line numbers in diagnostics
are the case file's own.

Expected output, next to the case:

- `NAME.up.sql` / `NAME.down.sql`: per migration, `-- VERSION`, then each statement
  followed by `;` and a blank line (`-- irreversible` for a migration without a Down);
- `NAME.err`: every diagnostic (errors and warnings) rendered, in order, when there are any.

Error cases live in `testdata/errors/` and only have a `.err`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pgshift.compiler.history import History, compile_texts
from pgshift.dsl import render

TESTDATA = Path(__file__).resolve().parent / "testdata"
ERRORS = TESTDATA / "errors"
MARKER = re.compile(r"-- migration (\d+(?:\.\d+)*)")
FIRST_VERSION = "0.0.1"


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    path: Path
    files: tuple[tuple[str, str], ...]  # (file name, text) per migration, in order

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(file_name.split("_", 1)[0] for file_name, _ in self.files)

    def golden(self, suffix: str) -> Path:
        return self.path.with_name(f"{self.name}{suffix}")


def _meaningful(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("--")


def split_case(name: str, text: str) -> tuple[tuple[str, str], ...]:
    """One (file name, text) per migration, every other line blanked."""
    lines = text.split("\n")
    owner: list[str | None] = []
    current: str | None = FIRST_VERSION
    versions: list[str] = []
    for line in lines:
        marker = MARKER.fullmatch(line.rstrip("\r"))
        if marker is not None:
            current = marker[1]
            assert current not in versions, f"{name}: migration {current} appears twice"
            versions.append(current)
            owner.append(None)
        else:
            owner.append(current)
    preamble = [line for line, who in zip(lines, owner, strict=True)
                if who == FIRST_VERSION and FIRST_VERSION not in versions]
    if any(_meaningful(line) for line in preamble) or not versions:
        versions.insert(0, FIRST_VERSION)
    files = []
    for version in versions:
        kept = [line if who == version else "" for line, who in zip(lines, owner, strict=True)]
        files.append((f"{version}_{name}.shift", "\n".join(kept)))
    return tuple(files)


def load_case(path: Path) -> Case:
    name = path.stem
    return Case(name, path, split_case(name, path.read_text(encoding="utf-8")))


def case_paths(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.shift"))


def compile_case(case: Case) -> History:
    return compile_texts(list(case.files))


def rendered_diagnostics(history: History) -> str:
    """Every diagnostic as `pgshift compile` prints it, one block after another."""
    text = "\n".join(render(d, history.source(d.file)) for d in history.diagnostics)
    return text + "\n" if text else ""


def sql_golden(history: History, down: bool) -> str:
    parts = []
    for migration in history.migrations:
        parts.append(f"-- {migration.version}\n")
        statements = migration.down if down else migration.up
        if statements is None:
            parts.append("-- irreversible\n\n")
            continue
        parts += [f"{statement};\n\n" for statement in statements]
    return "".join(parts)
