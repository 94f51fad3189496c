"""Many runner processes against one real database: the lock is the only thing in charge.

Every runner is a real process (`python -c`), as deploys on several machines are. To make
the races deterministic, a migration reads from a `gate` table that the test keeps locked:
the instance holding the migration lock stops there until the test lets it go. Timeouts on
the processes only turn a hang into a failure.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any, Protocol

import psycopg
import pytest

from pgshift.runner.errors import LockHeld
from pgshift.runner.manager import new_migration_manager
from pgshift.runner.migration import Migration
from pgshift.runner.postgres import PostgresMigrator
from tests.runner import runner_support as support

migration = support.migration
TIMEOUT = 120  # seconds; only so that a deadlocked runner fails the test instead of hanging

# One runner: builds the migrations from argv and runs them; exits with the error's code.
RUNNER = """
import json, sys
from pgshift.runner.errors import RunnerError
from pgshift.runner.manager import new_migration_manager
from pgshift.runner.migration import Migration
from pgshift.runner.postgres import PostgresMigrator

url, name, wait, listing = sys.argv[1:5]
migrations = [Migration(v, d, c, t, tuple(up), None if down is None else tuple(down))
              for v, d, c, t, up, down in json.loads(listing)]
try:
    migrator = PostgresMigrator.connect(url, application_name=name)
    manager = new_migration_manager(migrator)
    applied = manager.run(migrations, wait=float(wait) if wait else None)
except RunnerError as failure:
    print(failure, file=sys.stderr)
    sys.exit(int(failure.exit_code))
print(" ".join(m.version for m in applied))
"""

# Takes the migration lock, says so, and sleeps until it is killed.
HOLDER = """
import sys, time
from pgshift.runner.postgres import PostgresMigrator

