"""`pgshift up` against a busy database: an application reading and writing, a long
transaction in the way. Every session here is a real one on the test server, and pgshift
runs as a real process, as in a deploy.

The application's longest wait is the one figure these tests time: it is what the issue
asks to bound (2.5 s while a 6 s transaction blocks the migration), and pgshift's bound
is its lock_timeout, 500 ms by default, far inside it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest

from tests.e2e.cli_database_support import INITIAL, Project, columns, index_validity

NO_TIMEOUT_WRITTEN = """\
alter table documents {
    add column language text not null default 'en'
}
"""


@dataclass
class Application:
    """A loop of writes and reads on `documents`, as a web application's requests make."""

    url: str
    waits: list[float] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True, application_name="web") as connection:
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    connection.execute("INSERT INTO documents (title) VALUES ('a request')")
                    connection.execute("SELECT count(*) FROM documents").fetchone()
                except psycopg.Error as failure:
                    self.failures.append(failure)
                self.waits.append(time.monotonic() - started)
                time.sleep(0.01)


@pytest.fixture
def application(project: Project) -> Iterator[Application]:
    app = Application(project.url)
    worker = threading.Thread(target=app.run)
    worker.start()
    try:
        yield app
    finally:
        app.stop.set()
        worker.join()


@pytest.fixture
def documents(project: Project) -> Project:
    """0.0.1 applied; 0.0.2 adds a column with no timeout written anywhere."""
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.compile()
    project.ok("up")
    project.write("0.0.2_add_language.shift", NO_TIMEOUT_WRITTEN)
    project.compile()
    return project


def hold(url: str, seconds: float, statement: str = "SELECT count(*) FROM documents",
         ) -> threading.Thread:
    """A session that runs `statement` in a transaction and keeps it open for `seconds`
    (an analytics report, say); returns once the transaction holds its locks."""
    ready = threading.Event()

    def report() -> None:
        with psycopg.connect(url, autocommit=True, application_name="analytics") as session, \
                session.transaction():
            session.execute(statement.encode())
            ready.set()
            time.sleep(seconds)

    holder = threading.Thread(target=report)
    holder.start()
    ready.wait()
    return holder


def test_a_long_transaction_does_not_stall_the_application(
        documents: Project, application: Application) -> None:
    time.sleep(0.3)  # the application is serving
    holder = hold(documents.url, 6)

    result = documents.run("up")
    holder.join()

    assert result.returncode == 0, result.stderr
    assert "language" in columns(documents.url, "documents")
    assert documents.version() == "0.0.2"
    retries = [line for line in result.stderr.splitlines() if "trying again" in line]
    assert retries, result.stderr
    assert "could not get ACCESS EXCLUSIVE on documents within lock_timeout 500 ms" in retries[0]
    assert "(analytics, " in retries[0]
    assert "holds ACCESS SHARE on documents" in retries[0]
    assert application.failures == []
    assert max(application.waits) < 2.5, max(application.waits)


def test_when_the_budget_runs_out_it_exits_14_and_nothing_of_it_remains(
        documents: Project, application: Application) -> None:
    before = documents.status()
    holder = hold(documents.url, 8)

    result = documents.run("up", "--lock-wait-budget", "2")
    holder.join()

    assert result.returncode == 14, result.stderr
    assert "gave up waiting for its locks" in result.stderr
    assert "ALTER TABLE documents ADD COLUMN language" in result.stderr
    assert "(analytics, " in result.stderr
    assert "pg_terminate_backend(" in result.stderr
    assert "nothing of it remains" in result.stderr
    assert "language" not in columns(documents.url, "documents")
    after = documents.status()
    assert (after["current_version"], after["dirty"]) == ("0.0.1", False)
    assert after["applied"] == before["applied"]
    assert application.failures == []


