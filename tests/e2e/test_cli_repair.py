"""`pgshift repair`: each simple case produced for real (a run killed with SIGKILL, a
failed concurrent build left by `up --no-rollback`), repaired without a person; and a
partly applied migration, which must be explained and left alone."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import psycopg

from pgshift.runner.catalog import snapshot
from tests.e2e.cli_database_support import INITIAL, Project, execute, index_validity

UNIQUE_TITLE = "unique index concurrently documents_title on documents (title)\n"
SUMMARY_THEN_UNIQUE_TITLE = "alter table documents {\n    add column summary text\n}\n" \
    + UNIQUE_TITLE
# Slow on the live database, which has a row, and instant in the scratch one repair builds.
TITLE_THEN_SLOW = ("index concurrently documents_title on documents (title)\n"
                   'sql """SELECT pg_sleep(60) FROM documents""" down """"""\n')


def _catalog(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as connection:
        return snapshot(connection, ignore_tables=("schema_migrations",))


def _with(project: Project, text: str) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.write("0.0.2_change.shift", text)
    project.compile()
    project.ok("up", "--to", "0.0.1")


def _state(project: Project) -> tuple[str | None, bool]:
    status = project.status()
    return status["current_version"], status["dirty"]


def _kill_when(project: Project, query: str) -> None:
    """Start `pgshift up` and kill it with SIGKILL once its session runs `query`; then wait
    until the server has noticed and ended that session (its lock is free again)."""
    process = subprocess.Popen([sys.executable, "-m", "pgshift", "up", "--project",
                                str(project.root), "--database-url", project.url],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with psycopg.connect(project.url, autocommit=True) as watcher:
            for _ in range(600):
                row = watcher.execute("SELECT pid FROM pg_stat_activity WHERE query LIKE %s"
                                      " AND application_name = 'pgshift'",
                                      [query + "%"]).fetchone()
                if row:
                    break
                time.sleep(0.1)
            else:
                raise AssertionError(f"pgshift never ran {query}")
            process.send_signal(signal.SIGKILL)
            for _ in range(600):
                if not watcher.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                       [row[0]]).fetchone():
                    return
                time.sleep(0.1)
    finally:
        process.wait(60)


def test_a_failed_concurrent_build_is_dropped_and_the_version_left_pending(
        project: Project) -> None:
    _with(project, UNIQUE_TITLE)
    execute(project.url, "INSERT INTO documents (title) VALUES ('a'), ('a')")
    before = _catalog(project.url)
    assert project.run("up", "--no-rollback").returncode == 14
    assert _state(project) == ("0.0.2", True)
    assert index_validity(project.url) == {"documents_pkey": True, "documents_title": False}

    result = project.run("repair")

    assert result.returncode == 0, result.stderr
    assert "! index public.documents_title: INVALID" in result.stdout
    assert "repaired: dropped the INVALID index documents_title; removed 0.0.2's row" \
        in result.stdout
    assert _state(project) == ("0.0.1", False)
    assert _catalog(project.url) == before
    execute(project.url, "DELETE FROM documents")
    assert project.run("up").returncode == 0
    assert index_validity(project.url) == {"documents_pkey": True, "documents_title": True}


def test_a_run_killed_after_its_last_change_is_marked_clean(project: Project) -> None:
    _with(project, TITLE_THEN_SLOW)
    execute(project.url, "INSERT INTO documents (title) VALUES ('a')")
    _kill_when(project, "SELECT pg_sleep(60) FROM documents")
    assert _state(project) == ("0.0.2", True)

    result = project.run("repair")

    assert result.returncode == 0, result.stderr
    assert "= index public.documents_title: as the migration makes it" in result.stdout
    assert "repaired: marked 0.0.2 clean" in result.stdout
    assert _state(project) == ("0.0.2", False)
    assert index_validity(project.url) == {"documents_pkey": True, "documents_title": True}


def test_a_run_killed_during_its_concurrent_build_is_left_pending(project: Project) -> None:
    _with(project, UNIQUE_TITLE)
    execute(project.url, "INSERT INTO documents (title) VALUES ('a')")
    before = _catalog(project.url)
    release = threading.Event()

    def writer() -> None:  # a write in progress: the build waits for it to end
        with psycopg.connect(project.url, autocommit=True) as session, session.transaction():
            session.execute("INSERT INTO documents (title) VALUES ('b')")
            release.wait(60)

    holder = threading.Thread(target=writer)
    holder.start()
    try:
        _kill_when(project, "CREATE UNIQUE INDEX CONCURRENTLY")
    finally:
        release.set()
        holder.join()
    assert _state(project) == ("0.0.2", True)

    result = project.run("up", "--repair")

    assert result.returncode == 0, result.stderr
    assert "removed 0.0.2's row" in result.stdout
    assert _state(project) == ("0.0.2", False)
    after = _catalog(project.url)
    assert after != before
    assert index_validity(project.url) == {"documents_pkey": True, "documents_title": True}


def test_a_partly_applied_migration_is_explained_and_left_alone(project: Project) -> None:
    _with(project, SUMMARY_THEN_UNIQUE_TITLE)
    execute(project.url, "INSERT INTO documents (title) VALUES ('a'), ('a')")
    assert project.run("up", "--no-rollback").returncode == 14
    during = _catalog(project.url)
    history = project.ok("history", "--json").stdout

    result = project.run("repair")

    assert result.returncode == 13
    assert "= column public.documents.summary: as the migration makes it" in result.stdout
    assert "- index public.documents_title: as before the migration" in result.stdout
    assert "is partly applied" in result.stderr
    assert "`pgshift force 0.0.2` (applied) or `pgshift force 0.0.1` (not applied)" \
        in result.stderr
    assert _catalog(project.url) == during
    assert project.ok("history", "--json").stdout == history


def test_the_person_s_way_out_of_a_mixed_case_is_the_one_repair_names(project: Project) -> None:
    _with(project, SUMMARY_THEN_UNIQUE_TITLE)
    execute(project.url, "INSERT INTO documents (title) VALUES ('a'), ('a')")
    assert project.run("up", "--no-rollback").returncode == 14
    assert "`pgshift repair` settles it" in project.run("up").stderr

    execute(project.url, "DROP INDEX documents_title")
    execute(project.url, "ALTER TABLE documents DROP COLUMN summary")
    execute(project.url, "DELETE FROM documents WHERE id = (SELECT max(id) FROM documents)")
    project.ok("force", "0.0.1")

    assert _state(project) == ("0.0.1", False)
    project.ok("up")
    assert _state(project) == ("0.0.2", False)


def test_force_none_records_that_no_migration_is_applied(project: Project) -> None:
    _with(project, UNIQUE_TITLE)

    result = project.ok("force", "none")

    assert "with no migration applied" in result.stdout
    assert _state(project) == (None, False)
    assert json.loads(project.ok("history", "--json").stdout)["history"] == []
    assert [m["version"] for m in project.status()["pending"]] == ["0.0.1", "0.0.2"]


def test_dry_run_changes_nothing(project: Project) -> None:
    _with(project, UNIQUE_TITLE)
    execute(project.url, "INSERT INTO documents (title) VALUES ('a'), ('a')")
    assert project.run("up", "--no-rollback").returncode == 14
    during = _catalog(project.url)

    result = project.run("repair", "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "dry run: would drop the INVALID index documents_title and remove 0.0.2's row" \
        in result.stdout
    assert _catalog(project.url) == during
    assert _state(project) == ("0.0.2", True)


def test_a_clean_database_needs_nothing(project: Project) -> None:
    _with(project, UNIQUE_TITLE)

    result = project.run("repair")

    assert result.returncode == 0
    assert "nothing to repair" in result.stdout
    assert json.loads(project.ok("status", "--json").stdout)["dirty"] is False
