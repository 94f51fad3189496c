"""Migrator conformance: the history table. Reading creates nothing, ensure_table is
idempotent and survives other connections creating the table at the same moment, and a
table in a missing schema is a TableError.
"""

from __future__ import annotations

import threading

import pytest

from pgshift.runner.errors import TableError
from pgshift.runner.postgres import PostgresMigrator
from pgshift.runner.protocol import Migrator, VersionState
from tests.runner import runner_support as support
from tests.runner.conformance_support import Subject, conforming

migration = support.migration


def test_empty_database_has_no_version_and_no_table(subject: Subject) -> None:
    migrator = conforming(subject.make("empty"))

    assert migrator.current_version() == VersionState(None, False)
    assert migrator.applied() == []
    assert not support.table_exists(subject.admin, subject.table), "reading created the table"


def test_ensure_table_is_idempotent(subject: Subject) -> None:
    migrator = conforming(subject.make("ensure"))

    migrator.ensure_table()
    migrator.migrate(migration("0.0.1", "CREATE TABLE kept (id int)"))
    migrator.ensure_table()

    assert support.table_exists(subject.admin, subject.table)
    assert [a.version for a in migrator.applied()] == ["0.0.1"]
    assert migrator.current_version() == VersionState("0.0.1", False)
    assert support.schema_of(subject.admin, subject.table)["tables"] == [
        ("public", "kept", "r", None, None, None)], "nothing but the history table may be created"


def test_ensure_table_from_two_connections_at_once(subject: Subject) -> None:
    first, second = subject.make("first"), subject.make("second")
    failures: list[BaseException] = []

    def ensure() -> None:
        try:
            second.ensure_table()
        except BaseException as failure:
            failures.append(failure)

    # The first instance's CREATE TABLE is not committed yet when the second one, having
    # seen no table, creates it too: the second must wait, then accept the first's table.
    with first.connection.transaction():
        first.ensure_table()
        racer = threading.Thread(target=ensure)
        racer.start()
        support.wait_until(
            lambda: support.waiting_on_lock(subject.admin, second.connection.info.backend_pid),
            "the second CREATE TABLE to wait for the first")
    racer.join(30)
    assert not racer.is_alive()
    assert failures == []
    conforming(second).migrate(migration("0.0.1", "CREATE TABLE kept (id int)"))
    assert [a.version for a in conforming(first).applied()] == ["0.0.1"]


def test_ensure_table_from_many_connections_at_once_never_fails(database_url: str) -> None:
    instances = [PostgresMigrator.connect(database_url, application_name=f"racer-{n}")
                 for n in range(8)]
    try:
        with support.connect(database_url) as admin:
            # The race is narrow: many rounds of eight instances creating the table at the
            # same moment. The unfixed runner fails within a few dozen rounds.
            for attempt in range(300):
                barrier = threading.Barrier(len(instances))
                failures: list[BaseException] = []

                def ensure(instance: Migrator, barrier: threading.Barrier = barrier,
                           failures: list[BaseException] = failures) -> None:
                    try:
                        barrier.wait(30)
                        instance.ensure_table()
                    except BaseException as failure:
                        failures.append(failure)

                threads = [threading.Thread(target=ensure, args=[i]) for i in instances]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(60)
                assert failures == [], f"attempt {attempt}: {failures[0]}"
                assert support.table_exists(admin)
                admin.execute("DROP TABLE public.schema_migrations")
    finally:
        for instance in instances:
            instance.close()


def test_history_table_in_a_missing_schema_is_a_table_error(database_url: str) -> None:
    migrator = PostgresMigrator.connect(database_url, "nowhere.migrations")
    try:
        with pytest.raises(TableError) as raised:
            migrator.ensure_table()
    finally:
        migrator.close()
    assert int(raised.value.exit_code) == 12
    assert "nowhere.migrations" in str(raised.value)
    assert "3F000" in str(raised.value)
