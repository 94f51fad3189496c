"""The migration file as `pull` writes it, line by line, and the choices that shape it.

Each line remembers the object it belongs to, so that a compiler diagnostic at a line names
the object to write as SQL in the next round (writing.py); `Choices` keeps those objects,
and the constraints written with their name. Every writer (tables.py, constraints.py,
sequences.py, indexes.py, security.py, ordering.py) names its objects with the ids here, so
that what one round chose is found again by the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..compiler.quoting import quote_ident
from .language import Unwritable
from .records import Column, Constraint, Database, Key, RawObject, Table

# Each sql block was read from the database, not written by a person: the lint's reminder
# to check what a block does is for blocks people write.
ALLOW_RAW = "-- pgshift: allow raw-sql (read from the database by pgshift pull)"


@dataclass
class Choices:
    as_sql: dict[str, str] = field(default_factory=dict)  # object → why the language can't
    named: set[str] = field(default_factory=set)  # constraints written with their name


@dataclass
class Lines:
    """The file being written, each line remembering the object it belongs to, so that a
    compiler diagnostic at a line names the object to write as SQL instead."""

    lines: list[str] = field(default_factory=list)
    owners: list[str | None] = field(default_factory=list)
    blocks: list[tuple[RawObject, str | None]] = field(default_factory=list)

    def add(self, text: str, owner: str | None) -> None:
        for line in text.split("\n"):
            self.lines.append(line)
            self.owners.append(owner)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.add("", None)

    def sql(self, raw: RawObject, owner: str | None = None) -> None:
        if '"""' in raw.up or '"""' in raw.down:
            raise Unwritable('its SQL holds """, which a sql block cannot')
        self.blocks.append((raw, owner))
        self.blank()
        self.add(f'{ALLOW_RAW}\nsql """\n{raw.up}\n""" down """\n{raw.down}\n"""', owner)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def sql_name(key: Key) -> str:
    return f"{quote_ident(key[0])}.{quote_ident(key[1])}"


def display(key: Key) -> str:
    return f"{key[0]}.{key[1]}"


def column_id(table: Table, column: Column) -> str:
    return f"column {display(table.key)}.{column.name}"


def constraint_id(table: Table, constraint: Constraint) -> str:
    return f"constraint {display(table.key)}.{constraint.name}"


def modelled_tables(database: Database) -> list[Table]:
    return [t for t in database.tables if not t.unmodelled]


def unmodelled_table(database: Database, key: Key) -> bool:
    return any(t.key == key and t.unmodelled for t in database.tables)
