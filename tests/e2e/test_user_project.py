"""A user's own project, end to end, driven from another directory with --project.

The lifecycle a new user goes through: init, new, write the migration, compile, up,
status, down, status; each step a real `pgshift` process whose working directory is not
the project. Then the embedded default: with no URL at all, `pgshift up` and `pgshift
status` use a PostgreSQL of their own under the project's .pgshift/, say so, and leave no
server running.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import psycopg

from tests.e2e.cli_support import server_processes

DOCUMENTS = """\
extension vector

table documents {
    id         bigint identity primary key
    title      text not null
    language   text not null default 'en'
    embedding  vector(3)
    created_at timestamptz not null default now()
}

index documents_embedding on documents using hnsw (embedding vector_cosine_ops)
"""


def pgshift(*args: str, cwd: Path,
            env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run pgshift as a user would; no outcome here may show a traceback."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(env or {})
    result = subprocess.run([sys.executable, "-m", "pgshift", *args], cwd=cwd,
                            capture_output=True, text=True, check=False, env=environment)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def ok(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> str:
    result = pgshift(*args, cwd=cwd, env=env)
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result.stdout


def test_project_lifecycle_from_another_directory(tmp_path: Path, database_url: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project = "../rag-app"
    root = tmp_path / "rag-app"
    env = {"DATABASE_URL": database_url}

    ok("init", "--project", project, cwd=elsewhere)
    assert (root / "migrations").is_dir()
    assert (root / "generated").is_dir()
    assert "[tool.pgshift]" in (root / "pyproject.toml").read_text(encoding="utf-8")
    assert ".pgshift/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()

    created = ok("new", "initial schema", "--project", project, cwd=elsewhere).strip()
    assert created == "migrations/0.0.1_initial_schema.shift"
    migration = root / created
    assert migration.is_file()
    with migration.open("a", encoding="utf-8") as file:
        file.write(DOCUMENTS)

    assert "compiled 1 migration" in ok("compile", "--project", project, cwd=elsewhere)
    assert (root / "generated" / "postgresql.py").is_file()
    ok("check", "--project", project, cwd=elsewhere)

    applied = ok("up", "--project", project, cwd=elsewhere, env=env)
    assert "0.0.1" in applied
    status = json.loads(ok("status", "--json", "--project", project, cwd=elsewhere, env=env))
    assert status["current_version"] == "0.0.1"
    assert status["pending"] == []
    assert [a["description"] for a in status["applied"]] == ["initial schema"]
    human = ok("status", "--project", project, cwd=elsewhere, env=env)
    assert "0.0.1 (clean)" in human
    with psycopg.connect(database_url) as connection:
        row = connection.execute("SELECT to_regclass('documents')::text,"
                                 " to_regclass('documents_embedding')::text").fetchone()
    assert row == ("documents", "documents_embedding")

    # The next migration gets the next version.
    second = ok("new", "add_summary", "--project", project, cwd=elsewhere).strip()
    assert second == "migrations/0.0.2_add_summary.shift"
    with (root / second).open("a", encoding="utf-8") as file:
        file.write("alter table documents {\n    add column summary text\n}\n")
    ok("compile", "--project", project, cwd=elsewhere)
    assert "0.0.2" in ok("up", "--project", project, cwd=elsewhere, env=env)

    reverted = ok("down", "2", "--project", project, cwd=elsewhere, env=env)
    assert "reverted 2 migrations" in reverted
    status = json.loads(ok("status", "--json", "--project", project, cwd=elsewhere, env=env))
    assert status["current_version"] is None
    assert status["applied"] == []
    assert [p["version"] for p in status["pending"]] == ["0.0.1", "0.0.2"]
    assert "current version: none" in ok("status", "--project", project, cwd=elsewhere, env=env)
    with psycopg.connect(database_url) as connection:
        assert connection.execute("SELECT to_regclass('documents')").fetchone() == (None,)

    assert sorted(p.name for p in elsewhere.iterdir()) == [], "nothing lands outside the project"


def test_embedded_default_without_a_url(tmp_path: Path) -> None:
    root = tmp_path / "app"
    ok("init", "--project", str(root), cwd=tmp_path)
    (root / "migrations" / "0.0.1_initial_schema.shift").write_text(DOCUMENTS, encoding="utf-8")
    ok("compile", cwd=root)
    data = root / ".pgshift" / "postgres"

    try:
        up = pgshift("up", cwd=root)
        assert up.returncode == 0, up.stderr
        assert "embedded" in up.stderr
        assert ".pgshift/postgres" in up.stderr
        assert "0.0.1" in up.stdout
        assert (data / "PG_VERSION").is_file(), "the data lives in the project"
        assert server_processes(root) == [], "up left its server running"

        status = pgshift("status", "--json", "--project", str(root), cwd=tmp_path)
        assert status.returncode == 0, status.stderr
        assert "embedded" in status.stderr
        document = json.loads(status.stdout)
        assert document["current_version"] == "0.0.1"
        assert document["dirty"] is False
        assert document["pending"] == []
        assert server_processes(root) == [], "status left its server running"
        assert not (data / "postmaster.pid").exists()

        # A failing migration: the error is reported, and the server is stopped all the same.
        (root / "migrations" / "0.0.2_broken.shift").write_text(
            'sql """SELECT 1 / 0""" down """SELECT 1"""\n', encoding="utf-8")
        ok("compile", cwd=root)
        failed = pgshift("up", cwd=root)
        assert failed.returncode == 14, failed.stderr
        assert "22012" in failed.stderr
        assert server_processes(root) == [], "a failed up left its server running"
    finally:
        # Whatever happened, nothing we started outlives the test: a postmaster left behind
        # is the one whose command line names this project's .pgshift/ (found by its pid).
        for pid in server_processes(root):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
