"""The subject of the Migrator conformance suite (tests/runner/test_conformance_*.py).

The `subject` fixture gives each test a fresh database on the real PostgreSQL + pgvector
server, once with the default history table (`public.schema_migrations`) and once with a
custom one in another schema (`ops.migrations`); tests/conftest.py registers it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from pgshift.runner.postgres import PostgresMigrator
from pgshift.runner.protocol import Migrator
from tests.runner import runner_support as support


@dataclass
class Subject:
    """The database under test, its history table, and a maker of new instances."""

    url: str
    table: str
    make: Callable[[str], PostgresMigrator]
    admin: psycopg.Connection[Any]

    def history(self) -> list[dict[str, Any]]:
        return support.history(self.admin, self.table)

    def state(self) -> tuple[Any, ...]:
        return support.state_of(self.admin, self.table)


@pytest.fixture(params=[None, "ops.migrations"], ids=["default-table", "ops-schema-table"])
def subject(request: pytest.FixtureRequest, database_url: str) -> Iterator[Subject]:
    custom: str | None = request.param
    opened: list[PostgresMigrator] = []

    def make(application_name: str) -> PostgresMigrator:
        if custom is None:
            connection = psycopg.connect(database_url, autocommit=True,
                                         application_name=application_name)
            instance = PostgresMigrator(connection)
        else:
            instance = PostgresMigrator.connect(database_url, custom, application_name)
        opened.append(instance)
        return instance

    with support.connect(database_url) as admin:
        if custom is not None:
            admin.execute("CREATE SCHEMA ops")
        try:
            yield Subject(database_url, custom or support.DEFAULT_TABLE, make, admin)
        finally:
            for instance in opened:
                instance.close()


def conforming(instance: PostgresMigrator) -> Migrator:
    """The instance seen only through the protocol (mypy checks that it conforms)."""
    return instance
