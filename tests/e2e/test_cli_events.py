"""What pgshift says while it works: events as JSON lines for machines, lines for people,
and `status --check` as a deploy's health check. Every run is a real process against a
real server, by a URL with a password in it, which no line may show."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import psycopg

from tests.e2e.cli_database_support import (
    ADD_LANGUAGE,
    INITIAL,
    TITLE_INDEX,
    Project,
    execute,
)

REQUIRED = {"timestamp", "level", "event", "message"}


def _events(stderr: str) -> list[dict[str, Any]]:
    """Every line of stderr, each of which must be one JSON object with the four fields."""
    events = [json.loads(line) for line in stderr.splitlines()]
    for event in events:
        assert event.keys() >= REQUIRED, event
        assert event["timestamp"].endswith("Z")
    return events


def _history(project: Project, *texts: str) -> None:
    for number, text in enumerate((INITIAL, *texts), 1):
        project.write(f"0.0.{number}_step.shift", text)
    project.compile()


def test_up_tells_each_step_as_json(project: Project) -> None:
    _history(project, ADD_LANGUAGE, TITLE_INDEX)

    result = project.run("up", "--log-format", "json")

    assert result.returncode == 0, result.stderr
    events = _events(result.stderr)
    names = [e["event"] for e in events]
    assert names[0] == "lock_acquired"
    assert names[1] == "run_started"
    assert names[-2:] == ["run_finished", "lock_released"]
    assert [e["version"] for e in events if e["event"] == "migration_started"] == [
        "0.0.1", "0.0.2", "0.0.3"]
    finished = [e for e in events if e["event"] == "migration_finished"]
    assert [e["version"] for e in finished] == ["0.0.1", "0.0.2", "0.0.3"]
    assert all(isinstance(e["duration_ms"], int) for e in finished)
    statements = [e for e in events if e["event"] == "statement"]
    assert [(e["version"], e["statement_index"]) for e in statements][:3] == [
        ("0.0.1", 0), ("0.0.1", 1), ("0.0.2", 0)]
    assert all(e["duration_ms"] >= 0 and e["sql"] for e in statements)
    assert {e["version"] for e in statements} == {"0.0.1", "0.0.2", "0.0.3"}


def test_a_failure_is_an_event_with_its_sqlstate_and_the_end_an_error_event(
        project: Project) -> None:
    _history(project, ADD_LANGUAGE)
    project.ok("up", "--to", "0.0.1")
    execute(project.url, "ALTER TABLE documents ADD COLUMN language text")

    result = project.run("up", "--log-format", "json")

    assert result.returncode == 14
    events = _events(result.stderr)
    [failed] = [e for e in events if e["event"] == "migration_failed"]
    assert (failed["version"], failed["statement_index"], failed["sqlstate"]) == (
        "0.0.2", 0, "42701")
    assert events[-1]["event"] == "error"
    assert events[-1]["exit_code"] == 14
    assert "migration 0.0.2 (step) failed during up" in events[-1]["message"]


def test_a_lock_retry_is_an_event(project: Project) -> None:
    _history(project, ADD_LANGUAGE)
    project.ok("up", "--to", "0.0.1")
    ready = threading.Event()

    def report() -> None:
        with psycopg.connect(project.url, autocommit=True, application_name="analytics") \
                as session, session.transaction():
            session.execute("SELECT count(*) FROM documents")
            ready.set()
            time.sleep(2)

    holder = threading.Thread(target=report)
    holder.start()
    ready.wait()
    result = project.run("up", "--log-format", "json")
    holder.join()

    assert result.returncode == 0, result.stderr
    retries = [e for e in _events(result.stderr) if e["event"] == "lock_retry"]
    assert retries
    first = retries[0]
    assert (first["version"], first["statement_index"], first["attempt"], first["sqlstate"]) \
        == ("0.0.2", 0, 1, "55P03")
    assert first["locks"] == ["ACCESS EXCLUSIVE on documents"]
    assert "(analytics, " in first["blockers"][0]
    assert first["delay_ms"] > 0


def test_people_see_notices_and_with_verbose_each_migration(project: Project) -> None:
    _history(project, ADD_LANGUAGE)

    quiet = project.run("up", "--to", "0.0.1")
    verbose = project.run("up", "--verbose")

    assert quiet.returncode == verbose.returncode == 0
    assert quiet.stderr == ""
    assert "pgshift: applying 0.0.2 (step)" in verbose.stderr
    assert "pgshift: applied 0.0.2 (step) in " in verbose.stderr
    assert "statement 1" not in verbose.stderr  # statements are for --log-format json


def test_status_check_is_a_health_check(project: Project) -> None:
    _history(project, ADD_LANGUAGE)

    assert project.run("status", "--check").returncode == 22  # pending
    project.ok("up")
    assert project.run("status", "--check", "--json").returncode == 0
    execute(project.url, "UPDATE schema_migrations SET dirty = true WHERE version = '0.0.2'")
    assert project.run("status", "--check").returncode == 13
    execute(project.url, "UPDATE schema_migrations SET dirty = false, checksum = 'edited'"
                         " WHERE version = '0.0.2'")
    assert project.run("status", "--check").returncode == 16
    execute(project.url, "INSERT INTO schema_migrations (version, description, checksum)"
                         " VALUES ('0.0.9', 'from a newer build', 'x')")
    assert project.run("status", "--check").returncode == 17
    assert project.run("status").returncode == 0  # without --check, status only tells


def test_a_long_index_build_reports_its_progress(project: Project) -> None:
    vectors = """\
