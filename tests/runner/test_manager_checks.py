"""Manager.run refuses a database whose history does not match the migrations: versions
it does not know, and applied migrations whose checksum changed (unless told to ignore it).
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pgshift.runner.errors import ChecksumMismatch, UnknownVersions
from pgshift.runner.manager import Manager
from tests.runner import runner_support as support
from tests.runner.manager_support import log_of, logged

migration = support.migration


def test_unknown_versions_are_refused(manager: Manager, admin: psycopg.Connection[Any],
                                      database_url: str) -> None:
    manager.run(logged("0.0.2", "0.0.3"))
    before = support.state_of(admin)

    with pytest.raises(UnknownVersions) as raised:
        manager.run([*logged("0.0.2"), migration("0.0.4", "CREATE TABLE later (id int)")])

    assert int(raised.value.exit_code) == 17
    assert "0.0.3" in str(raised.value)
    assert support.state_of(admin) == before
    assert support.lock_is_free(database_url)


def test_checksum_mismatch_is_refused_unless_ignored(
        manager: Manager, admin: psycopg.Connection[Any], database_url: str) -> None:
    manager.run(logged("0.0.2"))
    before = support.state_of(admin)
    original = logged("0.0.2")
    edited = [original[0], migration("0.0.2", "INSERT INTO log (entry) VALUES ('edited')"),
              migration("0.0.3", "CREATE TABLE later (id int)")]

    with pytest.raises(ChecksumMismatch) as raised:
        manager.run(edited)

    assert int(raised.value.exit_code) == 16
    assert "0.0.2" in str(raised.value)
    assert "0.0.1" not in str(raised.value)
    assert support.state_of(admin) == before
    assert support.lock_is_free(database_url)

    assert [m.version for m in manager.run(edited, ignore_checksums=True)] == ["0.0.3"]
    assert support.table_exists(admin, "public.later")
    assert log_of(admin) == ["up 0.0.2"], "an applied migration is never run again"
