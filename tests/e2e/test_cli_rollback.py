"""`pgshift up` undoes a non-transactional migration that fails part-way, and `--atomic`
applies a run all or nothing. Real processes on a real server: after each failure the
catalog must be the one from before the migration, and the history clean at 0.0.1.

The mixed migration, its changes numbered as `up` runs them in segments:

    1 add column summary                           (a transaction)
    2 unique index concurrently on title           (alone)
    3 comment on that index, 4 add a check         (a transaction)
    5 unique index concurrently on lower(title)    (alone)
    6 add column language not null                 (a transaction)

Each test makes one of 2, 4, 5 or 6 fail with rows that break it.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from typing import Any

import psycopg
import pytest

from pgshift.runner.catalog import snapshot
from tests.e2e.cli_database_support import INITIAL, Project, execute, index_validity

MIXED = """\
alter table documents {
    add column summary text
}
unique index concurrently documents_title on documents (title)
comment on index documents_title is 'one document per title'
-- pgshift: allow constraint-scans (a small table)
alter table documents {
    add check `length(title) < 20`
}
unique index concurrently documents_title_lower on documents (`lower(title)`)
-- pgshift: allow not-null-without-default (the test wants it to fail)
alter table documents {
    add column language text not null
}
"""
# Rows that make the named change fail, and none before it.
BREAKS = {
    "2 (duplicate titles)": ["a", "a"],
    "4 (a long title)": ["a title longer than twenty"],
    "5 (titles equal in lower case)": ["a", "A"],
    "6 (any row: a NOT NULL column without a default)": ["a"],
}
HISTORY = ("schema_migrations",)


def _catalog(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as connection:
        return snapshot(connection, ignore_tables=HISTORY)


def _with(project: Project, text: str) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.write("0.0.2_mixed.shift", text)
    project.compile()
    project.ok("up", "--to", "0.0.1")


def _insert(project: Project, titles: list[str]) -> None:
    for title in titles:
        execute(project.url, f"INSERT INTO documents (title) VALUES ('{title}')")


@pytest.mark.parametrize("where", sorted(BREAKS))
def test_a_failure_at_each_point_is_undone(project: Project, where: str) -> None:
    _with(project, MIXED)
    _insert(project, BREAKS[where])
    before = _catalog(project.url)

    result = project.run("up")

    assert result.returncode == 14, result.stderr
    assert "pgshift undid what it had applied" in result.stderr
    assert "nothing of it remains and the database is still at the previous version" \
        in result.stderr
    assert _catalog(project.url) == before
    state = project.status()
    assert (state["current_version"], state["dirty"]) == ("0.0.1", False)
    assert [m["version"] for m in state["pending"]] == ["0.0.2"]


def test_an_invalid_index_from_a_failed_concurrent_build_is_dropped(project: Project) -> None:
    _with(project, MIXED)
    _insert(project, BREAKS["2 (duplicate titles)"])

    result = project.run("up")

    assert result.returncode == 14
    assert "23505" in result.stderr  # unique_violation
    assert "dropped the INVALID index documents_title" in result.stderr
    assert index_validity(project.url) == {"documents_pkey": True}


def test_once_the_rows_are_fixed_the_migration_applies(project: Project) -> None:
    _with(project, MIXED)
    _insert(project, BREAKS["5 (titles equal in lower case)"])
    assert project.run("up").returncode == 14
    execute(project.url, "DELETE FROM documents")

    result = project.run("up")

    assert result.returncode == 0, result.stderr
    assert project.version() == "0.0.2"


def test_an_undo_that_fails_leaves_an_exact_account(project: Project) -> None:
    doomed_down = ('sql """SELECT 1""" down """SELECT 1 / 0"""\n'
                   "unique index concurrently documents_title on documents (title)\n")
    _with(project, doomed_down)
    _insert(project, BREAKS["2 (duplicate titles)"])

    result = project.run("up")

    assert result.returncode == 14
    assert "Undoing it failed too" in result.stderr
    assert "22012" in result.stderr  # division_by_zero, in the undo
    assert "none of the Down statements that undo it had run" in result.stderr
    state = project.status()
    assert (state["current_version"], state["dirty"]) == ("0.0.2", True)
    assert project.run("up").returncode == 13


def test_a_kill_during_the_undo_leaves_the_row_dirty(project: Project) -> None:
    slow_down = ('sql """SELECT 1""" down """SELECT pg_sleep(60)"""\n'
                 "unique index concurrently documents_title on documents (title)\n")
    _with(project, slow_down)
    _insert(project, BREAKS["2 (duplicate titles)"])
    command = [sys.executable, "-m", "pgshift", "up", "--project", str(project.root),
               "--database-url", project.url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for_query(project.url, "SELECT pg_sleep(60)")
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(60)

    history = json.loads(project.ok("history", "--json").stdout)["history"]
    row = history[-1]
    assert (row["version"], row["dirty"]) == ("0.0.2", True)
    assert "CREATE UNIQUE INDEX CONCURRENTLY documents_title" in row["failed_statement"]
    # The killed run's session holds the migration lock until the server notices its client
    # is gone (client_connection_check_interval, 2 s): wait for it, then meet the dirty row.
    assert project.run("up", "--wait", "30").returncode == 13


def _wait_for_query(url: str, query: str) -> None:
    """Until a pgshift session runs `query` (the undo has reached it)."""
    with psycopg.connect(url, autocommit=True) as watcher:
        for _ in range(600):
            found = watcher.execute("SELECT 1 FROM pg_stat_activity WHERE query = %s"
                                    " AND application_name = 'pgshift'", [query]).fetchone()
            if found:
                return
            time.sleep(0.1)
    raise AssertionError(f"no pgshift session ever ran {query}")


# ------------------------------------------------------------------ --atomic

STEPS = [
    "alter table documents {\n    add column summary text\n}\n",
    "comment on table documents is 'fetched documents'\n",
    "-- pgshift: allow constraint-scans\nalter table documents {\n"
    "    add check `length(title) < 20`\n}\n",
]


def _steps(project: Project, *texts: str) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    for number, text in enumerate(texts, 2):
        project.write(f"0.0.{number}_step.shift", text)
    project.compile()
    project.ok("up", "--to", "0.0.1")


def test_atomic_applies_every_pending_migration(project: Project) -> None:
    _steps(project, *STEPS)

    result = project.run("up", "--atomic")

    assert result.returncode == 0, result.stderr
    assert project.version() == "0.0.4"
    assert len(project.status()["applied"]) == 4


def test_atomic_leaves_nothing_when_the_last_fails(project: Project) -> None:
    _steps(project, *STEPS)
    _insert(project, ["a title longer than twenty"])
    before = _catalog(project.url)

    result = project.run("up", "--atomic")

    assert result.returncode == 14
    assert "migration 0.0.4 (step) failed during up" in result.stderr
    assert "--atomic: they ran in one transaction, which was rolled back" in result.stderr
    assert _catalog(project.url) == before
    assert project.version() == "0.0.1"


def test_atomic_refuses_a_run_holding_a_concurrent_index(project: Project) -> None:
    _steps(project, STEPS[0], "index concurrently documents_title on documents (title)\n")

    result = project.run("up", "--atomic")

    assert result.returncode == 2
    assert "0.0.3 (step)" in result.stderr
    assert "Nothing was run" in result.stderr
    assert project.version() == "0.0.1"
