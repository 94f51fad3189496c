"""`pgshift pull` writes functions and triggers in the language: `instead of` triggers on
views, argument modes, `parallel` and `set` (the schema, tests/e2e/testdata/pull/routines.sql,
is also rebuilt by test_cli_pull_roundtrip's round trip)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgshift.commands.scratch import throwaway_database
from pgshift.runner.catalog import snapshot
from pgshift.runner.externals import ExternalObjects
from tests.e2e.cli_database_support import Project, execute, with_password
from tests.e2e.test_cli_pull_roundtrip import CORPUS, _pull, _pulled

CASE = CORPUS / "routines.sql"
PLATFORM = """
CREATE SCHEMA audit;
CREATE TABLE audit.changes (relation text, operation text);
CREATE FUNCTION audit.log_change() RETURNS trigger LANGUAGE plpgsql AS $$
begin
    insert into audit.changes values (tg_table_name, tg_op);
    return null;
end
$$;
"""
APPLICATION = """
CREATE TABLE notes (id bigint PRIMARY KEY, body text);
CREATE TRIGGER notes_audit AFTER INSERT OR DELETE ON notes
    FOR EACH ROW EXECUTE FUNCTION audit.log_change();
"""


@pytest.fixture
def target_url(server_url: str) -> Iterator[str]:
    with throwaway_database(server_url, "pgshift_target") as url:
        yield with_password(url)[0]


def _public(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as connection:
        return snapshot(connection, ignore_tables=("schema_migrations",),
                        external=ExternalObjects(("audit",)))


def test_pull_writes_triggers_on_views_in_the_language(project: Project) -> None:
    execute(project.url, CASE.read_text(encoding="utf-8"))
    warnings = _pull(project)
    text = _pulled(project)
    assert ("\ntrigger note_titles_insert instead of insert on note_titles for each row"
            " execute function note_titles_write()\n") in text, text
    assert ("\ntrigger note_titles_after after update of title on note_titles for each"
            " statement execute function note_titles_write('noted')\n") in text, text
    assert "CREATE TRIGGER" not in text, text
    assert "note_titles" not in warnings, warnings


def test_pull_writes_argument_modes_parallel_and_settings_in_the_language(
        project: Project) -> None:
    execute(project.url, CASE.read_text(encoding="utf-8"))
    warnings = _pull(project)
    text = _pulled(project)
    assert ("\nfunction note_stats(note bigint, out title text, out length integer) returns"
            " record language sql stable parallel safe as") in text, text
    assert ("\nfunction greatest_of(variadic numbers integer[]) returns integer language sql"
            " immutable parallel restricted as") in text, text
    assert "\nfunction doubled(inout amount bigint) returns bigint language sql as" in text, text
    assert ("\nfunction rename_note(note bigint, title text) returns void language plpgsql"
            " security definer set search_path = pg_catalog, '$user', public"
            " set statement_timeout = '5s' set work_mem = '64MB' as") in text, text
    assert "set search_path = ''" in text, text
    assert ("\nprocedure retitle(note bigint, inout changed integer) language plpgsql security"
            " definer set search_path = pg_catalog, pg_temp as") in text, text
    assert "CREATE FUNCTION" not in text, text
    assert "CREATE PROCEDURE" not in text, text
    assert "CREATE OR REPLACE" not in text, text
    assert "function" not in warnings, warnings


def test_pull_declares_a_trigger_function_from_outside_as_external(
        project: Project, target_url: str, tmp_path: Path) -> None:
    """A trigger executing a platform's function is written as `trigger`, after an
    `external function` declaration of it; `up` rebuilds it where the platform is."""
    execute(project.url, PLATFORM + APPLICATION)
    warnings = _pull(project)
    text = _pulled(project)
    assert "\nexternal function audit.log_change() returns trigger\n" in text, text
    assert ("\ntrigger notes_audit after insert or delete on notes for each row execute"
            " function audit.log_change()\n") in text, text
    assert 'sql """' not in text, text
    assert "notes_audit" not in warnings, warnings
    project.compile()
    execute(target_url, PLATFORM)
    applied = project.run("up", url=target_url)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert _public(target_url) == _public(project.url)
