"""`pgshift up` and `down` of a migration that mixes ordinary statements with `index
concurrently`, through the CLI against a real server: it runs in segments (each run of
ordinary statements in a transaction, the concurrent statement alone), so a failure at
each point leaves a different, exactly described state. These tests fail at each point
and check the exit code, the message and the catalog, then the success and its Down.
The failures past the first segment run with `--no-rollback`, which leaves them as they
stopped; what `up` does by default, undoing them, is tests/e2e/test_cli_rollback.py's.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest

from pgshift.runner.catalog import snapshot
from tests.e2e.cli_database_support import (
    INITIAL,
    Project,
    columns,
    execute,
    index_validity,
    indexes,
)

MIXED_FILE = "0.0.2_mixed.shift"
ADD_SUMMARY = """\
alter table documents {
    add column summary text
}
"""
TITLE_INDEX = "index concurrently documents_title on documents (title)\n"
UNIQUE_TITLE_INDEX = "unique index concurrently documents_title on documents (title)\n"
INDEX_COMMENT = "comment on index documents_title is 'for search'\n"
ALLOW_SCAN = "-- pgshift: allow constraint-scans (these tests' tables are small)\n"
TITLE_CHECK = ALLOW_SCAN + """\
alter table documents {
    add check `length(title) < 500`
}
"""
# The mixed migration: [add column] [create index concurrently] [comment, add check].
MIXED = ADD_SUMMARY + TITLE_INDEX + INDEX_COMMENT + TITLE_CHECK

CREATE_INDEX = "CREATE INDEX CONCURRENTLY documents_title ON documents (title)"
CREATE_UNIQUE_INDEX = "CREATE UNIQUE INDEX CONCURRENTLY documents_title ON documents (title)"
ADD_CHECK_SHORT = ("ALTER TABLE documents ADD CONSTRAINT documents_title_check"
                   " CHECK (length(title) < 5)")
DROP_SUMMARY = "ALTER TABLE documents DROP COLUMN summary"
LONG_TITLE = "INSERT INTO documents (title) VALUES ('a title too long')"
HISTORY = ("schema_migrations",)
# Down: [DROP TABLE notes] (a transaction that does not touch documents), then
# [DROP INDEX CONCURRENTLY documents_title], which waits for every session holding a lock
# on documents.
INDEX_THEN_NOTES = TITLE_INDEX + """\
table notes {
    id  bigint primary key
}
"""


@pytest.fixture
def documents(project: Project) -> Project:
    """0.0.1 (the documents table) applied; each test writes its own 0.0.2."""
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.compile()
    project.ok("up")
    return project


def with_mixed(project: Project, text: str) -> Project:
    project.write(MIXED_FILE, text)
    project.compile()
    return project


def history_row(url: str, version: str = "0.0.2") -> tuple[bool, str | None] | None:
    """The history row's dirty flag and failing statement, None when there is no row."""
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT dirty, failed_statement FROM schema_migrations"
                                 " WHERE version = %s", [version]).fetchone()
    return None if row is None else (bool(row[0]), row[1])


def constraint_names(url: str) -> set[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'documents'::regclass"
        ).fetchall()
    return {row[0] for row in rows}


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {row[0] for row in rows}


def index_comment(url: str) -> str | None:
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT obj_description(to_regclass('documents_title'), 'pg_class')").fetchone()
    return None if row is None else row[0]


