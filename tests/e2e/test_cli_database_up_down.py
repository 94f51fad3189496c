"""`pgshift up`, `down` and `force` on a real database: all, `--to`, by steps, `--dry-run`,
and recording a version without running it."""

from __future__ import annotations

import psycopg

from tests.e2e.cli_database_support import Project, columns, indexes

# ------------------------------------------------------------------ up and down

def test_up_applies_everything_and_names_the_version(three: Project) -> None:
    result = three.ok("up")
    assert "0.0.3" in result.stdout
    assert "3 migrations" in result.stdout
    assert {"id", "title", "embedding", "language"} <= columns(three.url, "documents")
    assert "documents_title" in indexes(three.url)

    again = three.ok("up")
    assert "nothing to apply" in again.stdout
    assert "0.0.3" in again.stdout


def test_up_to_and_down_one_n_and_to(three: Project) -> None:
    url = three.url
    result = three.ok("up", "--to", "0.0.1")
    assert "0.0.1" in result.stdout
    assert three.version() == "0.0.1"
    assert "language" not in columns(url, "documents")

    three.ok("up", "--to", "0.0.2")
    assert three.version() == "0.0.2"
    assert "language" in columns(url, "documents")

    three.ok("up")
    assert three.version() == "0.0.3"

    result = three.ok("down")
    assert "reverted 1 migration" in result.stdout
    assert "0.0.2" in result.stdout
    assert three.version() == "0.0.2"
    assert "documents_title" not in indexes(url)
    assert [p["version"] for p in three.status()["pending"]] == ["0.0.3"]

    three.ok("up")
    result = three.ok("down", "2")
    assert "reverted 2 migrations" in result.stdout
    assert three.version() == "0.0.1"
    assert "language" not in columns(url, "documents")

    three.ok("up")
    three.ok("down", "--to", "0.0.1")
    assert three.version() == "0.0.1"

    three.ok("up", "--to", "0.0.1")  # already there: nothing to do
    assert three.version() == "0.0.1"

    three.ok("down")
    assert three.version() is None
    assert columns(url, "documents") == set()
    with psycopg.connect(url) as connection:
        assert connection.execute(
            "SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone() is None
    result = three.ok("down")
    assert "nothing to revert" in result.stdout


def test_down_to_the_current_version_reverts_nothing(three: Project) -> None:
    three.ok("up")
    result = three.ok("down", "--to", "0.0.3")
    assert "nothing to revert" in result.stdout
    assert three.version() == "0.0.3"


def test_down_negative_steps_is_a_usage_error(three: Project) -> None:
    three.ok("up")
    result = three.run("down", "-1")
    assert three.version() == "0.0.3", "nothing may be reverted"
    assert result.returncode == 2


def test_negative_wait_is_a_usage_error(three: Project) -> None:
    result = three.run("up", "--wait", "-5")
    assert result.returncode == 2
    assert three.version() is None


def test_dry_run_prints_the_sql_and_changes_nothing(three: Project) -> None:
    three.ok("up", "--to", "0.0.1")
    before = three.status()
    result = three.ok("up", "--dry-run", "--lock-timeout", "2s")
    assert ("-- apply 0.0.2 (add language; lock_timeout 2000ms, statement_timeout the"
            " server's)") in result.stdout
    assert "-- apply 0.0.3" in result.stdout
    assert "-- apply 0.0.1" not in result.stdout
    assert "ALTER TABLE" in result.stdout
    assert ";\n" in result.stdout
    assert "nothing was changed" in result.stderr
    assert three.status() == before
    down = three.ok("down", "--dry-run")
    assert "-- revert 0.0.1 (initial schema; lock_timeout 500ms" in down.stdout
    assert "DROP TABLE" in down.stdout
    assert three.status() == before


# ------------------------------------------------------------------ force

def test_force_records_a_version_without_running_it(three: Project) -> None:
    three.ok("up", "--to", "0.0.1")
    result = three.ok("force", "0.0.2")
    assert "0.0.2" in result.stdout
    assert three.version() == "0.0.2"
    assert "language" not in columns(three.url, "documents"), "force runs no migration"

    three.ok("force", "0.0.1")
    assert three.version() == "0.0.1"
    three.ok("up")
    assert "language" in columns(three.url, "documents")
