"""A database's records as one migration file, in an order that applies, that pgshift reads
back as exactly that database.

Writing is a loop: write every object in the language where the language can say it
(ordering.py), compile the file in memory, and write as SQL whatever the compiler refused
(an unknown type, a foreign key to a table not pulled) or named otherwise than the database
does (a constraint then gets its name written out). A few fixes only the compiled model can
tell (the names PostgreSQL gives NOT NULL constraints and sequences) follow as SQL. Then
the warnings: each object written as SQL, and why, and each not written.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..compiler.history import History, compile_texts
from ..compiler.history_table import DEFAULT_HISTORY_TABLE
from ..compiler.quoting import quote_ident
from .constraints import beyond_the_language, constraint_as_sql
from .lines import ALLOW_RAW, Choices, Lines, column_id, constraint_id, modelled_tables, sql_name
from .ordering import render
from .records import Database, Key, RawObject
from .sequences import owned_sequence

_ROUNDS = 200  # each round writes one more object as SQL, or names constraints


class PullError(Exception):
    """pgshift could not write a file that it reads back as the database: a bug."""


@dataclass
class Pulled:
    text: str
    warnings: list[str]
    counts: dict[str, int]


def write_migration(database: Database, file_name: str,
                    earlier: list[tuple[str, str]] | None = None,
                    history_table: Key = DEFAULT_HISTORY_TABLE) -> Pulled:
    """The migration text for `database`, checked by compiling it after `earlier` files
    (name, text) with `history_table` (the one the reading left out); and a warning for
    each object written as SQL or not written."""
    choices = Choices()
    for _ in range(_ROUNDS):
        lines, skipped = render(database, choices, renames=[])
        history = compile_texts([*(earlier or []), (file_name, lines.text)], history_table)
        if _refused(history, file_name, lines, choices) or _misnamed(database, history,
                                                                    choices):
            continue
        renames = _renames(database, history, choices)
        lines, skipped = render(database, choices, renames)
        history = compile_texts([*(earlier or []), (file_name, lines.text)], history_table)
        if history.errors:
            raise PullError(f"pgshift wrote a migration it cannot compile: "
                            f"{history.errors[0].message}")
        return Pulled(lines.text, _warnings(database, choices, lines, skipped),
                      _counts(database, lines))
    raise PullError("pgshift could not write a migration that compiles as the database")


def _refused(history: History, file_name: str, lines: Lines, choices: Choices) -> bool:
    """Write as SQL each object the compiler refused; false when it refused nothing."""
    if not history.errors:
        return False
    # The first only: an object the compiler refused may make it refuse later ones too.
    diagnostic = min(history.errors, key=lambda d: d.span.line if d.span else 0)
    if diagnostic.file != file_name or diagnostic.span is None:
        raise PullError(f"pgshift wrote a migration it cannot compile: {diagnostic.message}")
    owner = lines.owners[diagnostic.span.line - 1]
    if owner is None or owner in choices.as_sql:
        raise PullError(f"pgshift wrote a migration it cannot compile, at line"
                        f" {diagnostic.span.line}: {diagnostic.message}")
    choices.as_sql[owner] = f"the compiler says: {diagnostic.message}"
    return True


def _misnamed(database: Database, history: History, choices: Choices) -> bool:
    """Name each constraint that compiled under another name; false when none did."""
    progress = False
    for table in modelled_tables(database):
        compiled = history.model.tables.get(table.key)
        if compiled is None:
            continue
        for constraint in table.constraints:
            owner = constraint_id(table, constraint)
            if (constraint.kind in "pucf" and not constraint_as_sql(table, constraint, choices)
                    and constraint.name not in compiled.constraints):
                if owner in choices.named:
                    choices.as_sql[owner] = "it compiles under another name"
                else:
                    choices.named.add(owner)
                progress = True
    return progress


def _renames(database: Database, history: History, choices: Choices) -> list[RawObject]:
    """The NOT NULL constraints and sequences that PostgreSQL named otherwise than it would
    name them for the compiled SQL: renamed after the tables."""
    renames = []
    for table in modelled_tables(database):
        compiled = history.model.tables.get(table.key)
        if compiled is None:
            continue
        target = sql_name(table.key)
        for column in table.columns:
            model = compiled.columns.get(column.name)
            if model is None or column_id(table, column) in choices.as_sql:
                continue
            if (column.not_null_name and model.not_null_name
                    and column.not_null_name != model.not_null_name):
                old, new = quote_ident(model.not_null_name), quote_ident(column.not_null_name)
                renames.append(RawObject(
                    "constraint name", f"{target}.{new}",
                    f"ALTER TABLE {target} RENAME CONSTRAINT {old} TO {new};",
                    f"ALTER TABLE {target} RENAME CONSTRAINT {new} TO {old};"))
            owned = owned_sequence(database, table, column)
            if owned is not None and model.sequence and owned.name != model.sequence:
                old_key = sql_name((table.schema, model.sequence))
                renames.append(RawObject(
                    "sequence name", sql_name((owned.schema, owned.name)),
                    f"ALTER SEQUENCE {old_key} RENAME TO {quote_ident(owned.name)};",
                    f"ALTER SEQUENCE {sql_name((owned.schema, owned.name))} RENAME TO"
                    f" {quote_ident(model.sequence)};"))
    return renames


def _warnings(database: Database, choices: Choices, lines: Lines,
              skipped: list[tuple[str, str]]) -> list[str]:
    said = []
    for raw, owner in lines.blocks:
        if owner in choices.as_sql:
            continue
        beyond = next((beyond_the_language(c) for t in database.tables for c in t.constraints
                       if constraint_id(t, c) == owner), None)
        said.append(f"{raw.kind} {raw.name} is written as a sql block"
                    f"{f' (the language has no {beyond})' if beyond else ''}: check its down")
    said += [f"{owner} is written as SQL: {why}" for owner, why in choices.as_sql.items()]
    said += [f"{what} is not written: {why}" for what, why in [*database.skipped, *skipped]]
    return said


def _counts(database: Database, lines: Lines) -> dict[str, int]:
    tables = modelled_tables(database)
    return {"table": len(tables), "index": sum(i.valid for i in database.indexes),
            "enum": len(database.enums), "extension": len(database.extensions),
            "sql block": lines.lines.count(ALLOW_RAW)}