def catalog(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as connection:
        return snapshot(connection, ignore_tables=HISTORY)


def wait_until_blocked(url: str, statement: str) -> None:
    """Until pgshift's backend waits on a lock in `statement` (at most 20 s)."""
    deadline = time.monotonic() + 20
    with psycopg.connect(url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            row = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgshift'"
                " AND wait_event_type = 'Lock' AND query LIKE %s",
                [statement + "%"]).fetchone()
            if row and row[0]:
                return
            time.sleep(0.05)
    raise AssertionError(f"pgshift never waited in {statement}")


@contextmanager
def run_behind(project: Project, begin: str, statement: str, *args: str,
               ) -> Iterator[list[subprocess.CompletedProcess[str]]]:
    """`pgshift ARGS` in a thread while another session holds a transaction open (`begin`,
    then `statement`). The transaction ends when the block does, then the run is awaited:
    its result is in the yielded list after the block."""
    results: list[subprocess.CompletedProcess[str]] = []
    holder = psycopg.connect(project.url, autocommit=True, application_name="holder")
    try:
        holder.execute(begin.encode())
        holder.execute(statement.encode())
        worker = threading.Thread(target=lambda: results.append(project.run(*args)))
        worker.start()
        try:
            yield results
        finally:
            holder.close()  # the server rolls its transaction back
            worker.join(60)
    finally:
        holder.close()


def state(project: Project) -> tuple[str | None, bool]:
    document = project.status()
    return document["current_version"], document["dirty"]


def assert_failed_at(result: subprocess.CompletedProcess[str], direction: str, statement: int,
                     total: int, text: str) -> None:
    """Exit 14, and the message names the failing statement by number and text."""
    assert result.returncode == 14, result.stderr
    assert (f"migration 0.0.2 (mixed) failed during {direction} at statement {statement}"
            f" of {total}:") in result.stderr
    assert text in result.stderr


# ---------------------------------------------------------------- up


def test_the_mixed_migration_applies_whole_and_clean(documents: Project) -> None:
    with_mixed(documents, MIXED)

    plan = documents.run("plan", with_url=False)
    assert plan.returncode == 0, plan.stderr
    assert "0.0.2  mixed  [non-transactional]" in plan.stdout.splitlines()
    assert "0.0.1  initial schema" in plan.stdout.splitlines(), "only 0.0.2 is marked"

    result = documents.run("up")

    assert result.returncode == 0, result.stderr
    assert "summary" in columns(documents.url, "documents")
    assert index_validity(documents.url) == {"documents_pkey": True, "documents_title": True}
    assert index_comment(documents.url) == "for search"
    assert "documents_title_check" in constraint_names(documents.url)
    assert history_row(documents.url) == (False, None)
    assert state(documents) == ("0.0.2", False)


def test_a_failure_in_the_first_segment_leaves_nothing(documents: Project) -> None:
    """The first segment is a transaction that also writes the dirty row: rolled back, no
    trace of the migration remains, not even a dirty row."""
    with_mixed(documents, ALLOW_SCAN + ADD_SUMMARY.replace(
        "}", "    add constraint documents_title_check check `length(title) < 5`\n}")
        + TITLE_INDEX + INDEX_COMMENT)
    execute(documents.url, LONG_TITLE)

    result = documents.run("up")

    assert_failed_at(result, "up", 2, 4, ADD_CHECK_SHORT)
    assert "23514" in result.stderr  # check_violation
    assert "nothing of it remains" in result.stderr
    assert "dirty" not in result.stderr
    assert "summary" not in columns(documents.url, "documents")
    assert index_validity(documents.url) == {"documents_pkey": True}
    assert "documents_title_check" not in constraint_names(documents.url)
    assert history_row(documents.url) is None
    assert state(documents) == ("0.0.1", False)


def test_a_failed_concurrent_index_leaves_the_first_segment_and_an_invalid_index(
        documents: Project) -> None:
    with_mixed(documents, ADD_SUMMARY + UNIQUE_TITLE_INDEX + INDEX_COMMENT + TITLE_CHECK)
    execute(documents.url, "INSERT INTO documents (title) VALUES ('same'), ('same')")

    result = documents.run("up", "--no-rollback")

    assert_failed_at(result, "up", 2, 4, CREATE_UNIQUE_INDEX)
    assert "23505" in result.stderr  # unique_violation
    assert "statement 1 of its Up is applied" in result.stderr
    assert "marked dirty at version 0.0.2" in result.stderr
    assert "INVALID" in result.stderr
    assert "DROP INDEX CONCURRENTLY" in result.stderr
    assert "summary" in columns(documents.url, "documents")
    assert index_validity(documents.url) == {"documents_pkey": True, "documents_title": False}
    assert index_comment(documents.url) is None, "nothing after the failure ran"
    assert "documents_title_check" not in constraint_names(documents.url)
    assert history_row(documents.url) == (True, CREATE_UNIQUE_INDEX)
    assert state(documents) == ("0.0.2", True)

    again = documents.run("up")
    assert again.returncode == 13, again.stderr
    assert "dirty" in again.stderr
    assert "pgshift force" in again.stderr
    assert "summary" in columns(documents.url, "documents")
    assert history_row(documents.url) == (True, CREATE_UNIQUE_INDEX), "the refusal wrote nothing"


def test_a_failure_in_the_last_segment_leaves_the_earlier_ones_applied(
        documents: Project) -> None:
    """The comment shares the last segment's transaction with the failing check, so it is
    rolled back with it; the column and the index, earlier segments, stay."""
    with_mixed(documents, MIXED.replace("length(title) < 500", "length(title) < 5"))
    execute(documents.url, LONG_TITLE)

    result = documents.run("up", "--no-rollback")

    assert_failed_at(result, "up", 4, 4, ADD_CHECK_SHORT)
    assert "23514" in result.stderr
    assert "statements 1 to 2 of its Up are applied" in result.stderr
    assert "marked dirty at version 0.0.2" in result.stderr
    assert "nothing of it remains" not in result.stderr
    assert "INVALID" not in result.stderr, "the index was built: no INVALID note"
    assert "summary" in columns(documents.url, "documents")
    assert index_validity(documents.url) == {"documents_pkey": True, "documents_title": True}
    assert index_comment(documents.url) is None
    assert "documents_title_check" not in constraint_names(documents.url)
    assert history_row(documents.url) == (True, ADD_CHECK_SHORT)
    assert state(documents) == ("0.0.2", True)


def test_a_failing_concurrent_first_statement_leaves_the_row_dirty(documents: Project) -> None:
    """With no transaction before it, the dirty row is written on its own before the
    statement runs, and the statement's failure is recorded in it."""
    with_mixed(documents, UNIQUE_TITLE_INDEX + ADD_SUMMARY)
    execute(documents.url, "INSERT INTO documents (title) VALUES ('same'), ('same')")

    result = documents.run("up", "--no-rollback")

    assert_failed_at(result, "up", 1, 2, CREATE_UNIQUE_INDEX)
    assert "none of its statements is applied" in result.stderr
    assert "marked dirty at version 0.0.2" in result.stderr
    assert "INVALID" in result.stderr
    assert "summary" not in columns(documents.url, "documents")
    assert index_validity(documents.url) == {"documents_pkey": True, "documents_title": False}
    assert history_row(documents.url) == (True, CREATE_UNIQUE_INDEX)
    assert state(documents) == ("0.0.2", True)
    assert documents.run("up").returncode == 13


def test_the_row_is_dirty_while_the_index_builds(documents: Project) -> None:
    """Part of the migration is applied while CREATE INDEX CONCURRENTLY waits for an older
    snapshot (a report in REPEATABLE READ that touches no table of the migration): the row
    says so, and says clean once the last segment commits."""
    with_mixed(documents, MIXED)
    with run_behind(documents, "BEGIN ISOLATION LEVEL REPEATABLE READ", "SELECT 1",
                    "up") as results:
        wait_until_blocked(documents.url, CREATE_INDEX)
        assert "summary" in columns(documents.url, "documents")
        assert history_row(documents.url) == (True, None)
        assert index_comment(documents.url) is None
    assert results[0].returncode == 0, results[0].stderr
    assert history_row(documents.url) == (False, None)
    assert index_validity(documents.url) == {"documents_pkey": True, "documents_title": True}


# ---------------------------------------------------------------- down


def test_down_of_the_mixed_migration_restores_the_catalog(documents: Project) -> None:
    before = catalog(documents.url)
    with_mixed(documents, MIXED)
    documents.ok("up")
    assert catalog(documents.url) != before, "Up changed the catalog"

    result = documents.run("down")

    assert result.returncode == 0, result.stderr
    assert history_row(documents.url) is None
    assert "summary" not in columns(documents.url, "documents")
    assert "documents_title" not in indexes(documents.url)
    assert catalog(documents.url) == before
    assert state(documents) == ("0.0.1", False)


def test_the_row_is_dirty_while_down_drops_the_index(documents: Project) -> None:
    """Down's first segment marks the row dirty in its own transaction: while DROP INDEX
    CONCURRENTLY then waits for a reader of documents, the row says dirty."""
    with_mixed(documents, INDEX_THEN_NOTES)
    documents.ok("up")
    with run_behind(documents, "BEGIN", "SELECT count(*) FROM documents", "down") as results:
        wait_until_blocked(documents.url, "DROP INDEX CONCURRENTLY documents_title")
        assert "notes" not in tables(documents.url), "the first segment committed"
        assert "documents_title" in indexes(documents.url)
        assert history_row(documents.url) == (True, None)
    assert results[0].returncode == 0, results[0].stderr
    assert history_row(documents.url) is None
    assert "documents_title" not in indexes(documents.url)


def test_a_down_failing_in_its_first_segment_changes_nothing(documents: Project) -> None:
    """Down's first segment (drop the check, clear the comment) is a transaction holding the
    dirty mark: rolled back, the row stays clean at 0.0.2 and everything is still there."""
    with_mixed(documents, MIXED)
    documents.ok("up")
    execute(documents.url, "ALTER TABLE documents DROP CONSTRAINT documents_title_check")

    result = documents.run("down")

    assert_failed_at(result, "down", 1, 4,
                     "ALTER TABLE documents DROP CONSTRAINT documents_title_check")
    assert "still at version 0.0.2" in result.stderr
    assert index_comment(documents.url) == "for search"
    assert index_validity(documents.url) == {"documents_pkey": True, "documents_title": True}
    assert "summary" in columns(documents.url, "documents")
    assert history_row(documents.url) == (False, None)
    assert state(documents) == ("0.0.2", False)


def test_a_down_failing_part_way_leaves_the_row_dirty(documents: Project) -> None:
    """A view on the column makes Down's last statement fail after its first segment and
    its DROP INDEX CONCURRENTLY have run: those stay done, and the row says dirty."""
    with_mixed(documents, MIXED)
    documents.ok("up")
    execute(documents.url, "CREATE VIEW summaries AS SELECT summary FROM documents")

    result = documents.run("down")

    assert_failed_at(result, "down", 4, 4, DROP_SUMMARY)
    assert "2BP01" in result.stderr  # dependent_objects_still_exist
    assert "statements 1 to 3 of its Down are applied" in result.stderr
    assert "marked dirty at version 0.0.2" in result.stderr
    assert "summary" in columns(documents.url, "documents")
    assert "documents_title" not in indexes(documents.url)
    assert "documents_title_check" not in constraint_names(documents.url)
    assert history_row(documents.url) == (True, DROP_SUMMARY)
    assert state(documents) == ("0.0.2", True)
    for args in (("up",), ("down",)):
        refused = documents.run(*args)
        assert refused.returncode == 13, (args, refused.stderr)
