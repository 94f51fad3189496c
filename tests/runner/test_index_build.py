"""The settings an index build gets (runner/index_build.py), read from a real server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from pgshift.compiler.history import compile_texts
from pgshift.runner.index_build import (
    BadSize,
    BuildLimits,
    IndexBuild,
    build_settings,
    kilobytes,
    shown,
)
from pgshift.runner.locks import SHARE, Lock
from tests.runner import runner_support as support

ITEMS = Lock("public", "items", SHARE)


@pytest.fixture
def items(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """`items` with 120,000 small vectors, analysed: the planner knows its rows."""
    with support.connect(database_url) as connection:
        connection.execute("CREATE EXTENSION vector")
        connection.execute("CREATE TABLE items (id bigint, embedding vector(3))")
        connection.execute("INSERT INTO items SELECT g, array[g, 1, 2]::vector(3)"
                           " FROM generate_series(1, 120000) g")
        connection.execute("ANALYZE items")
        yield connection


def test_sizes_read_as_postgresql_writes_them() -> None:
    assert kilobytes("64MB") == 65536
    assert kilobytes("2GB") == 2 * 1024 * 1024
    assert shown(65536) == "64MB"
    assert shown(1572864) == "1.5GB"
    with pytest.raises(BadSize):
        kilobytes("2 gigabytes")


def test_the_graph_gets_what_it_needs(items: psycopg.Connection[Any]) -> None:
    found = build_settings(items, (ITEMS,), IndexBuild(1300), BuildLimits())
    assert found.rows == 120000
    assert found.needed_kb == int(120000 * 1300 * 1.25 / 1024)
    assert found.settings["maintenance_work_mem"] == f"{found.needed_kb}kB"
    assert found.warning is None


def test_a_graph_past_the_limit_gets_the_limit_and_a_warning(
        items: psycopg.Connection[Any]) -> None:
    found = build_settings(items, (ITEMS,), IndexBuild(1300), BuildLimits(memory="100MB"))
    assert found.settings["maintenance_work_mem"] == f"{100 * 1024}kB"
    assert found.warning is not None
    assert "past about 80,659 rows the build goes on much more slowly" in found.warning


def test_what_the_migration_names_wins(items: psycopg.Connection[Any]) -> None:
    found = build_settings(items, (ITEMS,), IndexBuild(1300, "300MB", 1), BuildLimits())
    assert found.settings == {"maintenance_work_mem": f"{300 * 1024}kB",
                              "max_parallel_maintenance_workers": "1"}


def test_a_large_table_may_use_the_servers_workers(items: psycopg.Connection[Any]) -> None:
    allowed = items.execute("SHOW max_parallel_workers").fetchone()
    assert allowed is not None
    found = build_settings(items, (ITEMS,), IndexBuild(None), BuildLimits())
    assert found.settings == {"max_parallel_maintenance_workers": str(min(int(allowed[0]), 8))}


def test_a_small_or_new_table_changes_nothing(database_url: str) -> None:
    with support.connect(database_url) as connection:
        connection.execute("CREATE TABLE items (id bigint)")
        assert build_settings(connection, (ITEMS,), IndexBuild(1300), BuildLimits()).settings \
            == {}
        missing = Lock("public", "not_yet", SHARE)
        assert build_settings(connection, (missing,), IndexBuild(1300),
                              BuildLimits()).rows is None


def test_the_compiler_estimates_an_hnsw_graph_per_row() -> None:
    history = compile_texts([("0.0.1_items.shift", """\
extension vector
table items {
    id  bigint primary key
    v   vector(128)
    h   halfvec(256)
}
index items_v on items using hnsw (v vector_cosine_ops) with (m = 32)
index items_h on items using hnsw (h halfvec_l2_ops) build (memory = '2GB', workers = 2)
index items_i on items using ivfflat (v vector_l2_ops) with (lists = 10)
index items_id on items (id) build (workers = 4)
""")])
    assert not history.errors, history.errors
    builds = [s.build for s in history.migrations[0].up_statements if "INDEX" in s.sql]
    assert builds == [IndexBuild(4 * 128 + 8 + 36 * 32 + 200),
                      IndexBuild(2 * 256 + 8 + 36 * 16 + 200, "2GB", 2),
                      None,
                      IndexBuild(None, None, 4)]


def test_build_options_are_checked() -> None:
    history = compile_texts([("0.0.1_items.shift", """\
table items {
    id  bigint primary key
}
index a on items (id) build (memory = '2 gigabytes')
index b on items (id) build (workers = 65)
index c on items (id) build (memroy = '2GB')
""")])
    assert [(d.code, d.span.line if d.span else 0) for d in history.errors] == [
        ("index-build-option", 4), ("index-build-option", 5), ("index-build-option", 6)]
    assert "did you mean 'memory'?" in history.errors[2].message
