"""bench/corpus.py's synthetic history, for the tests that run it through the parser or the
compile cache (loaded by path: bench/ is not a package)."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "bench" / "corpus.py"


@functools.cache
def generate_history(files: int, seed: int) -> tuple[tuple[str, str], ...]:
    """(file name, text) of `files` migrations, oldest first, as the benchmarks make them."""
    name = "pgshift_bench_corpus"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, CORPUS)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while being made
        spec.loader.exec_module(module)
    history: list[tuple[str, str]] = module.generate_history(files, seed)
    return tuple(history)
