"""Writing a file that other processes may be reading, or writing too, at the same time."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_whole(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Have `write` fill a file of its own beside `path`, then move it into place: readers
    see the old file or the new one, and processes writing at once each leave a whole one.

    For what pgshift keeps only to save time (the compile cache, the parser's tables): a
    file that cannot be written is skipped, never an error.
    """
    import tempfile  # not at start-up: most commands write nothing of the kind

    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
