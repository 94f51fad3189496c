"""History-level checks: file names, versions, their order, and history inserted into the past."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift.compiler.history import History, compile_history, compile_texts
from pgshift.dsl import Severity, render

TABLE_A = "table a {\n    id bigint primary key\n}\n"
TABLE_B = "table b {\n    id bigint primary key\n}\n"
FILE_NAME_HINT = (
    "is not VERSION_description.shift: the version is numbers separated by dots"
    " (0.0.2 or 20261123093000), then '_', then a description of letters, digits, '_' or '-'"
)


def _rendered(history: History) -> list[str]:
    return [render(d, history.source(d.file)) for d in history.diagnostics]


def _codes(history: History) -> list[str]:
    return [d.code for d in history.diagnostics if d.severity is Severity.ERROR]


@pytest.mark.parametrize("names", [
    ("0.0.1_a.shift", "0.0.1_b.shift"),
    ("0.0.01_a.shift", "0.0.1_b.shift"),  # leading zeros do not count
])
def test_compile_texts_reports_two_files_with_one_version(names: tuple[str, str]) -> None:
    history = compile_texts([(names[0], TABLE_A), (names[1], TABLE_B)])
    assert _rendered(history) == [
        f"{names[1]}: error[duplicate-version]: version 0.0.1 is used by two files:"
        f" {names[0]} and {names[1]}"]


def test_compile_history_reports_two_files_with_one_version(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0.0.1_a.shift").write_text(TABLE_A)
    (migrations / "0.0.01_b.shift").write_text(TABLE_B)
    history = compile_history(migrations, tmp_path)
    assert _rendered(history) == [
        "migrations/0.0.1_a.shift: error[duplicate-version]: version 0.0.1 is used by two files:"
        " migrations/0.0.01_b.shift and migrations/0.0.1_a.shift"]


@pytest.mark.parametrize("name", [
    "initial.shift", "0.0.1-initial.shift", "0.0.1_.shift", "v1_initial.shift",
    "0.0.1_initial schema.shift", "0..1_initial.shift",
])
def test_bad_file_name(name: str) -> None:
    history = compile_texts([(name, TABLE_A)])
    assert _rendered(history) == [f"{name}: error[bad-file-name]: '{name}' {FILE_NAME_HINT}"]
    assert history.migrations == []


def test_file_name_without_the_suffix() -> None:
    history = compile_texts([("0.0.1_initial.sql", TABLE_A)])
    assert _rendered(history) == [
        "0.0.1_initial.sql: error[bad-file-name]: migration file names end in .shift, like"
        " 0.0.2_add_language.shift"]


def test_a_bad_file_name_does_not_stop_the_others() -> None:
    history = compile_texts([("initial.shift", TABLE_A), ("0.0.2_b.shift", TABLE_B)])
    assert _codes(history) == ["bad-file-name"]
    assert [m.version for m in history.migrations] == ["0.0.2"]


def test_versions_compile_in_numeric_order() -> None:
    uses_a = "alter table a {\n    add column b text\n}\n"
    history = compile_texts([("0.0.10_later.shift", uses_a), ("0.0.9_first.shift", TABLE_A),
                             ("20261123093000_timestamp.shift", TABLE_B)])
    assert not history.diagnostics
    assert [m.version for m in history.migrations] == ["0.0.9", "0.0.10", "20261123093000"]
    assert [m.description for m in history.migrations] == ["first", "later", "timestamp"]


def test_a_migration_sees_only_the_ones_before_it() -> None:
    uses_a = "alter table a {\n    add column b text\n}\n"
    history = compile_texts([("0.0.1_uses.shift", uses_a), ("0.0.2_creates.shift", TABLE_A)])
    assert _rendered(history) == [
        "0.0.1_uses.shift:1:13: error[unknown-table]: unknown table 'a'\n"
        "alter table a {\n            ^"]


def test_new_file_before_the_newest_compiled_version(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0.0.1_a.shift").write_text(TABLE_A)
    (migrations / "0.0.3_c.shift").write_text("table c {\n    id bigint\n}\n")
    (migrations / "0.0.2_b.shift").write_text(TABLE_B)  # new, but older than 0.0.3
    generated = tmp_path / "postgresql.py"
    generated.write_text("# source 0.0.1 migrations/0.0.1_a.shift\n"
                         "# source 0.0.3 migrations/0.0.3_c.shift\n")
    history = compile_history(migrations, tmp_path, generated_module=generated)
    assert _codes(history) == ["history-in-the-past"]
    assert _rendered(history) == [
        "migrations/0.0.2_b.shift: error[history-in-the-past]: migrations/0.0.2_b.shift has"
        " version 0.0.2, older than 0.0.3 (migrations/0.0.3_c.shift) which generated/ was"
        " already built from: give the new migration a version after the newest one"]


def test_new_file_after_the_newest_compiled_version(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0.0.1_a.shift").write_text(TABLE_A)
    (migrations / "0.0.2_b.shift").write_text(TABLE_B)
    generated = tmp_path / "postgresql.py"
    generated.write_text("# source 0.0.1 migrations/0.0.1_a.shift\n")
    history = compile_history(migrations, tmp_path, generated_module=generated)
    assert not history.diagnostics
