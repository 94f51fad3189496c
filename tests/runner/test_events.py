"""The runner's events, as a Python caller's logger receives them, on a real server.

With a logger that listens at DEBUG, a pipelined migration also reads the server's clock
between its statements, to time each one: these tests hold that this changes neither
what is applied nor which statement a failure names, however many statements there are
(psycopg may read results, and meet the failure, while it is still sending).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from pgshift.runner.errors import MigrationFailed
from pgshift.runner.manager import Manager
from pgshift.runner.postgres import PostgresMigrator
from tests.runner import runner_support as support

migration = support.migration
LOGGER = "pgshift.test.events"


def _events(caplog: pytest.LogCaptureFixture) -> list[tuple[str, dict[str, Any]]]:
    return [(getattr(r, "event", "?"), getattr(r, "fields", {})) for r in caplog.records
            if r.name == LOGGER]


def _manager(url: str) -> Manager:
    logger = logging.getLogger(LOGGER)
    return Manager(PostgresMigrator.connect(url, logger=logger), logger)


def test_a_run_tells_each_migration_and_statement(database_url: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    steps = [migration("0.0.1", "CREATE TABLE a (id int)", "CREATE TABLE b (id int)"),
             migration("0.0.2", "CREATE INDEX a_id ON a (id)")]
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        _manager(database_url).run(steps)

    events = _events(caplog)
    names = [name for name, _ in events]
    assert names == ["lock_acquired", "run_started",
                     "migration_started", "statement", "statement",
                     "migration_started", "migration_finished", "statement",
                     "migration_finished", "run_finished", "lock_released"]
    statements = [fields for name, fields in events if name == "statement"]
    assert [(f["version"], f["statement_index"]) for f in statements] == [
        ("0.0.1", 0), ("0.0.1", 1), ("0.0.2", 0)]
    assert all(isinstance(f["duration_ms"], int) and f["duration_ms"] >= 0
               for f in statements)


def test_a_run_with_nothing_to_do_says_so(database_url: str,
                                          caplog: pytest.LogCaptureFixture) -> None:
    steps = [migration("0.0.1", "CREATE TABLE a (id int)")]
    _manager(database_url).run(steps)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        _manager(database_url).run(steps)

    said = [(r.event, r.getMessage()) for r in caplog.records  # type: ignore[attr-defined]
            if r.name == LOGGER and r.event.startswith("run_")]  # type: ignore[attr-defined]
    assert said[0] == ("run_started", "nothing to apply")
    assert said[1][0] == "run_finished"
    assert said[1][1].startswith("nothing to apply (checked in ")


@pytest.mark.parametrize(("count", "failing"), [(4, 2), (400, 371)])
def test_timing_statements_does_not_change_which_one_failed(
        database_url: str, caplog: pytest.LogCaptureFixture, count: int, failing: int) -> None:
    statements = [f"CREATE TABLE t{n} (id int)" for n in range(count)]
    statements[failing] = "SELECT 1 / 0"
    with caplog.at_level(logging.DEBUG, logger=LOGGER), \
            pytest.raises(MigrationFailed) as raised:
        _manager(database_url).run([migration("0.0.1", *statements)])

    assert raised.value.index == failing
    assert f"at statement {failing + 1} of {count}:\n    SELECT 1 / 0" in str(raised.value)
    [(_, fields)] = [(n, f) for n, f in _events(caplog) if n == "migration_failed"]
    assert (fields["statement_index"], fields["sqlstate"]) == (failing, "22012")
    with support.connect(database_url) as connection:
        assert not support.table_exists(connection, "public.t0")
        assert support.versions(connection) == []


def test_nobody_listening_means_no_clock_reads(database_url: str,
                                               caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        _manager(database_url).run([migration("0.0.1", "CREATE TABLE a (id int)")])
    assert "statement" not in [name for name, _ in _events(caplog)]
