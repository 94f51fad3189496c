"""`pgshift up --rehearse`: the pending migrations run on a schema-only copy of the target,
which is only read. Real processes on a real server; the copy goes on the embedded server,
or with --rehearse-on-server on the target's own."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pgshift.runner.catalog import snapshot
from tests.e2e.cli_database_support import (
    ADD_LANGUAGE,
    INITIAL,
    TITLE_INDEX,
    Project,
    execute,
)


def _everything(url: str) -> tuple[Any, ...]:
    """The target's catalog and history: what a rehearsal must not change."""
    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT version, dirty FROM schema_migrations"
                                  " ORDER BY version").fetchall()
        return snapshot(connection), rows


def _history(project: Project) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.write("0.0.2_add_language.shift", ADD_LANGUAGE)
    project.write("0.0.3_title_index.shift", TITLE_INDEX)
    project.compile()
    project.ok("up", "--to", "0.0.1")
    execute(project.url, "INSERT INTO documents (title) VALUES ('kept')")


@pytest.mark.parametrize("where", ["--rehearse", "--rehearse-on-server"])
def test_a_rehearsal_reports_each_statement_and_changes_nothing(project: Project,
                                                                where: str) -> None:
    _history(project)
    before = _everything(project.url)

    result = project.run("up", where)

    assert result.returncode == 0, result.stderr
    assert "rehearsal on a schema-only copy of" in result.stdout
    assert "0.0.2 (add language): ok" in result.stdout
    assert "ms  ALTER TABLE documents ADD COLUMN language" in result.stdout
    assert "0.0.3 (title index): ok" in result.stdout
    assert "ms  CREATE INDEX documents_title ON documents (title)" in result.stdout
    assert "every pending migration applies" in result.stdout
    assert _everything(project.url) == before


def test_a_rehearsal_shows_what_would_fail(project: Project) -> None:
    _history(project)
    execute(project.url, "ALTER TABLE documents ADD COLUMN language text")  # by hand
    before = _everything(project.url)

    result = project.run("up", "--rehearse")

    assert result.returncode == 14
    assert "0.0.2 (add language): would fail" in result.stdout
    assert "42701" in result.stdout  # duplicate_column
    assert "0.0.3" not in result.stdout
    assert _everything(project.url) == before


def test_nothing_pending_is_nothing_to_rehearse(project: Project) -> None:
    _history(project)
    project.ok("up")

    result = project.run("up", "--rehearse")

    assert result.returncode == 0
    assert "nothing to rehearse" in result.stdout
