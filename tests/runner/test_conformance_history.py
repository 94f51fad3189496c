"""Migrator conformance: the recorded history. Applied versions in numeric order, and force
rewriting the history (clearing a dirty version) without running any migration.
"""

from __future__ import annotations

import pytest

from pgshift.runner.errors import MigrationFailed
from pgshift.runner.protocol import VersionState
from tests.runner import runner_support as support
from tests.runner.conformance_support import Subject, conforming

migration = support.migration


def test_applied_is_in_numeric_version_order(subject: Subject) -> None:
    migrator = conforming(subject.make("order"))
    migrator.ensure_table()
    for version in ("0.0.10", "0.0.2", "0.0.9", "1.0.0", "0.1.0"):
        migrator.migrate(migration(version, "SELECT 1"))

    assert [a.version for a in migrator.applied()] == [
        "0.0.2", "0.0.9", "0.0.10", "0.1.0", "1.0.0"]
    assert migrator.current_version() == VersionState("1.0.0", False)


def test_force_records_the_version_and_clears_dirty(subject: Subject) -> None:
    migrator = conforming(subject.make("force"))
    migrator.ensure_table()
    known = [migration(v, "SELECT 1") for v in ("0.0.1", "0.0.2", "0.0.3", "0.0.4", "0.0.10")]
    migrator.migrate(known[0])
    migrator.migrate(known[1])
    with pytest.raises(MigrationFailed):
        migrator.migrate(migration("0.0.3", "SELECT 1", "SELECT 1 / 0", transactional=False))
    assert migrator.current_version() == VersionState("0.0.3", True)
    schema_before = support.schema_of(subject.admin, subject.table)

    migrator.force("0.0.2", known)  # the newer (dirty) row goes; older rows stay as they were
    assert migrator.current_version() == VersionState("0.0.2", False)
    assert [a.version for a in migrator.applied()] == ["0.0.1", "0.0.2"]

    migrator.force("0.0.4", known)  # older known versions are recorded; 0.0.10 is newer
    rows = subject.history()
    assert [r["version"] for r in rows] == ["0.0.1", "0.0.2", "0.0.3", "0.0.4"]
    assert [r["checksum"] for r in rows] == [m.checksum for m in known[:4]]
    assert not any(r["dirty"] for r in rows)
    assert all(r["failed_statement"] is None for r in rows)
    assert migrator.current_version() == VersionState("0.0.4", False)

    migrator.force(None, known)  # nothing applied at all
    assert migrator.applied() == []
    assert migrator.current_version() == VersionState(None, False)
    assert support.schema_of(subject.admin, subject.table) == schema_before, (
        "force runs no migration")


def test_force_the_dirty_version_itself(subject: Subject) -> None:
    migrator = conforming(subject.make("force"))
    migrator.ensure_table()
    broken = migration("0.0.1", "CREATE TABLE t (id int)", "SELECT 1 / 0", transactional=False)
    with pytest.raises(MigrationFailed):
        migrator.migrate(broken)

    migrator.force("0.0.1", [broken])

    (row,) = subject.history()
    assert (row["version"], row["dirty"], row["failed_statement"]) == ("0.0.1", False, None)
    assert migrator.current_version() == VersionState("0.0.1", False)
