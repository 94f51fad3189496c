"""`Migration`: one compiled migration as the generated module lists it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg


class IrreversibleMigration(Exception):
    """Raised by `Migration.down` for a migration that declared itself irreversible."""


@dataclass(frozen=True, slots=True)
class Migration:
    """Version, description, checksum and transactional flag, with the SQL behind Up and Down.

    `down_sql` is None for an irreversible migration. `up` and `down` run the statements
    one by one on a connection; transactions are the caller's (the Manager's) business.
    """

    version: str
    description: str
    checksum: str
    transactional: bool
    up_sql: tuple[str, ...]
    down_sql: tuple[str, ...] | None

    @property
    def version_key(self) -> tuple[int, ...]:
        """The version compared part by part as numbers: 0.0.10 sorts after 0.0.9."""
        return tuple(int(part) for part in self.version.split("."))

    @property
    def reversible(self) -> bool:
        return self.down_sql is not None

    def up(self, connection: psycopg.Connection[Any]) -> None:
        for statement in self.up_sql:
            connection.execute(statement.encode())

    def down(self, connection: psycopg.Connection[Any]) -> None:
        if self.down_sql is None:
            raise IrreversibleMigration(f"migration {self.version} is irreversible")
        for statement in self.down_sql:
            connection.execute(statement.encode())
