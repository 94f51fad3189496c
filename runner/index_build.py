"""Memory and workers for an index build, as pgvector's documentation advises.

An hnsw build is fast while its graph fits in `maintenance_work_mem` and many times slower
once it does not (PostgreSQL's default is 64MB; an hnsw graph takes about a kilobyte and
a half per 128-dimension vector). The compiler estimates the graph's bytes per row from
the column's type and the index's `m`; just before the build the runner reads how many
rows the table has (pg_class.reltuples) and raises `maintenance_work_mem` for that one
statement to what the graph needs, within the project's limit, and says so when even that
is too little. For a large table it also lets PostgreSQL use as many parallel workers as
the server allows (`max_parallel_workers`). A migration can name both for one index
(`build (memory = '4GB', workers = 2)`), and a project both limits in [tool.pgshift].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .locks import Lock

if TYPE_CHECKING:  # the generated module imports IndexBuild: psycopg must not come with it
    import psycopg

KB = {"kB": 1, "MB": 1024, "GB": 1024 ** 2, "TB": 1024 ** 3}
_SIZE = re.compile(r"^\s*(\d+)\s*(kB|MB|GB|TB)\s*$")
HEADROOM = 1.25  # the graph's estimate is rough: give it a quarter more
PARALLEL_FROM_ROWS = 100_000  # below this, extra workers cost more than they save
MAX_WORKERS = 8


class BadSize(ValueError):
    """Not a memory size PostgreSQL takes (`512MB`, `2GB`)."""


def kilobytes(size: str) -> int:
    found = _SIZE.match(size)
    if found is None:
        raise BadSize(f"{size!r} is not a memory size: write a number and kB, MB, GB or TB,"
                      " like '512MB' or '2GB'")
    return int(found[1]) * KB[found[2]]


def shown(kb: int) -> str:
    """A size in the largest unit that keeps it whole enough: 1.5GB, 160MB, 512kB."""
    for unit in ("TB", "GB", "MB"):
        if kb >= KB[unit]:
            value = kb / KB[unit]
            return f"{value:.1f}{unit}" if value < 10 and value != int(value) else (
                f"{round(value)}{unit}")
    return f"{kb}kB"


@dataclass(frozen=True, slots=True)
class IndexBuild:
    """What the compiler knows of a statement that builds an index: the graph's bytes per
    row (hnsw only), and what the migration asks for by name."""

    tuple_bytes: int | None = None
    memory: str | None = None
    workers: int | None = None


@dataclass(frozen=True, slots=True)
class BuildLimits:
    """The project's say ([tool.pgshift] index_build_memory, index_build_workers): the most
    memory pgshift gives a build by itself, and the workers (None: as the table's size
    and the server's max_parallel_workers decide)."""

    memory: str = "1GB"
    workers: int | None = None


@dataclass(frozen=True, slots=True)
class BuildSettings:
    settings: dict[str, str]  # parameter → value, only those to change
    rows: int | None
    needed_kb: int | None
    warning: str | None = None

    def describe(self) -> str:
        """`maintenance_work_mem 160MB, max_parallel_maintenance_workers 8`"""
        return ", ".join(f"{name} {shown(int(value[:-2])) if value.endswith('kB') else value}"
                         for name, value in self.settings.items())


def build_settings(connection: psycopg.Connection[Any], locks: tuple[Lock, ...],
                   build: IndexBuild, limits: BuildLimits) -> BuildSettings:
    """The session settings one index build should run with, read from the server now."""
    current_kb = kilobytes(_setting(connection, "maintenance_work_mem"))
    rows = _rows(connection, locks[0]) if locks else None
    settings: dict[str, str] = {}
    needed = warning = None
    if build.memory is not None:
        wanted = kilobytes(build.memory)
        if wanted != current_kb:
            settings["maintenance_work_mem"] = f"{wanted}kB"
    elif build.tuple_bytes is not None and rows:
        needed = int(rows * build.tuple_bytes * HEADROOM / 1024)
        wanted = max(min(needed, kilobytes(limits.memory)), current_kb)  # never lowered
        if wanted > current_kb:
            settings["maintenance_work_mem"] = f"{wanted}kB"
        if needed > wanted:
            fits = int(wanted * 1024 / build.tuple_bytes)
            warning = (f"the graph of {rows:,} rows needs about {shown(needed)} and"
                       f" maintenance_work_mem is {shown(wanted)} (index_build_memory in"
                       f" [tool.pgshift], or build (memory = …) on the index): past about"
                       f" {fits:,} rows the build goes on much more slowly")
    workers = build.workers if build.workers is not None else limits.workers
    if workers is None and rows is not None and rows >= PARALLEL_FROM_ROWS:
        workers = min(int(_setting(connection, "max_parallel_workers")), MAX_WORKERS)
    if workers is not None and str(workers) != _setting(
            connection, "max_parallel_maintenance_workers"):
        settings["max_parallel_maintenance_workers"] = str(workers)
    return BuildSettings(settings, rows, needed, warning)


def _setting(connection: psycopg.Connection[Any], name: str) -> str:
    """A setting as PostgreSQL shows it: sizes with their unit ("64MB", "1GB")."""
    row = connection.execute("SELECT current_setting(%s)", [name]).fetchone()
    return str(row[0]) if row else ""


def _rows(connection: psycopg.Connection[Any], lock: Lock) -> int | None:
    """The table's rows as the planner knows them; a table never analysed is counted when
    it is small, and guessed from its size otherwise; None when it does not exist yet."""
    row = connection.execute(
        "SELECT c.reltuples::bigint, pg_relation_size(c.oid) FROM pg_class c"
        " WHERE c.oid = to_regclass(%s)", [f'"{lock.schema}"."{lock.table}"']).fetchone()
    if row is None:
        return None
    tuples, size = row
    if tuples >= 0:
        return int(tuples)
    if size < 256 * 1024 * 1024:
        from psycopg import sql

        counted = connection.execute(sql.SQL("SELECT count(*) FROM {}").format(
            sql.Identifier(lock.schema, lock.table))).fetchone()
        return int(counted[0]) if counted else 0
    return int(size / 1024)