def test_a_header_lock_timeout_wins_over_the_project_and_the_command_line(
        documents: Project) -> None:
    (documents.root / "pyproject.toml").write_text(
        '[tool.pgshift]\nlock_timeout = "2s"\nlock_retries = 1\n')
    documents.write("0.0.2_add_language.shift",
                    "migration { lock_timeout 150ms }\n\n" + NO_TIMEOUT_WRITTEN)
    documents.compile()
    holder = hold(documents.url, 3)

    result = documents.run("up", "--lock-timeout", "1s")
    holder.join()

    assert result.returncode == 14, result.stderr
    assert "within lock_timeout 150 ms" in result.stderr
    assert "2 attempts" in result.stderr


@pytest.mark.parametrize(("setting", "option", "shown"), [
    ('lock_timeout = "250ms"', None, "250 ms"),
    ('lock_timeout = "250ms"', "300ms", "300 ms"),
])
def test_the_project_default_and_the_command_line(documents: Project, setting: str,
                                                  option: str | None, shown: str) -> None:
    (documents.root / "pyproject.toml").write_text(f"[tool.pgshift]\n{setting}\n")
    holder = hold(documents.url, 3)

    result = documents.run("up", "--lock-retries", "0",
                           *(["--lock-timeout", option] if option else []))
    holder.join()

    assert result.returncode == 14, result.stderr
    assert f"within lock_timeout {shown}" in result.stderr
    assert "1 attempt in" in result.stderr


def test_a_statement_timeout_cancels_a_slow_statement_and_is_not_retried(
        documents: Project) -> None:
    documents.write("0.0.2_add_language.shift",
                    'migration { statement_timeout 200ms }\n\nsql """SELECT pg_sleep(3)"""'
                    ' down """"""\n')
    documents.compile()

    result = documents.run("up")

    assert result.returncode == 14, result.stderr
    assert "57014" in result.stderr  # query_canceled
    assert "trying again" not in result.stderr
    assert documents.version() == "0.0.1"


def test_down_waits_the_same_way(documents: Project, application: Application) -> None:
    documents.ok("up")
    holder = hold(documents.url, 3)

    result = documents.run("down")
    holder.join()

    assert result.returncode == 0, result.stderr
    assert "0.0.2 (add language) Down: could not get ACCESS EXCLUSIVE" in result.stderr
    assert "language" not in columns(documents.url, "documents")
    assert documents.version() == "0.0.1"
    assert application.failures == []


def test_a_concurrent_index_waits_for_its_lock_before_it_starts(documents: Project) -> None:
    documents.write("0.0.2_add_language.shift",
                    "index concurrently documents_title on documents (title)\n")
    documents.compile()
    holder = hold(documents.url, 3, "LOCK TABLE documents IN SHARE MODE")

    result = documents.run("up")
    holder.join()

    assert result.returncode == 0, result.stderr
    assert "could not get SHARE UPDATE EXCLUSIVE on documents" in result.stderr
    assert index_validity(documents.url) == {"documents_pkey": True, "documents_title": True}


def test_a_concurrent_index_that_cannot_start_leaves_nothing_and_no_dirty_row(
        documents: Project) -> None:
    documents.write("0.0.2_add_language.shift",
                    "index concurrently documents_title on documents (title)\n")
    documents.compile()
    holder = hold(documents.url, 4, "LOCK TABLE documents IN SHARE MODE")

    result = documents.run("up", "--lock-wait-budget", "1")
    holder.join()

    assert result.returncode == 14, result.stderr
    assert "nothing of it remains" in result.stderr
    assert index_validity(documents.url) == {"documents_pkey": True}
    state = documents.status()
    assert (state["current_version"], state["dirty"]) == ("0.0.1", False)


def test_a_running_concurrent_index_is_not_cut_short_by_lock_timeout(
        documents: Project) -> None:
    """CREATE INDEX CONCURRENTLY waits for transactions that write to the table to end;
    under a 500 ms lock_timeout that wait would fail and leave an INVALID index."""
    documents.write("0.0.2_add_language.shift",
                    "index concurrently documents_title on documents (title)\n")
    documents.compile()
    holder = hold(documents.url, 3, "INSERT INTO documents (title) VALUES ('a long import')")

    result = documents.run("up")
    holder.join()

    assert result.returncode == 0, result.stderr
    assert index_validity(documents.url) == {"documents_pkey": True, "documents_title": True}
