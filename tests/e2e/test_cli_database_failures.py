"""The failures of the database commands, each with its documented exit code: a stale build,
a failed or dirty migration, edited or unknown history, irreversible, lock held, an
unreachable or empty URL, usage errors. None may change what it must not."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from tests.e2e.cli_database_support import (
    ADD_LANGUAGE,
    BACKFILL,
    INITIAL,
    SECRET,
    TITLE_INDEX,
    TITLE_RULES,
    UNIQUE_TITLE_CONCURRENTLY,
    Project,
    columns,
    environment,
    execute,
    indexes,
    lock_key,
    unused_port,
)


def test_stale_generated_exits_4_and_no_check_applies_anyway(project: Project) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.write("0.0.2_add_language.shift", ADD_LANGUAGE)
    project.compile()
    project.write("0.0.3_title_index.shift", TITLE_INDEX)  # written, not compiled

    result = project.run("up")
    assert result.returncode == 4
    assert "stale" in result.stderr
    assert "pgshift compile" in result.stderr
    assert project.version() is None, "nothing is applied from a stale build"

    result = project.run("up", "--no-check")
    assert result.returncode == 0, result.stderr
    assert project.version() == "0.0.2", "the generated module as it is: 0.0.3 not in it"

    project.compile()
    project.ok("up")
    assert project.version() == "0.0.3"
    project.write("0.0.3_title_index.shift", TITLE_INDEX + "\n-- an edit\n")
    assert project.run("up").returncode == 4


def test_failed_migration_exits_14_and_rolls_back_whole(three: Project) -> None:
    three.ok("up")
    execute(three.url, "INSERT INTO documents (title) VALUES ('a title too long')")
    three.write("0.0.4_title_rules.shift", TITLE_RULES)
    three.compile()

    result = three.run("up")
    assert result.returncode == 14
    err = result.stderr
    assert "0.0.4" in err
    assert "ADD CONSTRAINT documents_title_short CHECK (length(title) < 5)" in err
    assert "23514" in err
    assert "is violated by some row" in err
    assert "rolled back" in err
    assert "Traceback" not in err

    document = three.status()
    assert document["current_version"] == "0.0.3"
    assert document["dirty"] is False
    assert [p["version"] for p in document["pending"]] == ["0.0.4"]
    assert "summary" not in columns(three.url, "documents"), "its first statement is undone"

    execute(three.url, "DELETE FROM documents")
    three.ok("up")
    assert three.version() == "0.0.4"


def test_failed_non_transactional_migration_leaves_it_dirty_13_until_forced(
        three: Project) -> None:
    """With --no-rollback (up undoes it by default: tests/e2e/test_cli_rollback.py)."""
    three.ok("up")
    execute(three.url, "INSERT INTO documents (title) VALUES ('same'), ('same')")
    three.write("0.0.4_unique_title.shift", UNIQUE_TITLE_CONCURRENTLY)
    three.compile()

    failed = three.run("up", "--no-rollback")
    assert failed.returncode == 14
    assert "0.0.4" in failed.stderr
    assert "CREATE UNIQUE INDEX CONCURRENTLY documents_title_unique" in failed.stderr
    assert "23505" in failed.stderr
    assert "dirty" in failed.stderr

    document = three.status()
    assert document["dirty"] is True
    assert document["current_version"] == "0.0.4"
    history = json.loads(three.ok("history", "--json").stdout)["history"]
    assert history[-1]["version"] == "0.0.4"
    assert history[-1]["dirty"] is True
    assert "CREATE UNIQUE INDEX CONCURRENTLY" in history[-1]["failed_statement"]
    assert "failed at" in three.ok("history").stdout
    assert "DIRTY" in three.ok("status").stdout

    for args in (("up",), ("down",)):
        refused = three.run(*args)
        assert refused.returncode == 13, (args, refused.stderr)
        assert "dirty" in refused.stderr
        assert "0.0.4" in refused.stderr
        assert "pgshift force" in refused.stderr

    # Repaired by hand: the half-built index goes, the duplicate too; then record 0.0.3.
    execute(three.url, "DROP INDEX documents_title_unique")
    execute(three.url, "DELETE FROM documents WHERE ctid <> (SELECT min(ctid) FROM documents)")
    three.ok("force", "0.0.3")
    document = three.status()
    assert document["dirty"] is False
    assert document["current_version"] == "0.0.3"
    three.ok("up")
    assert three.version() == "0.0.4"
    assert "documents_title_unique" in indexes(three.url)


def test_edited_applied_migration_exits_16_unless_ignored(three: Project) -> None:
    three.ok("up", "--to", "0.0.2")
    three.write("0.0.2_add_language.shift", ADD_LANGUAGE.replace("'en'", "'de'"))
    three.compile()

    for args in (("up",), ("down",)):
        result = three.run(*args)
        assert result.returncode == 16, (args, result.stderr)
        assert "0.0.2" in result.stderr
        assert "checksum" in result.stderr
    assert three.version() == "0.0.2"

    result = three.run("up", "--ignore-checksums")
    assert result.returncode == 0, result.stderr
    assert three.version() == "0.0.3"


def test_database_version_unknown_to_the_build_exits_17(three: Project, tmp_path: Path) -> None:
    three.ok("up")
    older = Project(tmp_path / "older", three.url, three.secret)
    older.root.mkdir()
    assert older.run("init", with_url=False).returncode == 0
    older.write("0.0.1_initial_schema.shift", INITIAL)
    older.write("0.0.2_add_language.shift", ADD_LANGUAGE)
    older.compile()

    for args in (("up",), ("down",)):
        result = older.run(*args)
        assert result.returncode == 17, (args, result.stderr)
        assert "0.0.3" in result.stderr
    assert "unknown to this build: 0.0.3" in older.ok("status").stdout
    assert three.version() == "0.0.3"
    assert "documents_title" in indexes(three.url)


def test_down_of_an_irreversible_migration_exits_18_and_reverts_nothing(
        three: Project) -> None:
    three.write("0.0.4_backfill.shift", BACKFILL)
    three.compile()
    three.ok("up")

    for args in (("down",), ("down", "2"), ("down", "--to", "0.0.1")):
        result = three.run(*args)
        assert result.returncode == 18, (args, result.stderr)
        assert "0.0.4" in result.stderr
        assert "irreversible" in result.stderr
        assert three.version() == "0.0.4", "nothing is reverted"
    assert "documents_title" in indexes(three.url)


def test_lock_held_by_another_session_exits_10(three: Project) -> None:
    with psycopg.connect(three.url, autocommit=True,
                         application_name="e2e-lock-holder") as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [lock_key(three.url)])
        for args in (("up",), ("down",), ("force", "0.0.1")):
            result = three.run(*args)
            assert result.returncode == 10, (args, result.stderr)
            assert "another instance" in result.stderr
            assert "e2e-lock-holder" in result.stderr
        three.ok("status")  # reading takes no lock
        assert three.version() is None
        holder.execute("SELECT pg_advisory_unlock(%s)", [lock_key(three.url)])
    three.ok("up")
    assert three.version() == "0.0.3"


def test_wait_waits_for_the_lock_and_then_applies(three: Project) -> None:
    key = lock_key(three.url)
    with psycopg.connect(three.url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [key])
        command = [sys.executable, "-m", "pgshift", "up", "--wait", "600",
                   "--project", str(three.root), "--database-url", three.url]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env=environment(None))
        try:
            # Until pgshift has asked for the lock at least once (or has given up).
            while process.poll() is None:
                row = holder.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND application_name = 'pgshift'"
                    " AND query LIKE '%%pg_try_advisory_lock%%'").fetchone()
                if row and row[0]:
                    break
                time.sleep(0.05)
            assert process.poll() is None, "pgshift did not wait for the lock"
            assert three.version() is None
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", [key])
        stdout, stderr = process.communicate()
    assert process.returncode == 0, stderr
    assert "0.0.3" in stdout
    assert three.secret not in stdout + stderr
    assert three.version() == "0.0.3"


def test_unreachable_database_exits_5(three: Project) -> None:
    port = unused_port()
    urls = [f"postgresql://pgshift:{SECRET}@127.0.0.1:{port}/app",
            f"host=127.0.0.1 port={port} user=pgshift password={SECRET} dbname=app"]
    for url in urls:
        for args in (("up",), ("down",), ("status",), ("status", "--json"), ("history",),
                     ("force", "0.0.1")):
            result = three.run(*args, url=url)
            assert result.returncode == 5, (args, result.stderr)
            assert "cannot connect" in result.stderr
            assert str(port) in result.stderr
            assert result.stdout == ""


def test_empty_database_url_is_an_error_not_the_embedded_default(three: Project) -> None:
    # A file where the embedded server's data would go: no server can start in this test.
    (three.root / ".pgshift").mkdir(exist_ok=True)
    (three.root / ".pgshift" / "postgres").write_text("not a data directory\n")
    for result in (three.run("up", url=""),
                   three.run("up", with_url=False, env={"DATABASE_URL": ""})):
        assert result.returncode in (2, 5), result.stderr
        assert "embedded" not in result.stderr, "an empty URL must not mean the embedded one"
        assert "empty" in result.stderr
        assert "applied" not in result.stdout


def test_usage_errors_exit_2(three: Project) -> None:
    three.ok("up", "--to", "0.0.2")
    for args in (("up", "--bogus"), ("down", "1", "--to", "0.0.1"), ("down", "many"),
                 ("up", "--to", "9.9.9"), ("up", "--to", "latest"), ("down", "--to", "0.9"),
                 ("force", "9.9.9"), ("force",), ("up", "--wait", "soon"), ("history", "extra"),
                 ("frobnicate",)):
        result = three.run(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.strip(), args
    assert three.version() == "0.0.2", "a usage error changes nothing"
    # No command at all.
    bare = subprocess.run([sys.executable, "-m", "pgshift"], capture_output=True, text=True,
                          check=False, env=environment(None))
    assert bare.returncode == 2
    assert "Traceback" not in bare.stderr
