"""Manager.rollback: by steps and to a target, newest first, and the refusal to revert an
irreversible migration.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pgshift.runner.errors import IrreversibleError
from pgshift.runner.manager import Manager
from tests.runner import runner_support as support
from tests.runner.manager_support import log_of, logged

migration = support.migration


def test_rollback_steps_and_target_newest_first(manager: Manager,
                                                admin: psycopg.Connection[Any]) -> None:
    steps = logged("0.0.2", "0.0.9", "0.0.10", "0.0.11")
    manager.run(steps)

    assert [m.version for m in manager.rollback(steps)] == ["0.0.11"]
    assert [m.version for m in manager.rollback(steps, target="0.0.2")] == ["0.0.10", "0.0.9"]
    assert support.versions(admin) == ["0.0.1", "0.0.2"]
    assert log_of(admin)[-3:] == ["down 0.0.11", "down 0.0.10", "down 0.0.9"]
    assert [m.version for m in manager.rollback(steps, steps=None)] == ["0.0.2", "0.0.1"]
    assert support.versions(admin) == []
    assert not support.table_exists(admin, "public.log")


def test_rollback_of_an_irreversible_migration_runs_nothing(
        manager: Manager, admin: psycopg.Connection[Any], database_url: str) -> None:
    steps = [migration("0.0.1", "CREATE TABLE log (id serial, entry text)", down=None,
                       description="no way back"),
             migration("0.0.2", "INSERT INTO log (entry) VALUES ('up')",
                       down=("INSERT INTO log (entry) VALUES ('down')",))]
    manager.run(steps)
    before = support.state_of(admin)

    with pytest.raises(IrreversibleError) as raised:
        manager.rollback(steps, steps=2)

    assert int(raised.value.exit_code) == 18
    assert "0.0.1" in str(raised.value)
    assert "no way back" in str(raised.value)
    assert support.state_of(admin) == before
    assert log_of(admin) == ["up"], "0.0.2 must not be reverted before the refusal"
    assert support.lock_is_free(database_url)
    assert [m.version for m in manager.rollback(steps, steps=1)] == ["0.0.2"]
