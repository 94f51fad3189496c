"""Migrator conformance: rollback of transactional and non-transactional migrations, and
what a failing rollback leaves recorded.
"""

from __future__ import annotations

import pytest

from pgshift.runner.errors import MigrationFailed
from pgshift.runner.protocol import VersionState
from tests.runner import runner_support as support
from tests.runner.conformance_support import Subject, conforming

migration = support.migration


def test_rollback_transactional(subject: Subject) -> None:
    migrator = conforming(subject.make("down"))
    migrator.ensure_table()
    migrator.migrate(migration("0.0.1", "CREATE TABLE kept (id int)"))
    before = subject.state()
    step = migration("0.0.2", "CREATE TABLE extra (id int)", "ALTER TABLE kept ADD note text",
                     down=("ALTER TABLE kept DROP note", "DROP TABLE extra"))
    migrator.migrate(step)
    assert subject.state() != before

    migrator.rollback(step)

    assert subject.state() == before
    assert migrator.current_version() == VersionState("0.0.1", False)


def test_rollback_non_transactional(subject: Subject) -> None:
    migrator = conforming(subject.make("down"))
    migrator.ensure_table()
    migrator.migrate(migration("0.0.1", "CREATE TABLE docs (id int, body text)"))
    before = subject.state()
    step = migration("0.0.2", "CREATE INDEX CONCURRENTLY docs_body ON docs (body)",
                     transactional=False, down=("DROP INDEX CONCURRENTLY docs_body",))
    migrator.migrate(step)

    migrator.rollback(step)

    assert subject.state() == before
    assert migrator.current_version() == VersionState("0.0.1", False)


def test_failing_transactional_rollback_keeps_the_version(subject: Subject) -> None:
    migrator = conforming(subject.make("down"))
    migrator.ensure_table()
    step = migration("0.0.1", "CREATE TABLE kept (id int)",
                     down=("DROP TABLE kept", "SELECT 1 / 0"))
    migrator.migrate(step)
    before = subject.state()

    with pytest.raises(MigrationFailed) as raised:
        migrator.rollback(step)

    text = str(raised.value)
    assert "0.0.1" in text
    assert "down" in text
    assert "22012" in text
    assert subject.state() == before
    assert migrator.current_version() == VersionState("0.0.1", False)


def test_failing_non_transactional_rollback_is_dirty(subject: Subject) -> None:
    migrator = conforming(subject.make("down"))
    migrator.ensure_table()
    migrator.migrate(migration("0.0.1", "CREATE TABLE docs (id int, body text)"))
    step = migration("0.0.2", "CREATE INDEX CONCURRENTLY docs_body ON docs (body)",
                     transactional=False,
                     down=("DROP INDEX CONCURRENTLY docs_body", "SELECT 1 / 0"))
    migrator.migrate(step)

    with pytest.raises(MigrationFailed, match="22012"):
        migrator.rollback(step)

    assert subject.admin.execute("SELECT to_regclass('docs_body')").fetchone() == (None,)
    row = subject.history()[-1]
    assert (row["version"], row["dirty"], row["failed_statement"]) == (
        "0.0.2", True, "SELECT 1 / 0")
    assert migrator.current_version() == VersionState("0.0.2", True)
