"""`pgshift compile` on hostile sources (issue 17.3, 17.5, 17.10, 17.12): a smuggled
statement, transaction control in a `sql` block and calls nested 100,000 deep are compile
errors (exit 3, positioned, no traceback, nothing generated); a file with CR-only line
endings compiles every statement in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli_support import (
    error_blocks,
    load_generated,
    pgshift,
    project_with,
    snapshot,
)

SMUGGLED = "table t {\n    x integer check `x > 0); DROP TABLE victim; --`\n}\n"
COMMITS = 'irreversible\nsql """\n    CREATE TABLE x (id int);\n    COMMIT;\n"""\n'
DEEP = "table t {\n    x integer default " + "f(" * 100_000 + ")" * 100_000 + "\n}\n"

REFUSED = {
    "smuggled_statement": (SMUGGLED, "0.0.1_hostile.shift:2:27: error[bad-expression]: "
                                     "this ')' closes nothing in the expression"),
    "transaction_control": (COMMITS, "0.0.1_hostile.shift:4:5: error[transaction-control]: "
                                     "'COMMIT' controls the transaction"),
    "nested_calls": (DEEP, "0.0.1_hostile.shift:2:23: error[nested-too-deep]: "
                           "function calls nested more than 100 levels deep (100,000)"),
}


@pytest.mark.parametrize(("text", "first_line"), REFUSED.values(), ids=REFUSED.keys())
def test_a_hostile_source_does_not_compile(tmp_path: Path, text: str, first_line: str) -> None:
    root = project_with(tmp_path, {"0.0.1_hostile.shift": text})
    result = pgshift("compile", cwd=root)
    assert result.returncode == 3, result.stderr
    (block,) = error_blocks(result.stderr)
    assert block.startswith(f"migrations/{first_line}"), block
    assert snapshot(root / "generated") == {}


def test_a_file_with_cr_line_endings_compiles_every_statement(tmp_path: Path) -> None:
    text = "table t {\r    id integer\r}\r-- the comment ends here\rtable u {\r    id integer\r}\r"
    root = project_with(tmp_path, {"0.0.1_mac.shift": text})
    result = pgshift("compile", cwd=root)
    assert result.returncode == 0, result.stderr
    (migration,) = load_generated(root / "generated" / "postgresql.py")
    assert [s.split("(")[0].strip() for s in migration.up_sql] == [
        "CREATE TABLE t", "CREATE TABLE u"]
