"""The cycle collector, held back while pgshift builds large graphs of objects.

Parsing, compiling and (un)pickling a history make hundreds of thousands of small objects
that live on and form no garbage cycles (ASTs, the schema model, the compile cache). The
collector would only walk them again and again: ~0.1 s of a cold compile of 1,000 files.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection at all, for a short burst that makes no garbage (one parse, a pickle)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect far less often for a longer job (a command, a compile), as mypy does."""
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], 200_000), max(previous[1], 30), max(previous[2], 30))
    try:
        yield
    finally:
        gc.set_threshold(*previous)
