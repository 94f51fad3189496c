"""The cycle collector held back during parses and compiles, and given back as it was."""

from __future__ import annotations

import gc
import weakref

import pytest

from pgshift.collector import fewer_collections, paused
from pgshift.compiler.history import compile_texts


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_fewer_collections_raises_the_thresholds_and_restores_them() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] >= 200_000
    assert gc.get_threshold() == before


def test_fewer_collections_restores_the_thresholds_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_nested_jobs_keep_the_outer_ones_thresholds() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        outer = gc.get_threshold()
        with fewer_collections():
            pass
        assert gc.get_threshold() == outer
    assert gc.get_threshold() == before


def test_a_cycle_made_during_a_job_is_still_collected_afterwards() -> None:
    """Tenuring what the job made moves it to the oldest generation; it is not leaked."""
    with fewer_collections():
        cycle = _cycle()
    assert cycle() is not None
    gc.collect()
    assert cycle() is None
    assert gc.get_freeze_count() == 0


def test_paused_stops_collection_and_gives_it_back() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_compile_leaves_the_collector_as_it_found_it() -> None:
    before = gc.get_threshold()
    history = compile_texts([("0.0.1_first.shift", "table t { id bigint primary key }")])
    assert not history.errors
    assert gc.get_threshold() == before
    assert gc.isenabled()
