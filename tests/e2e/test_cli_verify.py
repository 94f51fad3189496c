"""`pgshift verify`: each migration's Up, Down and Up again on a scratch database, the
catalog compared at each step. The project's own database (the `project` fixture's) is
given as the server to make the scratch database on, and must come out untouched."""

from __future__ import annotations

import json
from typing import Any

import psycopg

from pgshift.runner.catalog import snapshot
from tests.e2e.cli_database_support import INITIAL, Project

SAFE_CHANGES = """\
unique index concurrently documents_title on documents (title)
alter table documents {
    add column summary text
    add constraint documents_title_key unique using index documents_title
    add check `length(summary) < 1000` not valid
}
"""
FUNCTION_WITHOUT_ITS_DOWN = '''\
sql """
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN NEW.title := upper(NEW.title); RETURN NEW; END $$
""" down """
    SELECT 1
"""
'''
FAILING = 'sql """SELECT 1 / 0""" down """"""\n'


def _catalog(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as connection:
        return snapshot(connection)


def _history(project: Project, *migrations: str) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    for number, text in enumerate(migrations, 2):
        project.write(f"0.0.{number}_change.shift", text)
    project.compile()


def test_a_history_whose_downs_restore_the_catalog_verifies(project: Project) -> None:
    _history(project, SAFE_CHANGES, "comment on table documents is 'fetched'\n")
    before = _catalog(project.url)

    result = project.run("verify")

    assert result.returncode == 0, result.stderr
    assert "verified 3 migrations" in result.stdout
    assert _catalog(project.url) == before


def test_a_down_that_does_not_restore_is_named_with_the_difference(project: Project) -> None:
    _history(project, SAFE_CHANGES, FUNCTION_WITHOUT_ITS_DOWN,
             "comment on table documents is 'fetched'\n")

    result = project.run("verify")

    assert result.returncode == 21, result.stderr
    assert "migration 0.0.3: its Down does not restore the catalog" in result.stdout
    assert "function public.touch() is in the database but not in the migrations" \
        in result.stdout


def test_json_says_what_was_verified_and_what_failed(project: Project) -> None:
    _history(project, SAFE_CHANGES, FUNCTION_WITHOUT_ITS_DOWN)

    result = project.run("verify", "--json")

    assert result.returncode == 21, result.stderr
    document = json.loads(result.stdout)
    assert document["verified"] == ["0.0.1", "0.0.2"]
    assert document["failed"]["version"] == "0.0.3"
    assert document["failed"]["stage"] == "down"
    assert [d["name"] for d in document["failed"]["differences"]] == ["public.touch()"]


def test_from_applies_the_earlier_migrations_without_proving_them(project: Project) -> None:
    _history(project, FUNCTION_WITHOUT_ITS_DOWN, SAFE_CHANGES)

    result = project.run("verify", "--from", "0.0.3", "--json")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["verified"] == ["0.0.3"]
    assert document["applied_only"] == ["0.0.1", "0.0.2"]


def test_an_irreversible_migration_is_applied_and_counted(project: Project) -> None:
    backfill = "irreversible 'a backfill'\nsql \"\"\"UPDATE documents SET title = ''\"\"\"\n"
    _history(project, backfill, SAFE_CHANGES)

    result = project.run("verify", "--json")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["verified"] == ["0.0.1", "0.0.3"]
    assert document["applied_only"] == ["0.0.2"]


def test_a_statement_that_fails_in_the_scratch_database_exits_14(project: Project) -> None:
    _history(project, FAILING)

    result = project.run("verify")

    assert result.returncode == 14, result.stderr
    assert "migration 0.0.2 (change) failed during up in the scratch database" in result.stderr
    assert "22012" in result.stderr  # division_by_zero


def test_an_unknown_from_version_is_a_usage_error(project: Project) -> None:
    _history(project)

    result = project.run("verify", "--from", "0.0.9")

    assert result.returncode == 2, result.stderr
    assert "no migration with version 0.0.9" in result.stderr


def test_the_embedded_server_is_the_default(project: Project) -> None:
    _history(project, SAFE_CHANGES)

    result = project.run("verify", with_url=False)

    assert result.returncode == 0, result.stderr
    assert "scratch database on the embedded PostgreSQL" in result.stderr
    assert "verified 2 migrations" in result.stdout
