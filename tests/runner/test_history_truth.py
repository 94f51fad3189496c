"""The history must not lie, on a real PostgreSQL: a migration that ends pgshift's
transaction is not recorded, a session setting made by one migration does not reach the
next, string literals read the same whatever the server's standard_conforming_strings,
a pending migration older than an applied one is refused unless asked for, and a read of
the history behind another session's lock on it is bounded and names that session.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from pgshift.runner.errors import MigrationFailed, OutOfOrder, TableError
from pgshift.runner.manager import Manager
from tests.runner import runner_support as support

migration = support.migration


def tables_in(admin: psycopg.Connection[Any], schema: str) -> set[str]:
    rows = admin.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s",
                         [schema]).fetchall()
    return {row[0] for row in rows}


# --- transaction control inside a migration -------------------------------------------


@pytest.mark.parametrize("ending", ["ROLLBACK", "COMMIT"])
@pytest.mark.parametrize("pipelined", [True, False], ids=["pipelined", "by-itself"])
def test_a_migration_that_ends_its_transaction_is_not_recorded(
        manager: Manager, admin: psycopg.Connection[Any], ending: str,
        pipelined: bool) -> None:
    first = migration("0.0.1", "CREATE TABLE kept (id bigint)")
    if pipelined:  # one statement each: the pipeline carries it
        broken = migration("0.0.2", "CREATE TABLE half (id bigint)", ending,
                           "CREATE TABLE after_it (id bigint)")
    else:  # several commands in one statement (a sql block): run by itself
        broken = migration("0.0.2", f"CREATE TABLE half (id bigint); {ending};"
                                    " CREATE TABLE after_it (id bigint)")

    with pytest.raises(MigrationFailed) as failed:
        manager.run([first, broken])

    message = str(failed.value)
    assert "ended the transaction pgshift had opened for it" in message
    assert "nothing of it remains" not in message
    assert support.versions(admin) == ["0.0.1"], "0.0.2 must not be recorded"


def test_atomic_run_with_a_rollback_inside_records_nothing_of_it(
        manager: Manager, admin: psycopg.Connection[Any]) -> None:
    steps = [migration("0.0.1", "CREATE TABLE a (id bigint)"),
             migration("0.0.2", "ROLLBACK", "CREATE TABLE b (id bigint)")]

    with pytest.raises(MigrationFailed):
        manager.run(steps, atomic=True)

    assert "0.0.2" not in support.versions(admin)


# --- session state between migrations -------------------------------------------------


def test_a_search_path_set_by_one_migration_does_not_reach_the_next(
        manager: Manager, admin: psycopg.Connection[Any]) -> None:
    steps = [migration("0.0.1", "CREATE SCHEMA staging"),
             migration("0.0.2", "SET search_path = staging, public"),
             migration("0.0.3", "CREATE TABLE notes (id bigint)")]

    manager.run(steps)

    assert "notes" in tables_in(admin, "public")
    assert tables_in(admin, "staging") == set()


def test_a_role_set_in_a_multi_command_migration_does_not_reach_the_next(
        manager: Manager, admin: psycopg.Connection[Any]) -> None:
    admin.execute("CREATE ROLE pgshift_test_visitor")
    try:
        steps = [migration("0.0.1", "GRANT CREATE ON SCHEMA public TO pgshift_test_visitor;"
                                    " GRANT ALL ON schema_migrations TO pgshift_test_visitor;"
                                    " SET ROLE pgshift_test_visitor"),
                 migration("0.0.2", "CREATE TABLE owned (id bigint)")]
        manager.run(steps)
        owner = support.scalar(admin, "SELECT tableowner FROM pg_tables"
                                      " WHERE tablename = 'owned'")
        assert owner != "pgshift_test_visitor"
    finally:
        admin.execute("DROP OWNED BY pgshift_test_visitor")
        admin.execute("DROP ROLE pgshift_test_visitor")


def test_string_literals_mean_the_same_when_the_server_reads_backslashes(
        database_url: str, open_migrator: Any, admin: psycopg.Connection[Any]) -> None:
    database = psycopg.conninfo.conninfo_to_dict(database_url)["dbname"]
    admin.execute(f'ALTER DATABASE "{database}" SET standard_conforming_strings = off')
    manager = support_manager(open_migrator())
    # The standard literal of  x\'); DROP TABLE victim; --  which, were backslashes read
    # as escapes, would end after x' and run the DROP.
    manager.run([migration("0.0.1", "CREATE TABLE victim (id bigint)",
                           "CREATE TABLE notes (body text)",
                           r"INSERT INTO notes VALUES ('x\''); DROP TABLE victim; --')")])

    assert "victim" in tables_in(admin, "public")
    assert support.scalar(admin, "SELECT body FROM notes") == r"x\'); DROP TABLE victim; --"


def support_manager(migrator: Any) -> Manager:
    from pgshift.runner.manager import new_migration_manager

    return new_migration_manager(migrator)


# --- order ----------------------------------------------------------------------------


def test_a_pending_migration_older_than_an_applied_one_is_refused(
        manager: Manager, admin: psycopg.Connection[Any]) -> None:
    one, two, three = (migration(v, f"CREATE TABLE t_{v.replace('.', '_')} (id bigint)")
                       for v in ("0.0.1", "0.0.2", "0.0.3"))
    manager.run([one, three])  # a branch with 0.0.3 ran first
    before = support.state_of(admin)

    with pytest.raises(OutOfOrder) as refused:
        manager.run([one, two, three])
    message = str(refused.value)
    assert "0.0.2" in message
    assert "0.0.3" in message
    assert "--out-of-order" in message
    assert support.state_of(admin) == before, "nothing was run"

    assert [m.version for m in manager.run([one, two, three], out_of_order=True)] == ["0.0.2"]
    assert sorted(support.versions(admin)) == ["0.0.1", "0.0.2", "0.0.3"]


# --- the history table behind another session's lock ----------------------------------


@pytest.fixture
def history_locked(database_url: str, manager: Manager) -> Iterator[int]:
    """Another session holding the history table in ACCESS EXCLUSIVE, idle in its
    transaction; yields its pid."""
    manager.run([migration("0.0.1", "CREATE TABLE a (id bigint)")])
    holder = psycopg.connect(database_url, application_name="table-holder")
    holder.execute("LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE")
    pid = holder.info.backend_pid
    yield pid
    holder.rollback()
    holder.close()


def test_reading_a_locked_history_is_bounded_and_names_the_holder(
        manager: Manager, history_locked: int) -> None:
    outcome: list[BaseException | None] = []

    def read() -> None:
        try:
            manager.status([])
            outcome.append(None)
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(timeout=60)  # a hang fails here, not in CI's global timeout
    assert not reader.is_alive(), "status waited without limit behind the lock"
    assert isinstance(outcome[0], TableError)
    message = str(outcome[0])
    assert f"pid {history_locked}" in message
    assert "table-holder" in message
    assert "ACCESS EXCLUSIVE" in message