migrator = PostgresMigrator.connect(sys.argv[1], application_name="doomed-holder")
migrator.ensure_table()
migrator.acquire_lock()
print("locked", flush=True)
time.sleep(600)
"""


class Spawn(Protocol):
    def __call__(self, code: str, *args: str) -> subprocess.Popen[str]: ...


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Starts Python processes; any still running at the end of the test is killed."""
    started: list[subprocess.Popen[str]] = []

    def start(code: str, *args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen([sys.executable, "-c", code, *args], text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=TIMEOUT)


@pytest.fixture
def admin(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with support.connect(database_url) as connection:
        connection.execute("CREATE TABLE gate ()")
        # The history table exists already: creating it from many instances at once on a
        # fresh database is test_ensure_table_from_many_connections_at_once_never_fails
        # (xfail); here the runners race for the lock only.
        PostgresMigrator(connection).ensure_table()
        yield connection


@pytest.fixture
def gate(database_url: str, admin: psycopg.Connection[Any]) -> Iterator[psycopg.Connection[Any]]:
    """A transaction holding `gate` locked; commit it to let the migrations through."""
    with psycopg.connect(database_url) as connection:
        connection.execute("LOCK TABLE gate IN ACCESS EXCLUSIVE MODE")
        yield connection


def listing(migrations: list[Migration]) -> str:
    return json.dumps([[m.version, m.description, m.checksum, m.transactional, m.up_sql,
                        m.down_sql] for m in migrations])


def held_at_gate(admin: psycopg.Connection[Any]) -> list[str]:
    """The application names of the sessions waiting for the gate."""
    rows = admin.execute("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a"
                         " ON a.pid = l.pid WHERE l.relation = 'gate'::regclass"
                         " AND NOT l.granted").fetchall()
    return [str(row[0]) for row in rows]


def connected(admin: psycopg.Connection[Any], prefix: str) -> int:
    row = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name"
                        " LIKE %s", [prefix + "%"]).fetchone()
    return int(row[0]) if row else 0


def outputs(processes: dict[str, subprocess.Popen[str]]) -> str:
    finished = {name: p for name, p in processes.items() if p.poll() is not None}
    return "\n".join(f"{name}: exit {p.returncode}: {p.communicate()}"
                     for name, p in finished.items())


def wait_for_holder_at_gate(admin: psycopg.Connection[Any],
                            processes: dict[str, subprocess.Popen[str]]) -> str:
    """The one runner that took the lock and now waits at the gate."""
    support.wait_until(
        lambda: bool(held_at_gate(admin)) or all(p.poll() is not None
                                                  for p in processes.values()),
        "a runner to reach the gate", TIMEOUT)
    waiting = held_at_gate(admin)
    assert len(waiting) == 1, f"runners at the gate: {waiting}\n{outputs(processes)}"
    return waiting[0]


def check_history(admin: psycopg.Connection[Any], migrations: list[Migration]) -> None:
    rows = support.history(admin)
    assert [r["version"] for r in rows] == [m.version for m in migrations]
    assert [r["checksum"] for r in rows] == [m.checksum for m in migrations]
    assert not any(r["dirty"] for r in rows)
    assert support.lock_is_free(admin.info.dsn)


def five_migrations() -> list[Migration]:
    return [
        migration("0.0.1", "CREATE TABLE items (id int PRIMARY KEY, note text)"),
        migration("0.0.2", "INSERT INTO items VALUES (2, 'two')"),
        migration("0.0.3", "INSERT INTO items VALUES (3, 'three')", "SELECT count(*) FROM gate"),
        migration("0.0.4", "CREATE INDEX CONCURRENTLY items_note ON items (note)",
                  "INSERT INTO items VALUES (4, 'four')", transactional=False),
        migration("0.0.10", "INSERT INTO items VALUES (10, 'ten')"),
    ]


def check_items(admin: psycopg.Connection[Any]) -> None:
    assert admin.execute("SELECT id FROM items ORDER BY id").fetchall() == [
        (2,), (3,), (4,), (10,)], "a migration ran more than once (or not at all)"
    assert admin.execute("SELECT indisvalid FROM pg_index"
                         " WHERE indexrelid = 'items_note'::regclass").fetchone() == (True,)


def test_sixteen_runners_at_once_one_migrates_the_others_are_refused(
        database_url: str, admin: psycopg.Connection[Any], gate: psycopg.Connection[Any],
        spawn: Spawn) -> None:
    migrations = five_migrations()
    processes = {f"runner-{n}": spawn(RUNNER, database_url, f"runner-{n}", "",
                                      listing(migrations)) for n in range(16)}

    winner = wait_for_holder_at_gate(admin, processes)
    for name, process in processes.items():
        if name == winner:
            continue
        out, err = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 10, f"{name}: {out}{err}"
        assert "another instance is migrating" in err
        assert winner in err, "the refusal names the instance holding the lock"
        assert out == ""
    gate.commit()
    out, err = processes[winner].communicate(timeout=TIMEOUT)

    assert processes[winner].returncode == 0, err
    assert out.split() == [m.version for m in migrations]
    check_history(admin, migrations)
    check_items(admin)


def test_sixteen_runners_that_wait_all_succeed(
        database_url: str, admin: psycopg.Connection[Any], gate: psycopg.Connection[Any],
        spawn: Spawn) -> None:
    migrations = five_migrations()
    processes = {f"runner-{n}": spawn(RUNNER, database_url, f"runner-{n}", "60",
                                      listing(migrations)) for n in range(16)}

    winner = wait_for_holder_at_gate(admin, processes)
    support.wait_until(lambda: connected(admin, "runner-") == 16 or any(
        p.poll() is not None for p in processes.values()), "every runner to connect", TIMEOUT)
    gate.commit()
    results = {name: p.communicate(timeout=TIMEOUT) for name, p in processes.items()}

    assert {name: p.returncode for name, p in processes.items()} == dict.fromkeys(
        processes, 0), results
    assert results[winner][0].split() == [m.version for m in migrations]
    assert all(out.strip() == "" for name, (out, _) in results.items() if name != winner), (
        "the later runners found nothing pending")
    check_history(admin, migrations)
    check_items(admin)


def test_kill_9_of_the_lock_holder_frees_the_lock(database_url: str, spawn: Spawn) -> None:
    holder = spawn(HOLDER, database_url)
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n", holder.communicate(timeout=TIMEOUT)
    migrator = PostgresMigrator.connect(database_url)
    try:
        with pytest.raises(LockHeld, match="doomed-holder"):
            migrator.acquire_lock()

        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(TIMEOUT)

        migrations = five_migrations()[:2]
        applied = new_migration_manager(migrator).run(migrations, wait=30)
        assert [m.version for m in applied] == ["0.0.1", "0.0.2"]
    finally:
        migrator.close()
    with support.connect(database_url) as admin:
        check_history(admin, migrations)


def test_kill_9_inside_a_transactional_migration_leaves_nothing_of_it(
        database_url: str, admin: psycopg.Connection[Any], gate: psycopg.Connection[Any],
        spawn: Spawn) -> None:
    migrations = [
        migration("0.0.1", "CREATE TABLE items (id int PRIMARY KEY)"),
        migration("0.0.2", "CREATE TABLE halfway (id int)", "INSERT INTO items VALUES (2)",
                  "SELECT count(*) FROM gate", "INSERT INTO items VALUES (22)"),
        migration("0.0.3", "INSERT INTO items VALUES (3)"),
    ]
    process = spawn(RUNNER, database_url, "doomed-runner", "", listing(migrations))
    assert wait_for_holder_at_gate(admin, {"doomed-runner": process}) == "doomed-runner"

    os.kill(process.pid, signal.SIGKILL)
    process.wait(TIMEOUT)
    gate.commit()  # the orphaned backend finds its client gone and rolls back

    migrator = PostgresMigrator.connect(database_url)
    try:
        applied = new_migration_manager(migrator).run(migrations, wait=30)
    finally:
        migrator.close()
    assert [m.version for m in applied] == ["0.0.2", "0.0.3"]
    check_history(admin, migrations)
    assert admin.execute("SELECT id FROM items ORDER BY id").fetchall() == [(2,), (3,), (22,)]


def test_create_index_concurrently_with_runners_waiting_does_not_deadlock(
        database_url: str, admin: psycopg.Connection[Any], gate: psycopg.Connection[Any],
        spawn: Spawn) -> None:
    """golang-migrate #960, Flyway #1654: instances waiting for the migration lock must not
    hold a snapshot that CREATE INDEX CONCURRENTLY, run by the lock holder, waits for."""
    migrations = [
        migration("0.0.1", "CREATE TABLE documents (id bigint PRIMARY KEY, body text)",
                  "INSERT INTO documents SELECT g, md5(g::text) FROM generate_series(1, 20000) g"),
        migration("0.0.2", "SELECT count(*) FROM gate"),
        migration("0.0.3", "CREATE INDEX CONCURRENTLY documents_body ON documents (body)",
                  transactional=False, down=("DROP INDEX CONCURRENTLY documents_body",)),
    ]
    processes = {f"deploy-{n}": spawn(RUNNER, database_url, f"deploy-{n}", "60",
                                      listing(migrations)) for n in range(4)}
    winner = wait_for_holder_at_gate(admin, processes)
    support.wait_until(lambda: connected(admin, "deploy-") == 4 or any(
        p.poll() is not None for p in processes.values()), "every runner to connect", TIMEOUT)

    gate.commit()  # the holder goes on to CREATE INDEX CONCURRENTLY while the others wait
    results = {name: p.communicate(timeout=TIMEOUT) for name, p in processes.items()}

    assert {name: p.returncode for name, p in processes.items()} == dict.fromkeys(
        processes, 0), results
    assert results[winner][0].split() == ["0.0.1", "0.0.2", "0.0.3"]
    assert admin.execute("SELECT indisvalid, indisready FROM pg_index"
                         " WHERE indexrelid = 'documents_body'::regclass").fetchone() == (
                             True, True)
    check_history(admin, migrations)
