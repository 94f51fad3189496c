"""history_table in [tool.pgshift] and --table: one parser, and the flag before the setting
before public.schema_migrations."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift.exit_codes import CommandFailed, ExitCode
from pgshift.project import Project, ProjectError
from pgshift.runner.table_name import BadTableName, parse_table_name


def _project(tmp_path: Path, setting: str | None) -> Project:
    lines = ["[tool.pgshift]"] + ([] if setting is None else [f"history_table = {setting}"])
    (tmp_path / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Project.load(tmp_path)


@pytest.mark.parametrize(("text", "parsed"), [
    ("schema_migrations", ("public", "schema_migrations")),
    ("ops.migrations_log", ("ops", "migrations_log")),
    ("Ops.Log", ("Ops", "Log")),  # as written, as --table always took it
    ("é" * 31 + "x", ("public", "é" * 31 + "x")),  # 63 bytes
])
def test_table_names_parse(text: str, parsed: tuple[str, str]) -> None:
    assert parse_table_name(text) == parsed


@pytest.mark.parametrize(("text", "why"), [
    ("", "is empty: give TABLE or SCHEMA.TABLE"),
    ("a.b.c", "'a.b.c' has more than one dot: give TABLE or SCHEMA.TABLE"),
    (".log", "'.log' has an empty schema name"),
    ("ops.", "'ops.' has an empty table name"),
    ("ops. log", "'ops. log': the table name ' log' begins or ends with a blank"),
    ("ops.lo\tg", "'ops.lo\\tg': the table name contains a control character"),
    ("x" * 64, "the table name is 64 bytes long; PostgreSQL keeps only the first 63"),
    ("é" * 32 + ".t", "the schema name is 64 bytes long"),
])
def test_bad_table_names_say_why(text: str, why: str) -> None:
    with pytest.raises(BadTableName) as raised:
        parse_table_name(text)
    assert why in str(raised.value)


def test_without_the_setting_the_history_is_public_schema_migrations(tmp_path: Path) -> None:
    project = _project(tmp_path, None)
    assert project.history_table == "public.schema_migrations"
    assert project.history_key == ("public", "schema_migrations")
    assert project.history_table_for(None) == "public.schema_migrations"


@pytest.mark.parametrize(("setting", "table"), [
    ('"ops.migrations_log"', "ops.migrations_log"),
    ('"pgshift_history"', "public.pgshift_history"),
])
def test_the_setting_names_the_history_table(tmp_path: Path, setting: str, table: str) -> None:
    project = _project(tmp_path, setting)
    assert project.history_table == table
    assert project.history_table_for(None) == table


def test_the_flag_beats_the_setting(tmp_path: Path) -> None:
    project = _project(tmp_path, '"ops.migrations_log"')
    assert project.history_table_for("audit.history") == "audit.history"
    assert project.history_table_for("history") == "public.history"
    assert project.history_key == ("ops", "migrations_log"), "the compiler reads the setting"


@pytest.mark.parametrize(("setting", "message"), [
    ('""', "[tool.pgshift] history_table is empty: give TABLE or SCHEMA.TABLE"),
    ('"a.b.c"', "[tool.pgshift] history_table 'a.b.c' has more than one dot"),
    (f'"{"x" * 64}"', "the table name is 64 bytes long"),
    ("3", '[tool.pgshift] history_table must be a table name (a string, "schema.table" or'
          ' "table"), not 3'),
    ('["ops", "log"]', "must be a table name"),
])
def test_a_bad_setting_is_a_configuration_error(tmp_path: Path, setting: str,
                                                message: str) -> None:
    with pytest.raises(ProjectError) as raised:
        _project(tmp_path, setting)
    assert message in str(raised.value)


def test_a_bad_flag_is_a_usage_error(tmp_path: Path) -> None:
    project = _project(tmp_path, None)
    with pytest.raises(CommandFailed) as raised:
        project.history_table_for("a.b.c")
    assert raised.value.code is ExitCode.USAGE
    assert str(raised.value).startswith("--table 'a.b.c' has more than one dot")
