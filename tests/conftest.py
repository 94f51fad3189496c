"""Shared pytest configuration for the whole test suite."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Fixtures of one stage's tests that live beside them (a second conftest.py would clash
# with this one under mypy, which sees every test file as a top-level module). A test
# module that defines a fixture of the same name keeps its own.
pytest_plugins = [
    "tests.dsl.dsl_fixtures",
    "tests.e2e.cli_database_support",
    "tests.runner.conformance_support",
    "tests.runner.manager_support",
]

# ---------------------------------------------------------------- golden files
#
# Tests that compare output with a checked-in golden file rewrite the file instead
# when run with `--update-goldens` (or with PGSHIFT_UPDATE_GOLDENS=1 in the
# environment). Review the diff before committing regenerated goldens.

UPDATE_GOLDENS_OPTION = "--update-goldens"
UPDATE_GOLDENS_ENV = "PGSHIFT_UPDATE_GOLDENS"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        UPDATE_GOLDENS_OPTION,
        action="store_true",
        default=False,
        help=f"rewrite golden files from the current output (also: {UPDATE_GOLDENS_ENV}=1)",
    )


@pytest.fixture(scope="session")
def update_goldens(pytestconfig: pytest.Config) -> bool:
    """True when golden files should be rewritten rather than compared."""
    from_option = bool(pytestconfig.getoption(UPDATE_GOLDENS_OPTION))
    return from_option or os.environ.get(UPDATE_GOLDENS_ENV, "") == "1"


# ---------------------------------------------------------------- database
#
# Every test that concerns the database runs against a real PostgreSQL with pgvector:
# the server in PGSHIFT_TEST_DATABASE_URL when set, else the embedded one, started once
# per session and stopped (its data deleted) when the session ends. Each test that asks
# for `database_url` gets a database of its own, dropped afterwards. Nothing is skipped
# for want of a server.

TEST_DATABASE_ENV = "PGSHIFT_TEST_DATABASE_URL"


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A maintenance URL of the test server (its `postgres` database)."""
    configured = os.environ.get(TEST_DATABASE_ENV)
    if configured:
        yield configured
        return
    from pgshift.runner.embedded import EmbeddedPostgres

    # Not under pytest's basetemp: a later pytest session prunes and re-modes that tree,
    # which would pull the data directory from under a server that is still running.
    home = Path(tempfile.mkdtemp(prefix="pgshift-test-server-"))
    server = EmbeddedPostgres(home / "data", delete_on_stop=True)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def database_url(server_url: str) -> Iterator[str]:
    """A fresh, empty database for this test alone."""
    from pgshift.commands.scratch import throwaway_database

    with throwaway_database(server_url, "pgshift_test") as url:
        yield url
