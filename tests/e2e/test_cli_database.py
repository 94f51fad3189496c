"""The database commands of `pgshift` end to end: up, down, status, history, force, db.

Each test builds a throwaway project (`pgshift init`, migrations written, `pgshift
compile`) and runs the CLI as a user would, as a real process, against a fresh database on
the real PostgreSQL + pgvector server of the test session (the `database_url` fixture).
The URL carries a password; no output of any command, success or failure, may show it,
and no expected failure may show a traceback. Exit codes are the contract of
shared/DESIGN.md and docs/cli.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

SECRET = "s3cret-pw"

INITIAL = """\
extension vector

table documents {
    id         bigint identity primary key
    title      text not null
    embedding  vector(3)
}
"""
ADD_LANGUAGE = """\
alter table documents {
    add column language text not null default 'en'
}
"""
TITLE_INDEX = """\
index documents_title on documents (title)
"""
# Two statements; the second fails on a row with a long title, so the first must vanish too.
TITLE_RULES = """\
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
                                env=_environment(env))
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


def _environment(extra: Mapping[str, str] | None) -> dict[str, str]:
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


# ------------------------------------------------------------------ up, status, history, db


def test_status_of_a_new_database_lists_everything_pending(three: Project) -> None:
    document = three.status()
    assert set(document) == STATUS_KEYS
    assert document["current_version"] is None
    assert document["dirty"] is False
    assert document["applied"] == []
    assert document["pending"] == [
        {"version": "0.0.1", "description": "initial schema"},
        {"version": "0.0.2", "description": "add language"},
        {"version": "0.0.3", "description": "title index"},
    ]
    for entry in document["pending"]:
        assert set(entry) == PENDING_KEYS


def test_status_is_read_only(three: Project) -> None:
    three.ok("status")
    three.ok("history")
    with psycopg.connect(three.url) as connection:
        row = connection.execute("SELECT to_regclass('public.schema_migrations')").fetchone()
    assert row == (None,), "status/history must not create the history table"


def test_up_applies_everything_and_names_the_version(three: Project) -> None:
    result = three.ok("up")
    assert "0.0.3" in result.stdout
    assert "3 migrations" in result.stdout
    assert {"id", "title", "embedding", "language"} <= columns(three.url, "documents")
    assert "documents_title" in indexes(three.url)

    again = three.ok("up")
    assert "nothing to apply" in again.stdout
    assert "0.0.3" in again.stdout


def test_status_human(three: Project) -> None:
    three.ok("up", "--to", "0.0.2")
    out = three.ok("status").stdout
    assert "0.0.2 (clean)" in out
    assert "***" in out, "the database line shows the masked password"
    applied, pending = out.split("pending:")
    assert "0.0.1" in applied
    assert "initial schema" in applied
    assert "add language" in applied
    assert "0.0.3" in pending
    assert "title index" in pending
    assert "0.0.3" not in applied


def test_status_json_has_exactly_the_documented_shape(three: Project) -> None:
    three.ok("up", "--to", "0.0.2")
    document = three.status()
    assert set(document) == STATUS_KEYS
    assert isinstance(document["database"], str)
    assert "***" in document["database"]
    assert three.secret not in document["database"]
    assert document["current_version"] == "0.0.2"
    assert document["dirty"] is False
    assert [a["version"] for a in document["applied"]] == ["0.0.1", "0.0.2"]
    for entry in document["applied"]:
        assert set(entry) == APPLIED_KEYS
        assert isinstance(entry["description"], str)
        assert len(entry["checksum"]) == 64
        assert isinstance(entry["applied_at"], str)
        assert entry["applied_at"][:4].isdigit()
        assert isinstance(entry["execution_ms"], int)
        assert entry["execution_ms"] >= 0
        assert entry["applied_by"]
    assert document["pending"] == [{"version": "0.0.3", "description": "title index"}]


def test_history_human_and_json(three: Project) -> None:
    three.ok("up")
    out = three.ok("history").stdout
    for version in ("0.0.1", "0.0.2", "0.0.3"):
        assert version in out
    assert "dirty" not in out.replace("STATE", "")

    document = json.loads(three.ok("history", "--json").stdout)
    assert "***" in document["database"]
    assert [row["version"] for row in document["history"]] == ["0.0.1", "0.0.2", "0.0.3"]
    for row in document["history"]:
        assert set(row) >= APPLIED_KEYS
        assert row["dirty"] is False
        assert row["failed_statement"] is None
    status = three.status()
    assert [row["checksum"] for row in document["history"]] == [
        a["checksum"] for a in status["applied"]]


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


# ------------------------------------------------------------------ down, up --to, force


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
    result = three.ok("up", "--dry-run")
    assert "-- apply 0.0.2 (add language)" in result.stdout
    assert "-- apply 0.0.3" in result.stdout
    assert "-- apply 0.0.1" not in result.stdout
    assert "ALTER TABLE" in result.stdout
    assert ";\n" in result.stdout
    assert "nothing was changed" in result.stderr
    assert three.status() == before
    down = three.ok("down", "--dry-run")
    assert "-- revert 0.0.1 (initial schema)" in down.stdout
    assert "DROP TABLE" in down.stdout
    assert three.status() == before


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


def test_drift_names_what_was_changed_by_hand(three: Project) -> None:
    three.ok("up")
    clean = three.run("drift")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "no drift" in clean.stdout
    with psycopg.connect(three.url, autocommit=True) as connection:
        connection.execute("ALTER TABLE documents ADD COLUMN hotfix text")
        connection.execute("DROP INDEX documents_title")
    drifted = three.run("drift")
    assert drifted.returncode == 19, drifted.stdout + drifted.stderr
    assert "+ column public.documents.hotfix" in drifted.stdout
    assert "- index public.documents_title is missing" in drifted.stdout
    document = json.loads(three.run("drift", "--json").stdout)
    assert document["drifted"] is True
    assert {(d["kind"], d["name"], d["change"]) for d in document["differences"]} >= {
        ("column", "public.documents.hotfix", "unexpected"),
        ("index", "public.documents_title", "missing")}
    assert three.version() == "0.0.3", "drift changes nothing"


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


# ------------------------------------------------------------------ exit codes


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
    three.ok("up")
    execute(three.url, "INSERT INTO documents (title) VALUES ('same'), ('same')")
    three.write("0.0.4_unique_title.shift", UNIQUE_TITLE_CONCURRENTLY)
    three.compile()

    failed = three.run("up")
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
                                   text=True, env=_environment(None))
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
                          check=False, env=_environment(None))
    assert bare.returncode == 2
    assert "Traceback" not in bare.stderr


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
    assert three.run("up").returncode == 14
    assert three.run("up").returncode == 13
    assert three.run("down").returncode == 13
    with psycopg.connect(three.url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [lock_key(three.url)])
        assert three.run("force", "0.0.3").returncode == 10
    assert three.run("force", "7.7.7").returncode == 2
    assert three.run("up", "-v").returncode == 13
    assert three.outputs
    assert all(three.secret not in output for output in three.outputs)