extension vector

table items {
    id         bigint identity primary key
    embedding  vector(64)
}
"""
    index = "index concurrently items_embedding on items using hnsw (embedding vector_l2_ops)\n"
    project.write("0.0.1_items.shift", vectors)
    project.write("0.0.2_index.shift", index)
    project.compile()
    project.ok("up", "--to", "0.0.1")
    execute(project.url, "INSERT INTO items (embedding) SELECT array_agg(random())::vector(64)"
                         " FROM generate_series(1, 64 * 40000) g GROUP BY g % 40000")

    result = project.run("up", "--log-format", "json")

    assert result.returncode == 0, result.stderr
    progress = [e for e in _events(result.stderr) if e["event"] == "index_progress"]
    assert progress, "a build of 40,000 vectors takes seconds: some progress is reported"
    assert {e["version"] for e in progress} == {"0.0.2"}
    assert all(e["index"] == "items_embedding" and e["phase"] for e in progress)
    assert any(e["blocks_total"] > 0 for e in progress)


VECTORS = """\
extension vector

table items {
    id         bigint identity primary key
    embedding  vector(128)
}
"""


def _items(project: Project, index: str, rows: int) -> None:
    project.write("0.0.1_items.shift", VECTORS)
    project.write("0.0.2_index.shift", index)
    project.compile()
    project.ok("up", "--to", "0.0.1")
    execute(project.url, "INSERT INTO items (embedding) SELECT array_agg(random())::vector(128)"
                         f" FROM generate_series(1, 128 * {rows}) g GROUP BY g % {rows}")
    execute(project.url, "ANALYZE items")


def test_an_index_build_is_given_what_its_migration_names(project: Project) -> None:
    _items(project, "index concurrently items_embedding on items using hnsw"
                    " (embedding vector_l2_ops)"
                    " build (memory = '100MB', workers = 1)\n", 100)

    result = project.run("up", "--log-format", "json")

    assert result.returncode == 0, result.stderr
    [build] = [e for e in _events(result.stderr) if e["event"] == "index_build"]
    assert (build["version"], build["rows"]) == ("0.0.2", 100)
    assert build["maintenance_work_mem"] == f"{100 * 1024}kB"
    assert build["max_parallel_maintenance_workers"] == "1"


def test_a_graph_past_the_projects_limit_is_warned_of(project: Project) -> None:
    """A server that gives builds 1MB, and a project that lets pgshift raise it to 2MB."""
    (project.root / "pyproject.toml").write_text('[tool.pgshift]\nindex_build_memory = "2MB"\n')
    _items(project, "index concurrently items_embedding on items using hnsw"
                    " (embedding vector_l2_ops)\n",
           2000)
    database = psycopg.conninfo.conninfo_to_dict(project.url)["dbname"]
    execute(project.url, f"ALTER DATABASE {database} SET maintenance_work_mem = '1MB'")

    result = project.run("up")

    assert result.returncode == 0, result.stderr
    assert "0.0.2: building an index on items: the graph of 2,000 rows needs about" \
        in result.stderr
    assert "maintenance_work_mem is 2MB (index_build_memory in [tool.pgshift]" \
        in result.stderr
