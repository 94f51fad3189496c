"""`pgshift db` and the database URL: where it comes from, `db --psql`, and that the
password it carries is never shown, in any output of any command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from tests.e2e.cli_database_support import (
    UNIQUE_TITLE_CONCURRENTLY,
    Project,
    as_uri,
    execute,
    lock_key,
)


def test_db_prints_the_masked_url(three: Project) -> None:
    shown = three.ok("db").stdout.strip()
    assert shown
    assert "***" in shown
    assert three.secret not in shown
    assert str(conninfo_to_dict(three.url)["dbname"]) in shown


def test_uri_password_is_masked_everywhere(three: Project) -> None:
    uri = as_uri(three.url)
    assert three.secret in uri
    for args in (("up",), ("status",), ("status", "--json"), ("history",),
                 ("history", "--json"), ("db",), ("down",)):
        result = three.run(*args, url=uri)
        assert result.returncode == 0, result.stderr
    shown = three.run("db", url=uri).stdout.strip()
    assert shown.startswith("postgresql://")
    assert "***" in shown


def test_database_url_from_the_environment(three: Project) -> None:
    result = three.run("up", with_url=False, env={"DATABASE_URL": three.url})
    assert result.returncode == 0, result.stderr
    assert "embedded" not in result.stderr
    status = three.run("status", "--json", with_url=False, env={"DATABASE_URL": three.url})
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["current_version"] == "0.0.3"
    shown = three.run("db", with_url=False, env={"DATABASE_URL": three.url}).stdout
    assert "***" in shown


@pytest.mark.parametrize("path", ["inherited", "without psql"])
def test_db_psql_opens_a_session_on_the_database(three: Project, path: str) -> None:
    three.ok("up", "--to", "0.0.1")
    env = dict(os.environ)
    if path == "without psql":  # then the embedded server's own psql is used
        env["PATH"] = str(Path(sys.executable).parent)
    result = subprocess.run(
        [sys.executable, "-m", "pgshift", "db", "--psql", "--project", str(three.root),
         "--database-url", three.url],
        input="SELECT 'psql-' || count(*) FROM schema_migrations;\n", capture_output=True,
        text=True, check=False, env=env)
    assert result.returncode == 0, result.stderr
    assert "psql-1" in result.stdout


def test_no_output_ever_shows_the_password(three: Project) -> None:
    """Every command, successful or failing, in one run; checked on each output."""
    three.ok("up", "--to", "0.0.1")
    three.ok("status")
    three.ok("status", "--json")
    three.ok("history", "--json")
    three.ok("db")
    execute(three.url, "INSERT INTO documents (title) VALUES ('same'), ('same')")
    three.write("0.0.4_unique_title.shift", UNIQUE_TITLE_CONCURRENTLY)
    assert three.run("up").returncode == 4
    three.compile()
    assert three.run("up").returncode == 14  # undone: clean at 0.0.3
    assert three.run("up", "--no-rollback").returncode == 14  # left dirty
    assert three.run("up").returncode == 13
    assert three.run("down").returncode == 13
    with psycopg.connect(three.url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [lock_key(three.url)])
        assert three.run("force", "0.0.3").returncode == 10
    assert three.run("force", "7.7.7").returncode == 2
    assert three.run("up", "-v").returncode == 13
    assert three.outputs
    assert all(three.secret not in output for output in three.outputs)
