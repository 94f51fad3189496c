"""The history table is pgshift's: a migration that makes a relation or type by its name (the
project's history_table, by default public.schema_migrations) does not compile, with an
error at the name; the compile cache checks the history again when the name changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgshift.compiler.history import History, compile_history, compile_texts
from pgshift.dsl import Severity, render

CODE = "history-table-name"
BASE = ("0.0.1_base.shift", "table documents {\n    id bigint primary key\n}\n")
DEFAULT_HELP = ('help: name this table otherwise, or keep pgshift\'s history in another'
                ' table: history_table = "pgshift_migrations" in [tool.pgshift] (for a'
                ' database that already has a history, the table it is in)')


def _errors(history: History) -> list[str]:
    return [render(d, history.source(d.file)) for d in history.diagnostics
            if d.severity is Severity.ERROR]


def _codes(history: History) -> list[str]:
    return [d.code for d in history.diagnostics if d.severity is Severity.ERROR]


def test_a_table_named_like_the_default_history_table_is_refused_at_its_name() -> None:
    history = compile_texts([("0.0.1_rails.shift",
                              "table schema_migrations {\n    version text primary key\n}\n")])
    assert _errors(history) == ["\n".join([
        "0.0.1_rails.shift:1:7: error[history-table-name]: table 'schema_migrations' would be"
        " pgshift's history table, public.schema_migrations (history_table in"
        " [tool.pgshift], by default): `pgshift up` creates that table before it runs any"
        " migration, so this one would fail there",
        "table schema_migrations {",
        "      ^~~~~~~~~~~~~~~~~",
        DEFAULT_HELP])]


@pytest.mark.parametrize("written", [
    "public.schema_migrations", "Schema_Migrations", "SCHEMA_MIGRATIONS",
    'public."schema_migrations"',
])
def test_names_compare_as_postgresql_folds_them(written: str) -> None:
    history = compile_texts([("0.0.1_a.shift", f"table {written} {{\n    id bigint\n}}\n")])
    assert _codes(history) == [CODE]


@pytest.mark.parametrize("written", ['"Schema_Migrations"', "schema_migrations_old"])
def test_another_name_is_not_the_history_table(written: str) -> None:
    history = compile_texts([("0.0.1_a.shift", f"table {written} {{\n    id bigint\n}}\n")])
    assert history.errors == []


def test_the_name_in_another_schema_is_not_the_history_table() -> None:
    history = compile_texts([("0.0.1_a.shift", "table schema_migrations {\n    id bigint\n}\n")],
                            ("ops", "schema_migrations"))
    assert history.errors == []


def test_renaming_a_table_to_the_history_table_is_refused_at_the_new_name() -> None:
    history = compile_texts([BASE, ("0.0.2_rename.shift",
                                    "rename table documents to schema_migrations\n")])
    errors = _errors(history)
    assert len(errors) == 1
    assert errors[0].startswith("0.0.2_rename.shift:1:27: error[history-table-name]: table"
                                " 'schema_migrations' would be pgshift's history table")
    assert "\n                          ^~~~~~~~~~~~~~~~~\n" in errors[0]


def test_a_configured_name_is_refused_and_the_default_is_then_free() -> None:
    configured = ("public", "migrations_log")
    refused = compile_texts([("0.0.1_a.shift", "table migrations_log {\n    id bigint\n}\n")],
                            configured)
    [error] = _errors(refused)
    assert error.splitlines()[0] == (
        "0.0.1_a.shift:1:7: error[history-table-name]: table 'migrations_log' would be"
        " pgshift's history table, public.migrations_log (history_table in [tool.pgshift]):"
        " `pgshift up` creates that table before it runs any migration, so this one would"
        " fail there")
    assert error.splitlines()[-1] == (
        'help: name this table otherwise, or keep pgshift\'s history in another table:'
        ' history_table = "pgshift_migrations" in [tool.pgshift] (for a database that'
        ' already has a history, the table it is in)')
    rails = compile_texts([("0.0.1_a.shift", "table schema_migrations {\n    id bigint\n}\n"),
                           ("0.0.2_b.shift", "table migrations_log_old {\n    id bigint\n}\n")],
                          configured)
    assert rails.errors == []


def test_the_configured_name_is_taken_as_written() -> None:
    """history_table = "Log" is "Log", as --table always was: an unquoted log in a
    migration is another table, a quoted "Log" the same."""
    configured = ("public", "Log")
    assert compile_texts([("0.0.1_a.shift", "table Log {\n    id bigint\n}\n")],
                         configured).errors == []
    quoted = compile_texts([("0.0.1_a.shift", 'table "Log" {\n    id bigint\n}\n')],
                           configured)
    assert _codes(quoted) == [CODE]


@pytest.mark.parametrize(("text", "what", "column"), [
    ("index migrations_log on documents (id)\n", "index", 7),
    ("alter table documents {\n    add constraint migrations_log unique (id)\n}\n",
     "constraint", 20),
    ("enum migrations_log ('a', 'b')\n", "enum", 6),
])
def test_an_index_constraint_or_enum_by_that_name_is_refused_too(text: str, what: str,
                                                                 column: int) -> None:
    """One namespace for tables, indexes and sequences, and a table's row type is a type:
    each of these fails once `up` has made the history table."""
    history = compile_texts([BASE, ("0.0.2_b.shift", text)], ("public", "migrations_log"))
    [diagnostic] = history.errors
    assert diagnostic.code == CODE
    assert diagnostic.message.startswith(
        f"{what} 'migrations_log' takes the name of pgshift's history table")
    assert diagnostic.span is not None
    assert diagnostic.span.column == column


def test_one_error_per_statement_that_makes_the_name_and_none_after() -> None:
    """The table stays in the model: later statements about it are not errors too."""
    history = compile_texts([
        ("0.0.1_a.shift", "table schema_migrations {\n    id bigint\n}\n"),
        ("0.0.2_b.shift", "alter table schema_migrations {\n    add column note text\n}\n"),
    ])
    assert _codes(history) == [CODE]


def test_no_history_table_checks_nothing() -> None:
    history = compile_texts([("0.0.1_a.shift", "table schema_migrations {\n    id bigint\n}\n")],
                            None)
    assert history.errors == []


def test_changing_the_history_table_checks_the_cached_migrations_again(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0.0.1_a.shift").write_text("table migrations_log {\n    id bigint\n}\n")
    (migrations / "0.0.2_b.shift").write_text("table notes {\n    id bigint\n}\n")
    cache = tmp_path / "cache" / "compile.pickle"

    first = compile_history(migrations, tmp_path, cache)
    assert first.errors == []
    assert compile_history(migrations, tmp_path, cache).reused == 1

    moved = compile_history(migrations, tmp_path, cache,
                            history_table=("public", "migrations_log"))
    assert moved.reused == 0
    assert _codes(moved) == [CODE]
    assert compile_history(migrations, tmp_path, cache).reused == 1
