"""Fixtures and helpers shared by the Manager tests (tests/runner/test_manager_*.py).

Its fixtures are registered by tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest

from pgshift.runner.manager import Manager, new_migration_manager
from pgshift.runner.migration import Migration
from pgshift.runner.postgres import PostgresMigrator
from tests.runner import runner_support as support

migration = support.migration
Opener = Callable[..., PostgresMigrator]


@pytest.fixture
def open_migrator(database_url: str) -> Iterator[Opener]:
    """Opens PostgresMigrators on the test database (or another URL); closes them after."""
    opened: list[PostgresMigrator] = []

    def open_(url: str = database_url, **options: Any) -> PostgresMigrator:
        instance = PostgresMigrator.connect(url, **options)
        opened.append(instance)
        return instance

    yield open_
    for instance in opened:
        instance.close()


@pytest.fixture
def manager(database_url: str) -> Iterator[Manager]:
    """A Manager on a migrator of its own (so it needs no other fixture imported with it)."""
    migrator = PostgresMigrator.connect(database_url)
    yield new_migration_manager(migrator)
    migrator.close()


@pytest.fixture
def admin(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with support.connect(database_url) as connection:
        yield connection


def logged(*versions: str) -> list[Migration]:
    """0.0.1 creates a log table; every other version logs its Up and Down there."""
    steps = [migration("0.0.1", "CREATE TABLE log (id serial PRIMARY KEY, entry text)",
                       down=("DROP TABLE log",))]
    steps += [migration(v, f"INSERT INTO log (entry) VALUES ('up {v}')",
                        down=(f"INSERT INTO log (entry) VALUES ('down {v}')",))
              for v in versions]
    return steps


def log_of(admin: psycopg.Connection[Any]) -> list[str]:
    return [row[0] for row in admin.execute("SELECT entry FROM log ORDER BY id").fetchall()]
