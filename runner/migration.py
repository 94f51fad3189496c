"""`Migration`: one compiled migration as the generated module lists it."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .index_build import IndexBuild
from .locks import Lock

if TYPE_CHECKING:  # importing the generated module must not load the database driver
    import psycopg

    from .externals import External


class IrreversibleMigration(Exception):
    """Raised by `Migration.down` for a migration that declared itself irreversible."""


class StatementFailed(Exception):
    """One statement of a migration failed; carries which, and PostgreSQL's error."""

    def __init__(self, index: int, statement: str, error: psycopg.Error) -> None:
        super().__init__(str(error))
        self.index = index
        self.statement = statement
        self.error = error


def execute_all(connection: psycopg.Connection[Any], statements: Sequence[str], start: int = 0,
                stop: int | None = None,
                done: Callable[[int, float], None] | None = None,
                before: Callable[[int], None] | None = None) -> None:
    """Run statements[start:stop] one by one; a failure says which statement it was, and
    `done` hears of each that succeeded, with its seconds. `before` runs before each (the
    session settings one statement needs)."""
    import psycopg

    for index in range(start, len(statements) if stop is None else stop):
        began = time.monotonic()
        try:
            if before is not None:
                before(index)
            connection.execute(statements[index].encode())
        except psycopg.Error as error:
            raise StatementFailed(index, statements[index], error) from error
        if done is not None:
            done(index, time.monotonic() - began)


@dataclass(frozen=True, slots=True)
class StatementPlan:
    """What the compiler knows of one statement: the table locks it takes, whether it must
    run outside a transaction (`index concurrently`), and, for an index it builds, what
    the build needs (runner/index_build.py)."""

    locks: tuple[Lock, ...] = ()
    concurrently: bool = False
    build: IndexBuild | None = None


NO_PLAN = StatementPlan()


@dataclass(frozen=True, slots=True)
class Migration:
    """Version, description, checksum and transactional flag, with the SQL behind Up and Down.

    `down_sql` is None for an irreversible migration. `up_plans` and `down_plans` say, per
    statement, which locks it takes and whether it runs outside a transaction (empty when
    unknown: a module from an older pgshift, a migration built by hand). The timeouts are
    the migration header's, in milliseconds; None leaves the run's own. `up` and `down` run
    the statements one by one on a connection; transactions and session settings are the
    caller's (the Migrator's) business.
    """

    version: str
    description: str
    checksum: str
    transactional: bool
    up_sql: tuple[str, ...]
    down_sql: tuple[str, ...] | None
    up_plans: tuple[StatementPlan, ...] = ()
    down_plans: tuple[StatementPlan, ...] = ()
    lock_timeout_ms: int | None = None
    statement_timeout_ms: int | None = None
    step_sizes: tuple[tuple[int, int], ...] = ()  # per change: its Up and Down statements
    # What it declares `external`: no SQL of Up or Down, a stand-in in a scratch database
    # and left out of catalog comparisons (runner/externals.py)
    externals: tuple[External, ...] = ()

    @property
    def version_key(self) -> tuple[int, ...]:
        """The version compared part by part as numbers: 0.0.10 sorts after 0.0.9."""
        return version_key(self.version)

    @property
    def reversible(self) -> bool:
        return self.down_sql is not None

    @property
    def pipelinable(self) -> bool:
        """Whether each Up statement is one command, as a pipeline must send it. A `sql`
        block may hold several; a `;` inside a string only costs the pipeline."""
        return not any(";" in statement.rstrip().rstrip(";") for statement in self.up_sql)

    def undo_of(self, applied: int) -> range | None:
        """The Down statements that undo the first `applied` statements of Up, in the order
        they run (the tail of Down: it undoes the changes in reverse); None when that is
        not known (no Down, no step sizes, or `applied` ends inside a change)."""
        if self.down_sql is None or not self.step_sizes:
            return None
        ups = downs = 0
        for up, down in self.step_sizes:
            if ups == applied:
                break
            ups, downs = ups + up, downs + down
        if ups != applied:
            return None
        return range(len(self.down_sql) - downs, len(self.down_sql))

    def statements(self, direction: str) -> tuple[str, ...]:
        """Up's statements ("up") or Down's ("down"; none for an irreversible migration)."""
        return self.up_sql if direction == "up" else self.down_sql or ()

    def plans(self, direction: str) -> tuple[StatementPlan, ...]:
        """One plan per statement of Up ("up") or Down ("down"), NO_PLAN where none is known.

        A statement runs outside a transaction when its plan says so; without plans, every
        statement of a non-transactional migration does, as older modules ran them."""
        statements = self.statements(direction)
        known = self.up_plans if direction == "up" else self.down_plans
        if len(known) == len(statements):
            return known
        return tuple(StatementPlan(concurrently=not self.transactional) for _ in statements)

    def up(self, connection: psycopg.Connection[Any]) -> None:
        execute_all(connection, self.up_sql)

    def down(self, connection: psycopg.Connection[Any]) -> None:
        if self.down_sql is None:
            raise IrreversibleMigration(f"migration {self.version} is irreversible")
        execute_all(connection, self.down_sql)


def sql_script(statements: Sequence[str]) -> str:
    """Statements as a script psql would run: each ends with one `;`, on a line of its own
    when the statement's last line ends in a `--` comment."""
    lines = []
    for statement in statements:
        text = statement.rstrip()
        last = text.rsplit("\n", 1)[-1]
        if "--" in last:
            lines.append(f"{text}\n;")
        else:  # a sql block's own last `;` ends it already
            lines.append(text if text.endswith(";") else f"{text};")
    return "\n\n".join(lines) + "\n" if lines else ""


def version_key(version: str) -> tuple[int, ...]:
    """0.0.10 after 0.0.9. A version that is not dot-separated numbers (a history row
    written by hand: `v2`, '') sorts after every real one, as a version this build does not
    know: it is reported (exit 17), and `force` removes it, instead of breaking them."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (sys.maxsize,)
