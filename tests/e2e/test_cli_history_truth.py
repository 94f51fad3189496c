"""The history must not lie, from the command line: a migration merged late below an
applied one is refused (exit 23) unless `up --out-of-order`; a history table locked by
another session stops `status` and `up` after a bounded wait, naming that session (exit
12); a connect_timeout in the URL is honoured."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import psycopg
import pytest

from tests.e2e.cli_database_support import (
    ADD_LANGUAGE,
    INITIAL,
    TITLE_INDEX,
    Project,
    environment,
)


def test_a_migration_merged_below_an_applied_one_is_refused_unless_asked(
        project: Project) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.write("0.0.3_title_index.shift", TITLE_INDEX)
    project.compile()
    project.ok("up")
    # The branch that wrote 0.0.2 merged late; generated/ is rebuilt from the merge.
    project.write("0.0.2_add_language.shift", ADD_LANGUAGE)
    for built in (project.root / "generated").iterdir():
        built.unlink()
    project.compile()

    for command in (("up",), ("up", "--dry-run")):
        refused = project.run(*command)
        assert refused.returncode == 23, refused.stderr
        assert "0.0.2 (add language)" in refused.stderr
        assert "0.0.3 (title index)" in refused.stderr
        assert "--out-of-order" in refused.stderr
    assert [row["version"] for row in project.status()["applied"]] == ["0.0.1", "0.0.3"]

    applied = project.run("up", "--out-of-order")
    assert applied.returncode == 0, applied.stderr
    assert "0.0.2" in applied.stdout
    assert project.status()["pending"] == []


@pytest.fixture
def history_locked(project: Project) -> Iterator[int]:
    """The project's history table held in ACCESS EXCLUSIVE by another session, idle in
    its transaction; yields that session's pid."""
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.compile()
    project.ok("up")
    with psycopg.connect(project.url, application_name="nightly-vacuum") as holder:
        holder.execute("LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE")
        yield holder.info.backend_pid
        holder.rollback()


@pytest.mark.parametrize("command", ["status", "up", "history"])
def test_a_locked_history_table_is_named_not_waited_for(project: Project, history_locked: int,
                                                        command: str) -> None:
    stopped = project.run(command)
    assert stopped.returncode == 12, stopped.stderr
    assert f"pid {history_locked} (nightly-vacuum" in stopped.stderr
    assert "holds ACCESS EXCLUSIVE on schema_migrations" in stopped.stderr


def test_connect_timeout_in_the_url_is_honoured(project: Project) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.compile()
    # A server that accepts the connection and never answers: only the timeout ends it.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        began = time.monotonic()
        failed = project.run("status", url=f"host=127.0.0.1 port={port} connect_timeout=2")
        took = time.monotonic() - began
    assert failed.returncode == 5, failed.stderr
    assert "timeout" in failed.stderr
    # Not a speed limit: pgshift's own default is 10 s, so a run well under it shows
    # that the URL's 2 s was the one used.
    assert took < 8, took


def test_force_names_the_version_as_the_build_spells_it(three: Project) -> None:
    three.ok("up")
    forced = three.ok("force", "0.0.02")
    assert "at version 0.0.2 (clean)" in forced.stdout
    assert three.version() == "0.0.2"


def test_a_lost_connection_is_reported_once_in_pgshifts_words(project: Project) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.write("0.0.2_slow.shift", '-- pgshift: allow raw-sql\n'
                                      'sql """SELECT pg_sleep(30)""" down """SELECT 1"""\n')
    project.compile()
    command = [sys.executable, "-m", "pgshift", "up", "--project", str(project.root),
               "--database-url", project.url]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=environment(None)) as up:
        assert up.stdout is not None
        while "applying 0.0.2" not in up.stdout.readline():
            pass
        with psycopg.connect(project.url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          " WHERE application_name = 'pgshift' AND query LIKE '%pg_sleep%'")
        _, err = up.communicate(timeout=60)
    assert up.returncode == 14, err
    assert err.count("pgshift: error:") == 1, err
    assert "the connection to the database was lost" in err
    assert "error ignored" not in err
    assert "cannot release the migration lock" not in err
    assert "?????" not in err
    assert project.version() == "0.0.1"
