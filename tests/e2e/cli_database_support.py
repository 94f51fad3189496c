"""What the database command tests share: migration texts, the documented JSON keys, a
throwaway `Project` that runs the CLI as a real process, database probes, and the fixtures
`project` and `three` (registered by tests/conftest.py).

Every run goes against a fresh database on the real PostgreSQL + pgvector server of the
test session (the `database_url` fixture), by a URL that carries a password: no output of
any command, success or failure, may show it, and no expected failure may show a traceback.
Exit codes are the contract of shared/DESIGN.md and docs/cli.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.e2e.cli_support import FIRST

SECRET = "s3cret-pw"

INITIAL = FIRST  # the same first migration as the build commands' tests
ADD_LANGUAGE = """\
alter table documents {
    add column language text not null default 'en'
}
"""
TITLE_INDEX = """\
-- pgshift: allow index-blocks-writes (these tests' tables are small)
index documents_title on documents (title)
"""
# Two statements; the second fails on a row with a long title, so the first must vanish too.
TITLE_RULES = """\
-- pgshift: allow constraint-scans
alter table documents {
    add column summary text
    add constraint documents_title_short check `length(title) < 5`
}
"""
UNIQUE_TITLE_CONCURRENTLY = """\
unique index concurrently documents_title_unique on documents (title)
"""
BACKFILL = """\
irreversible 'the backfill cannot be undone'
sql \"\"\"
    UPDATE documents SET title = upper(title)
\"\"\"
"""

STATUS_KEYS = {"database", "current_version", "dirty", "applied", "pending"}
APPLIED_KEYS = {"version", "description", "checksum", "applied_at", "execution_ms", "applied_by"}
PENDING_KEYS = {"version", "description"}


@dataclass
class Project:
    """A pgshift project in a temporary directory and the database it migrates."""

    root: Path
    url: str
    secret: str
    outputs: list[str] = field(default_factory=list)

    def write(self, name: str, text: str) -> Path:
        path = self.root / "migrations" / name
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str, url: str | None = None, with_url: bool = True,
            env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """`python -m pgshift ARGS --project ROOT [--database-url URL]`, as a user runs it."""
        command = [sys.executable, "-m", "pgshift", *args, "--project", str(self.root)]
        if with_url:
            command += ["--database-url", self.url if url is None else url]
        result = subprocess.run(command, capture_output=True, text=True, check=False,
                                env=environment(env))
        self.outputs += [result.stdout, result.stderr]
        _assert_clean_output(result, self.secret)
        return result

    def compile(self) -> None:
        result = self.run("compile", with_url=False)
        assert result.returncode == 0, result.stderr

    def ok(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = self.run(*args)
        assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
        return result

    def status(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.ok("status", "--json").stdout)
        return document

    def version(self) -> str | None:
        current: str | None = self.status()["current_version"]
        return current


def environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PGPASSWORD")}
    env.update(extra or {})
    return env


def _assert_clean_output(result: subprocess.CompletedProcess[str], secret: str) -> None:
    both = result.stdout + result.stderr
    assert secret not in both, f"the password was printed: {both}"
    assert "Traceback" not in both, both
    assert "internal error" not in result.stderr, result.stderr


def with_password(url: str) -> tuple[str, str]:
    """The URL with a password in it, and that password (the URL's own when it has one)."""
    password = str(conninfo_to_dict(url).get("password") or SECRET)
    return make_conninfo(url, password=password), password


def as_uri(url: str) -> str:
    """The same connection as a postgresql:// URI, password in the user-info part."""
    parts = conninfo_to_dict(url)
    user = quote(str(parts.get("user") or "postgres"), safe="")
    password = quote(str(parts["password"]), safe="")
    query = [f"{key}={quote(str(parts[key]), safe='')}" for key in ("host", "port")
             if parts.get(key)]
    return (f"postgresql://{user}:{password}@/{quote(str(parts['dbname']), safe='')}"
            + ("?" + "&".join(query) if query else ""))


def lock_key(url: str, table: str = "public.schema_migrations") -> int:
    """The migration lock's advisory key: sha256 of pgshift, the database and the table."""
    database = conninfo_to_dict(url)["dbname"]
    digest = hashlib.sha256(f"pgshift\0{database}\0{table}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def columns(url: str, table: str) -> set[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT column_name FROM information_schema.columns"
                                  " WHERE table_schema = 'public' AND table_name = %s",
                                  [table]).fetchall()
    return {row[0] for row in rows}


def indexes(url: str) -> set[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'").fetchall()
    return {row[0] for row in rows}


def index_validity(url: str, table: str = "documents") -> dict[str, bool]:
    """Every index of `table` with pg_index.indisvalid: an INVALID one is still listed."""
    with psycopg.connect(url) as connection:
        rows: list[Any] = connection.execute(
            "SELECT c.relname, x.indisvalid FROM pg_index x JOIN pg_class c"
            " ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " WHERE t.relname = %s", [table]).fetchall()
    return dict(rows)


def execute(url: str, statement: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement.encode())


def unused_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Project:
    """An initialised project with no migrations yet, and a password-bearing URL."""
    url, secret = with_password(database_url)
    made = Project(tmp_path / "app", url, secret)
    made.root.mkdir()
    result = made.run("init", with_url=False)
    assert result.returncode == 0, result.stderr
    return made


@pytest.fixture
def three(project: Project) -> Project:
    """The project with three compiled migrations, none applied."""
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.write("0.0.2_add_language.shift", ADD_LANGUAGE)
    project.write("0.0.3_title_index.shift", TITLE_INDEX)
    project.compile()
    return project
