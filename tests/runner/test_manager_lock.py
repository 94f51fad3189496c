"""Manager.run and the migration lock: held by another instance, impossible to ask for,
or lost during the run, and the error (or note) each of these gives.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from pgshift.runner.errors import LockError, LockHeld, LockReleaseError, MigrationFailed
from pgshift.runner.manager import Manager, new_migration_manager
from tests.runner import runner_support as support
from tests.runner.manager_support import Opener, logged

migration = support.migration


def test_lock_held_elsewhere_touches_nothing(open_migrator: Opener,
                                             admin: psycopg.Connection[Any],
                                             database_url: str) -> None:
    other = open_migrator(application_name="other-deploy")
    other.ensure_table()
    other.acquire_lock()
    before = support.state_of(admin)
    manager = new_migration_manager(open_migrator())

    with pytest.raises(LockHeld) as raised:
        manager.run(logged("0.0.2"))
    with pytest.raises(LockHeld):
        manager.run(logged("0.0.2"), wait=0.3)

    assert int(raised.value.exit_code) == 10
    assert "another instance is migrating" in str(raised.value)
    assert "other-deploy" in str(raised.value)
    assert support.state_of(admin) == before
    other.release_lock()
    assert support.lock_is_free(database_url)
    assert len(manager.run(logged("0.0.2"))) == 2


def test_lock_error_when_the_lock_cannot_be_asked_for(
        open_migrator: Opener, admin: psycopg.Connection[Any], database_url: str) -> None:
    # In this database only, a pg_try_advisory_lock(bigint) that fails shadows
    # PostgreSQL's for sessions whose search_path puts public before pg_catalog.
    admin.execute("CREATE FUNCTION public.pg_try_advisory_lock(bigint) RETURNS boolean"
                  " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'advisory locks are"
                  " disabled here' USING ERRCODE = '55000'; END $$")
    open_migrator().ensure_table()
    before = support.state_of(admin)
    shadowed = make_conninfo(database_url, options="-c search_path=public,pg_catalog")
    manager = new_migration_manager(open_migrator(shadowed))

    with pytest.raises(LockError) as raised:
        manager.run(logged("0.0.2"))

    assert int(raised.value.exit_code) == 11
    assert "advisory locks are disabled here" in str(raised.value)
    assert support.state_of(admin) == before
    assert support.lock_is_free(database_url)


def test_release_failure_is_a_note_on_the_migration_failure(
        database_url: str, open_migrator: Opener, admin: psycopg.Connection[Any],
        caplog: pytest.LogCaptureFixture) -> None:
    manager = Manager(open_migrator(), logging.getLogger("pgshift.test"))
    steps = [*logged("0.0.2"),
             migration("0.0.3", "SELECT pg_advisory_unlock_all()", "SELECT 1 / 0")]

    with caplog.at_level(logging.ERROR, logger="pgshift.test"), \
            pytest.raises(MigrationFailed) as raised:
        manager.run(steps)

    assert "0.0.3" in str(raised.value)
    assert "22012" in str(raised.value)
    notes = getattr(raised.value, "__notes__", [])
    assert len(notes) == 1
    assert "migration lock" in notes[0]
    assert "released" in notes[0]
    assert any("migration lock" in r.getMessage() for r in caplog.records)
    assert support.versions(admin) == ["0.0.1", "0.0.2"]
    assert support.lock_is_free(database_url)


def test_successful_run_that_lost_its_lock_reports_the_release(
        manager: Manager, admin: psycopg.Connection[Any], database_url: str) -> None:
    steps = [*logged("0.0.2"), migration("0.0.3", "SELECT pg_advisory_unlock_all()")]

    with pytest.raises(LockReleaseError) as raised:
        manager.run(steps)

    assert int(raised.value.exit_code) == 15
    assert "not held" in str(raised.value)
    assert support.versions(admin) == ["0.0.1", "0.0.2", "0.0.3"]
    assert support.lock_is_free(database_url)
