"""Manager.run and status on a real PostgreSQL + pgvector database: what a successful run
applies, in which order, up to which target, and how it reports its progress.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pgshift.runner.errors import MigrationFailed, NoSuchVersion
from pgshift.runner.manager import Manager
from tests.runner import runner_support as support
from tests.runner.manager_support import log_of, logged

migration = support.migration


def test_run_applies_pending_in_version_order(manager: Manager, admin: psycopg.Connection[Any],
                                              database_url: str) -> None:
    steps = logged("0.0.2", "0.0.9", "0.0.10", "0.1.0")
    shuffled = [steps[3], steps[1], steps[4], steps[0], steps[2]]
    progress: list[tuple[int, int, str]] = []

    applied = manager.run(shuffled, progress=lambda n, total, m: progress.append(
        (n, total, m.version)))

    order = ["0.0.1", "0.0.2", "0.0.9", "0.0.10", "0.1.0"]
    assert [m.version for m in applied] == order
    assert progress == [(n, 5, v) for n, v in enumerate(order, 1)]
    assert log_of(admin) == [f"up {v}" for v in order[1:]]
    assert support.versions(admin) == order
    assert not any(row["dirty"] for row in support.history(admin))
    assert support.lock_is_free(database_url)


def test_rerun_applies_nothing(manager: Manager, admin: psycopg.Connection[Any]) -> None:
    steps = logged("0.0.2", "0.0.10")
    manager.run(steps)
    before = support.state_of(admin)

    assert manager.run(steps) == []
    assert manager.run(list(reversed(steps))) == []

    assert support.state_of(admin) == before
    assert log_of(admin) == ["up 0.0.2", "up 0.0.10"]


def test_run_up_to_a_target(manager: Manager, admin: psycopg.Connection[Any]) -> None:
    steps = logged("0.0.2", "0.0.9", "0.0.10")

    assert [m.version for m in manager.run(steps, target="0.0.9")] == ["0.0.1", "0.0.2",
                                                                        "0.0.9"]
    assert support.versions(admin) == ["0.0.1", "0.0.2", "0.0.9"]
    assert [m.version for m in manager.run(steps, target="0.0.2")] == []
    assert [m.version for m in manager.run(steps)] == ["0.0.10"]
    assert log_of(admin) == ["up 0.0.2", "up 0.0.9", "up 0.0.10"]


def test_unknown_target_runs_nothing(manager: Manager, admin: psycopg.Connection[Any],
                                     database_url: str) -> None:
    steps = logged("0.0.2")

    with pytest.raises(NoSuchVersion, match=r"0\.0\.7"):
        manager.run(steps, target="0.0.7")

    assert support.versions(admin) == []
    assert support.lock_is_free(database_url)


def test_status_is_read_only(manager: Manager, admin: psycopg.Connection[Any]) -> None:
    steps = logged("0.0.10", "0.0.2")

    state = manager.status(steps)

    assert [m.version for m in state.pending] == ["0.0.1", "0.0.2", "0.0.10"]
    assert (state.applied, state.unknown, state.current_version, state.dirty) == (
        [], [], None, False)
    assert not support.table_exists(admin), "status created the history table"


def test_a_long_run_mixing_kinds_applies_each_once_in_order(
        manager: Manager, admin: psycopg.Connection[Any]) -> None:
    """Transactional runs share a pipeline, a non-transactional migration runs alone between
    them; every one is recorded once, in order, and reported as it starts."""
    steps = logged(*[f"0.0.{n}" for n in range(2, 9)])
    steps.insert(4, migration("0.0.4.5", "CREATE INDEX CONCURRENTLY log_entry ON log (entry)",
                              transactional=False))
    started: list[str] = []

    applied = manager.run(steps, progress=lambda number, total, m: started.append(
        f"{number}/{total} {m.version}"))

    versions = [m.version for m in steps]
    assert [m.version for m in applied] == versions
    assert started == [f"{n}/{len(steps)} {v}" for n, v in enumerate(versions, 1)]
    assert support.versions(admin) == versions
    assert log_of(admin) == [f"up 0.0.{n}" for n in range(2, 9)]
    assert [r["dirty"] for r in support.history(admin)] == [False] * len(steps)


def test_a_sql_block_of_several_commands_applies_among_pipelined_ones(
        manager: Manager, admin: psycopg.Connection[Any]) -> None:
    """A pipeline sends one command per statement: a migration whose `sql` block holds
    several runs in a transaction of its own, between the pipelined ones around it."""
    steps = [migration("0.0.1", "CREATE TABLE a (id int)"),
             migration("0.0.2", "CREATE TABLE b (id int);\nCREATE TABLE c (id int);"),
             migration("0.0.3", "CREATE TABLE d (id int)")]

    manager.run(steps)

    assert support.versions(admin) == ["0.0.1", "0.0.2", "0.0.3"]
    for table in "abcd":
        assert support.table_exists(admin, f"public.{table}")


def test_a_failing_sql_block_of_several_commands_leaves_nothing(
        manager: Manager, admin: psycopg.Connection[Any]) -> None:
    steps = [migration("0.0.1", "CREATE TABLE a (id int)"),
             migration("0.0.2", "CREATE TABLE b (id int)",
                       "CREATE TABLE c (id int);\nSELECT 1 / 0;")]

    with pytest.raises(MigrationFailed) as raised:
        manager.run(steps)

    assert raised.value.index == 1
    assert "at statement 2 of 2" in str(raised.value)
    assert raised.value.server.sqlstate == "22012"
    assert support.versions(admin) == ["0.0.1"]
    assert not support.table_exists(admin, "public.b")
    assert not support.table_exists(admin, "public.c")
