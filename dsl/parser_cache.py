"""Where the parser's tables are kept between processes.

Two files per grammar: Lark's own tables (what `Lark(cache=...)` loads instead of building
them) and the parse loop's (lalr_tables.py). Lark's own `cache=True` keeps its tables as a
pickle in the shared temporary directory, where another local user could leave a file for
us to unpickle. So both go to the user's own cache directory ($XDG_CACHE_HOME/pgshift,
else ~/.cache/pgshift), created private. Where that directory cannot be made, Lark's
default is used and the loop's tables are not kept; a cache that cannot be read or written
only costs the next process the time to build the parser again.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import sys
from pathlib import Path

from .. import __version__
from .lalr_tables import FORMAT


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


def tables_cache(grammar: str) -> Path | None:
    """The file for the parse loop's tables, None when the cache directory is unusable.

    Its name is a hash of what the tables were read out of and how they are written: the
    grammar, this pgshift and its tables' format, this Python (whose regex engine runs the
    kept programs), and the installed Lark, known by its file's place, size and time
    (importing Lark to ask its version would cost what keeping the tables saves)."""
    directory = cache_directory()
    if directory is None:
        return None
    spec = importlib.util.find_spec("lark")
    origin = spec.origin if spec is not None else None
    if origin is None:
        return None
    try:
        installed = os.stat(origin)
    except OSError:
        return None
    text = "\0".join((grammar, __version__, str(FORMAT), sys.version, origin,
                      str(installed.st_size), str(installed.st_mtime_ns)))
    return directory / f"lalr-tables-{hashlib.sha256(text.encode()).hexdigest()[:32]}.marshal"
