"""The benchmark's databases on its one embedded server: each run's fresh database, on a
quiet server, checked and dropped afterwards."""

from __future__ import annotations

import psycopg
from psycopg import sql

from pgshift.runner.embedded import with_database


def create_database(admin_url: str, name: str) -> str:
    """A fresh database on a quiet server: the CHECKPOINT writes out what the previous run
    and its DROP DATABASE left behind, which would otherwise land on whichever tool runs
    next (a thousand-table run then took 3.2 s instead of 2.1 s, at random)."""
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        admin.execute("CHECKPOINT")
    return with_database(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def count_tables(url: str, prefix: str = "items_") -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                                 " AND tablename LIKE %s", [prefix + "%"]).fetchone()
    return int(row[0]) if row else 0


def server_versions(url: str) -> dict[str, str]:
    with psycopg.connect(url) as connection:
        server = connection.execute("SHOW server_version").fetchone()
        vector = connection.execute(
            "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'"
        ).fetchone()
    return {"postgresql": str(server[0]) if server else "?",
            "pgvector": str(vector[0]) if vector else "?"}
