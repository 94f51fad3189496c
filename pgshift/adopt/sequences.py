"""Sequences, for `pull`: a column's own that `serial` makes, and standalone ones written
`sequence NAME …` with each setting that differs from what CREATE SEQUENCE takes without
it. What the language cannot give them (an owner whose column default needs the sequence
first, the settings of one `serial` or `identity` made) follows the tables as SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..compiler.quoting import quote_ident
from .language import name, qualified, string
from .lines import Choices, Lines, modelled_tables, sql_name
from .records import Column, Database, RawObject, Sequence, Table
from .sql_blocks import literal

_SERIALS = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}
_TYPE_MAXIMUM = {"smallint": 32767, "integer": 2147483647, "bigint": 9223372036854775807}
_NEXTVAL = re.compile(r"nextval\('(.+)'::regclass\)")


def serial(database: Database, table: Table, column: Column) -> str | None:
    """`serial` for a column whose default takes the next value of the sequence it owns,
    of its own type: what `serial` makes (its settings and name are set after)."""
    owned = owned_sequence(database, table, column)
    if owned is None or owned.identity or column.default is None:
        return None
    match = _NEXTVAL.fullmatch(column.default)
    if match is None or owned.type != column.type or column.type not in _SERIALS:
        return None
    if match.group(1) not in (quote_ident(owned.name), sql_name((owned.schema, owned.name))):
        return None
    return _SERIALS[column.type]


def owned_sequence(database: Database, table: Table, column: Column) -> Sequence | None:
    return next((s for s in database.sequences if s.schema == table.schema
                 and s.owner == (table.name, column.name)), None)


def standalone(database: Database, sequence: Sequence) -> bool:
    """A sequence that neither `serial` nor `identity` makes: created before the tables."""
    if sequence.identity:
        return False
    if sequence.owner is None:
        return True
    table = next((t for t in modelled_tables(database)
                  if t.key == (sequence.schema, sequence.owner[0])), None)
    column = None if table is None else next(
        (c for c in table.columns if c.name == sequence.owner[1]), None)
    return table is None or column is None or serial(database, table, column) is None


def write_sequence(lines: Lines, sequence: Sequence, choices: Choices, owned: bool) -> None:
    """A standalone sequence in the language, with every setting it has (and `owned by`
    when `owned`); as SQL when the compiler refused it."""
    owner = f"sequence {sequence.schema}.{sequence.name}"
    lines.blank()
    if owner in choices.as_sql:
        lines.sql(_create_sequence(sequence), owner)
        return
    text = f"sequence {qualified((sequence.schema, sequence.name))}{_sequence_options(sequence)}"
    if owned and sequence.owner is not None:
        table, column = sequence.owner
        text += f"\n    owned by {qualified((sequence.schema, table))}.{name(column)}"
    if sequence.comment is not None:
        text += (f"\ncomment on sequence {qualified((sequence.schema, sequence.name))} is"
                 f" {string(sequence.comment)}")
    lines.add(text, owner)


def _sequence_options(sequence: Sequence) -> str:
    """The options of `sequence NAME` that differ from what CREATE SEQUENCE takes without
    them (the bounds and the start depend on the type and the direction)."""
    maximum = _TYPE_MAXIMUM.get(sequence.type, _TYPE_MAXIMUM["bigint"])
    ascending = sequence.increment > 0
    low, high = (1, maximum) if ascending else (-maximum - 1, -1)
    options = [
        (f"as {sequence.type}", sequence.type != "bigint"),
        (f"increment by {sequence.increment}", sequence.increment != 1),
        (f"start with {sequence.start}",
         sequence.start != (sequence.minimum if ascending else sequence.maximum)),
        (f"minvalue {sequence.minimum}", sequence.minimum != low),
        (f"maxvalue {sequence.maximum}", sequence.maximum != high),
        (f"cache {sequence.cache}", sequence.cache != 1),
        ("cycle", sequence.cycle),
    ]
    return "".join(f" {text}" for text, given in options if given)


def owned_in_language(database: Database, sequence: Sequence, choices: Choices) -> bool:
    """Whether a standalone sequence with an owner is written after the tables with its
    `owned by`: not when a column default takes its values (the default needs it before
    its table; the owner then follows as SQL), nor when the compiler refused it."""
    if sequence.owner is None or f"sequence {sequence.schema}.{sequence.name}" in (
            choices.as_sql):
        return False
    for table in database.tables:
        for column in table.columns:
            for found in _NEXTVAL.findall(column.default or ""):
                if found.split(".")[-1].strip('"') == sequence.name:
                    return False
    return True


def _create_sequence(sequence: Sequence) -> RawObject:
    key = sql_name((sequence.schema, sequence.name))
    comment = "" if sequence.comment is None else (
        f"\nCOMMENT ON SEQUENCE {key} IS {literal(sequence.comment)};")
    return RawObject("sequence", key, f"CREATE SEQUENCE {key} AS {sequence.type}"
                     f"{_settings(sequence)};{comment}", f"DROP SEQUENCE {key};",
                     "before tables")


def _settings(sequence: Sequence) -> str:
    return (f" START WITH {sequence.start} INCREMENT BY {sequence.increment} MINVALUE"
            f" {sequence.minimum} MAXVALUE {sequence.maximum} CACHE {sequence.cache}"
            f" {'CYCLE' if sequence.cycle else 'NO CYCLE'}")


def _fresh(sequence: Sequence) -> Sequence:
    """The settings a new ascending sequence of the same type starts with."""
    return Sequence(sequence.schema, sequence.name, sequence.type, 1, 1, 1,
                    _TYPE_MAXIMUM.get(sequence.type, _TYPE_MAXIMUM["bigint"]), 1, False)


def sequence_fixes(database: Database, choices: Choices) -> Iterator[RawObject]:
    """What the tables' sequences need once the tables exist, as SQL: the owner of one
    not written with `owned by`, the settings of one `serial` or `identity` made."""
    for sequence in database.sequences:
        if sequence.owner is None or (standalone(database, sequence)
                                      and owned_in_language(database, sequence, choices)):
            continue
        key = sql_name((sequence.schema, sequence.name))
        if standalone(database, sequence):
            owner_table, owner_column = sequence.owner
            yield RawObject("sequence owner", key,
                            f"ALTER SEQUENCE {key} OWNED BY"
                            f" {sql_name((sequence.schema, owner_table))}."
                            f"{quote_ident(owner_column)};",
                            f"ALTER SEQUENCE {key} OWNED BY NONE;")
        elif _settings(sequence) != _settings(_fresh(sequence)):
            yield RawObject("sequence settings", key,
                            f"ALTER SEQUENCE {key}{_settings(sequence)};",
                            f"ALTER SEQUENCE {key}{_settings(_fresh(sequence))};")
    for sequence in database.sequences:  # a serial or identity column's, which the
        if sequence.comment is None or standalone(database, sequence):  # language keeps none
            continue
        key = sql_name((sequence.schema, sequence.name))
        yield RawObject("comment", f"on sequence {key}",
                        f"COMMENT ON SEQUENCE {key} IS {literal(sequence.comment)};",
                        f"COMMENT ON SEQUENCE {key} IS NULL;")
