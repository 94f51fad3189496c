"""Every golden case on a real PostgreSQL + pgvector: Up applies, Down restores the catalog.

For each case in testdata/ (not the error cases): apply each migration's Up in order,
taking a catalog snapshot before and after each; run the Downs from the last migration
back to the first, each of which must leave exactly the snapshot taken before its Up
(an irreversible migration has no Down: going down stops there); then apply the Ups
again, each of which must reproduce the snapshot of the first pass.

Objects a case declares `external` get the stand-ins drift and verify make for them in a
scratch database (runner/externals.py), where each is declared, and are left out of the
snapshots as they are there.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pgshift.runner.catalog import snapshot
from pgshift.runner.externals import ExternalObjects, stand_in_up
from tests.compiler import shift_cases as cases

Snapshot = dict[str, list[tuple[Any, ...]]]

# Cases whose SQL PostgreSQL rejects, or whose Down does not restore the catalog.
BROKEN: dict[str, str] = {
}


def _param(name: str) -> object:
    if name in BROKEN:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=BROKEN[name]))
    return name


def _run(connection: psycopg.Connection[Any], statements: tuple[str, ...],
         transactional: bool, what: str) -> None:
    """Statements in one transaction, or one by one in autocommit (CONCURRENTLY needs it)."""
    try:
        if transactional:
            with connection.transaction():
                for statement in statements:
                    connection.execute(statement.encode())
        else:
            for statement in statements:
                connection.execute(statement.encode())
    except psycopg.Error as failure:
        pytest.fail(f"{what}: PostgreSQL refused it: {failure.sqlstate} {failure}")


def _differences(expected: Snapshot, actual: Snapshot) -> str:
    lines = []
    for kind in sorted(set(expected) | set(actual)):
        want = {repr(row) for row in expected.get(kind, [])}
        got = {repr(row) for row in actual.get(kind, [])}
        found = [f"  {kind} missing: {row}" for row in sorted(want - got)]
        found += [f"  {kind} extra:   {row}" for row in sorted(got - want)]
        if not found and expected.get(kind) != actual.get(kind):
            found.append(f"  {kind} differ in order or multiplicity")
        lines += found
    return "\n".join(lines)


def _assert_same(expected: Snapshot, actual: Snapshot, what: str) -> None:
    assert actual == expected, f"{what}:\n{_differences(expected, actual)}"


@pytest.mark.parametrize("name", [_param(p.stem) for p in cases.case_paths(cases.TESTDATA)])
def test_up_down_up_restores_each_snapshot(name: str, database_url: str) -> None:
    history = cases.compile_case(cases.load_case(cases.TESTDATA / f"{name}.shift"))
    assert not history.errors, cases.rendered_diagnostics(history)
    migrations = history.migrations
    external = ExternalObjects.of(e for m in migrations for e in m.externals)
    with psycopg.connect(database_url, autocommit=True) as connection:
        # states[i]: the catalog before migration i; states[i + 1]: after it.
        states = [snapshot(connection, external=external)]
        for migration in migrations:
            _run(connection, stand_in_up(migration.up, migration.externals),
                 migration.transactional, f"Up {migration.version}")
            states.append(snapshot(connection, external=external))

        resume = 0
        for position in reversed(range(len(migrations))):
            migration = migrations[position]
            if migration.down is None:
                resume = position + 1
                break
            _run(connection, migration.down, migration.transactional,
                 f"Down {migration.version}")
            _assert_same(states[position], snapshot(connection, external=external),
                         f"Down {migration.version} does not restore the catalog before its Up")

        for position in range(resume, len(migrations)):
            migration = migrations[position]
            _run(connection, stand_in_up(migration.up, migration.externals),
                 migration.transactional, f"Up {migration.version} (again)")
            _assert_same(states[position + 1], snapshot(connection, external=external),
                         f"Up {migration.version} applied again differs from the first time")
