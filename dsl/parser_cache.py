"""Where Lark keeps the parser's tables between processes.

What `Lark(cache=...)` loads instead of building the tables (one file per grammar and
parser options). Lark's own `cache=True` keeps them as a pickle in the shared temporary
directory, where another local user could leave a file for us to unpickle. So they go to
the user's own cache directory ($XDG_CACHE_HOME/pgshift, else ~/.cache/pgshift), created
private. Where that directory cannot be made, Lark's default is used; a cache that cannot
be read or written only costs the next process the time to build the parser again.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path


@functools.cache
def cache_directory() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = Path(base) / "pgshift"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return directory if os.access(directory, os.W_OK) else None


def _key(*parts: str) -> str:
    """Grammar, Lark and Python versions: what the cached data was computed from."""
    import lark

    text = "\0".join((*parts, lark.__version__, sys.version.split()[0]))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def lark_cache(kind: str, grammar: str) -> str | bool:
    """Lark's `cache` option: a file of our own (Lark checks the grammar's hash inside it
    too), or True, Lark's default, when the user's cache directory is unusable."""
    directory = cache_directory()
    if directory is None:
        return True
    return str(directory / f"lark-{kind}-{_key(grammar)}.pickle")


def drops_cache(grammar: str) -> Path | None:
    """Where the tokens each rule's method never sees (reducer.dropped_tokens) are kept, as
    JSON beside Lark's tables: learning them means loading the tree parser, ~45 ms of every
    command that parses. None when the user's cache directory is unusable."""
    directory = cache_directory()
    return None if directory is None else directory / f"drops-{_key(grammar)}.json"
