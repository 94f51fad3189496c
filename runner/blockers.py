"""Who holds, or waits ahead for, a lock that conflicts with one a migration needs.

Read from pg_locks and pg_stat_activity right after the migration gave up waiting, so the
report names the sessions an operator would look for by hand: pid, application, user,
how long their transaction has been open, and what it is running.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from .locks import CONFLICTS, Lock, catalog_name, mode_of

_HOLDERS = """
SELECT l.pid, l.mode, l.granted, a.application_name, a.usename, a.client_addr::text,
       a.state, a.xact_start, a.query_start, a.query, now()
FROM pg_locks l
LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation'
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.relation = to_regclass(%(relation)s)
  AND l.mode = ANY(%(modes)s)
  AND l.pid <> pg_backend_pid()
ORDER BY l.granted DESC, a.xact_start NULLS LAST, l.pid
"""


@dataclass(frozen=True, slots=True)
class Blocker:
    """One session in the way of a lock: holding a conflicting one, or waiting for one."""

    relation: str
    pid: int
    mode: str
    granted: bool
    application: str | None
    user: str | None
    client: str | None
    state: str | None
    transaction_seconds: float | None
    query_started: dt.datetime | None
    query: str | None

    def describe(self) -> str:
        """`pid 4242 (analytics, user app) holds ACCESS SHARE on documents, in a transaction
        open for 6.1 s, idle in transaction; last query, started 12:00:01: SELECT …`"""
        who = ", ".join(part for part in (self.application or None,
                                          f"user {self.user}" if self.user else None,
                                          f"from {self.client}" if self.client else None)
                        if part)
        verb = "holds" if self.granted else "waits ahead for"
        text = f"pid {self.pid}{f' ({who})' if who else ''} {verb} {self.mode} on {self.relation}"
        if self.transaction_seconds is not None:
            text += f", in a transaction open for {self.transaction_seconds:.1f} s"
        if self.state:
            text += f", {self.state}"
        if self.query:
            started = (f", started {self.query_started.astimezone(dt.UTC):%H:%M:%S} UTC"
                       if self.query_started else "")
            text += f"; {'last ' if self.state != 'active' else ''}query{started}: {self.query}"
        return text


def blockers(connection: psycopg.Connection[Any], locks: Sequence[Lock],
             query_chars: int = 120) -> list[Blocker]:
    """Every other session holding (or queued for) a lock that conflicts with one of
    `locks`, longest-open transaction first."""
    found = []
    for lock in locks:
        relation = f'"{lock.schema}"."{lock.table}"'.replace("\0", "")
        modes = [catalog_name(mode) for mode in CONFLICTS[lock.mode]]
        rows = connection.execute(_HOLDERS, {"relation": relation, "modes": modes}).fetchall()
        for (pid, mode, granted, application, user, client, state, transaction_start,
             query_start, query, now) in rows:
            found.append(Blocker(
                lock.relation, pid, mode_of(mode), granted, application or None, user, client,
                state, (now - transaction_start).total_seconds() if transaction_start else None,
                query_start, _one_line(query, query_chars)))
    return found


def _one_line(query: str | None, limit: int) -> str | None:
    """A query on one line, control characters out, cut at `limit` characters."""
    if not query:
        return None
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in query).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
