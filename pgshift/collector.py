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
    """Collect far less often for a longer job (a command, a compile), as mypy does.

    At the end, what the job made is moved to the oldest generation (`gc.freeze()` then
    `gc.unfreeze()`, which is what they are documented to do) instead of being walked at
    once by the full collection the restored thresholds would start (~0.05 s after a
    compile of 1,000 files). Those objects stay collectable: the next full collection, when
    the caller's own allocations call for one, walks them as usual. The CLI keeps
    collections rare for a whole command and ends without a teardown, so there that walk
    never happens; adding a 1,001st migration in process is ~9% quicker.
    """
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], 200_000), max(previous[1], 30), max(previous[2], 30))
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.set_threshold(*previous)
