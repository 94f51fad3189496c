"""Tables in the language, for `pull`: each table's block, with its columns and the
constraints that fit in it (constraints.py decides which), each table after the tables it
references; the columns the language cannot say, as ALTER TABLE … ADD COLUMN after the
block; partitions that hold nothing of their own as `partition NAME of PARENT`; and once
every table exists, what the language has no words for (UNLOGGED, storage parameters).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from ..compiler.model import EXTENSION_TYPES
from ..compiler.quoting import quote_ident
from . import language
from .constraints import (
    add_constraint,
    constraint_as_sql,
    default_name,
    is_deferred,
    on_its_column,
    table_constraint,
    unvalidated_not_null,
)
from .language import Unwritable, name, qualified
from .lines import Choices, Lines, column_id, constraint_id, display, modelled_tables, sql_name
from .records import Column, Constraint, Database, Key, RawObject, Table
from .sequences import serial


def write_tables(lines: Lines, database: Database, choices: Choices,
                 skipped: list[tuple[str, str]]) -> list[tuple[Table, list[Constraint]]]:
    """Each table's block, then the SQL of what in it the language cannot say; return the
    constraints to add once every table exists (foreign keys forward, NOT VALID ones)."""
    later: list[tuple[Table, list[Constraint]]] = []
    written: set[Key] = {table.key for table in database.external_tables}
    for table in _in_reference_order(database):
        if table.unmodelled and _partition_in_language(database, table):
            continue
        if table.unmodelled == "a partition":
            skipped.append((f"table {display(table.key)}",
                            "it is a partition with a name, a default or an object of its own"
                            " that `partition NAME of TABLE` would not give it, or of a table"
                            " pull does not write: add it by hand (as a table, then `attach"
                            " partition`, or as a sql block)"))
            continue
        if table.unmodelled:
            skipped.append((f"table {display(table.key)}",
                            f"it is {table.unmodelled}, which the language does not model and"
                            " pull does not write: add it by hand, as a sql block"))
            continue
        written.add(table.key)
        deferred = [c for c in table.constraints if is_deferred(c, written)]
        if deferred:
            later.append((table, deferred))
        _table(lines, database, table, choices, deferred)
    return later


def _table(lines: Lines, database: Database, table: Table, choices: Choices,
           deferred: list[Constraint]) -> None:
    owner = f"table {display(table.key)}"
    inline = [c for c in table.constraints if c.kind in "pucf" and c not in deferred
              and not constraint_as_sql(table, c, choices)]
    on_column = {id(c): c.columns[0] for c in inline if on_its_column(table, c, choices)}
    columns = [c for c in table.columns if column_id(table, c) not in choices.as_sql]
    width = min(max((len(name(c.name)) for c in columns), default=0), 24)
    lines.blank()
    lines.add(f"table {qualified(table.key)} {{", owner)
    for column in columns:
        mine = [c for c in inline if on_column.get(id(c)) == column.name]
        try:
            text = _column_line(database, table, column, mine, width)
        except Unwritable as why:
            choices.as_sql[column_id(table, column)] = str(why)
            text = None
        if text is not None:
            lines.add(f"    {text}", column_id(table, column))
    for constraint in inline:
        if id(constraint) in on_column:
            continue
        owner_id = constraint_id(table, constraint)
        try:
            text = table_constraint(table, constraint,
                                    named=owner_id in choices.named or not default_name(
                                        table, constraint))
        except Unwritable as why:
            choices.as_sql[owner_id] = str(why)
            continue
        lines.add(f"    {text}", owner_id)
    lines.add("}" + (f" partition by {table.partition_by}" if table.partition_by else ""),
              owner)
    for column in table.columns:
        if column_id(table, column) in choices.as_sql:
            lines.sql(_add_column(table, column), column_id(table, column))
    for constraint in table.constraints:
        if constraint not in deferred and (constraint_as_sql(table, constraint, choices) or (
                constraint.kind == "n" and not constraint.validated)):
            lines.sql(add_constraint(table, constraint), constraint_id(table, constraint))


def _column_line(database: Database, table: Table, column: Column,
                 constraints: list[Constraint], width: int) -> str:
    by_kind = {c.kind: c for c in constraints}
    foreign = by_kind.get("f")
    reference = None if foreign is None or foreign.references is None else (
        language.references(foreign.references, foreign.ref_columns, foreign.on_delete,
                            foreign.on_update))
    check = by_kind.get("c")
    type_name = serial(database, table, column) or language.type_name(
        _extension_type(database, column.type))
    if unvalidated_not_null(table, column) is not None:  # added NOT VALID, after the table
        column = replace(column, not_null=False)
    text = language.column(column, type_name, primary_key="p" in by_kind,
                           unique="u" in by_kind,
                           check=None if check is None else check.expression,
                           reference=reference)
    written_name = name(column.name)
    return written_name.ljust(width) + text[len(written_name):]


def _extension_type(database: Database, type_name: str) -> str:
    """A type of an extension in a schema off the search path, as the language names it:
    `vector(3)` for the server's `extensions.vector(3)` (the compiler finds it in the schema
    `extension vector with schema extensions` put it in)."""
    for extension in database.extensions:
        for known, owner in EXTENSION_TYPES.items():
            prefix = f"{quote_ident(extension.schema)}.{known}"
            if owner == extension.name and type_name.startswith(prefix) and (
                    type_name[len(prefix):][:1] in ("", "(", "[")):
                return type_name[len(prefix) - len(known):]
    return type_name


def _add_column(table: Table, column: Column) -> RawObject:
    text = f"{quote_ident(column.name)} {column.type}"
    if column.collation is not None:
        text += f" COLLATE {quote_ident(column.collation[0])}.{quote_ident(column.collation[1])}"
    if column.generated:
        kind = "STORED" if column.generated == "s" else "VIRTUAL"
        text += f" GENERATED ALWAYS AS ({column.default}) {kind}"
    elif column.identity:
        text += (" GENERATED ALWAYS AS IDENTITY" if column.identity == "a"
                 else " GENERATED BY DEFAULT AS IDENTITY")
    elif column.default is not None:
        text += f" DEFAULT {column.default}"
    if column.not_null and not column.identity:
        text += " NOT NULL"
    target = sql_name(table.key)
    return RawObject("column", f"{display(table.key)}.{column.name}",
                     f"ALTER TABLE {target} ADD COLUMN {text};",
                     f"ALTER TABLE {target} DROP COLUMN {quote_ident(column.name)};")


def _in_reference_order(database: Database) -> list[Table]:
    """Tables by name, each after the tables its foreign keys point at where it can be (a
    cycle is broken at the first table by name; its keys are added later)."""
    remaining = sorted(database.tables, key=lambda t: t.key)
    done: set[Key] = set()
    ordered = []
    while remaining:
        ready = next((t for t in remaining if all(
            c.references in done or c.references == t.key or c.references not in
            {r.key for r in remaining} for c in t.constraints if c.kind == "f")), remaining[0])
        ordered.append(ready)
        done.add(ready.key)
        remaining.remove(ready)
    return ordered


def write_partitions(lines: Lines, database: Database) -> None:
    """Each partition that holds nothing of its own as `partition NAME of PARENT …`, after
    every table (its parent included)."""
    for table in database.tables:
        if table.unmodelled and _partition_in_language(database, table):
            assert table.partition_of is not None
            assert table.partition_bound is not None
            lines.blank()
            lines.add(f"partition {qualified(table.key)} of {qualified(table.partition_of)}"
                      f" {_bound_in_language(table.partition_bound)}",
                      f"partition {display(table.key)}")


def _partition_in_language(database: Database, table: Table) -> bool:
    """A partition written `partition NAME of PARENT …`: one that holds nothing of its own,
    of a partitioned table the file writes, with a bound the language reads."""
    if table.partition_of is None or table.partition_bound is None:
        return False
    parent = next((t for t in database.tables if t.key == table.partition_of), None)
    return (parent is not None and not parent.unmodelled and parent.partition_by is not None
            and _bound_in_language(table.partition_bound) is not None)


_BOUND_VALUE = r"(?:'(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|NULL|MINVALUE|MAXVALUE)"
_BOUND_VALUES = rf"\({_BOUND_VALUE}(?:, {_BOUND_VALUE})*\)"
_BOUND = re.compile(rf"FOR VALUES (?:FROM {_BOUND_VALUES} TO {_BOUND_VALUES}|IN {_BOUND_VALUES}"
                    r"|WITH \(modulus \d+, remainder \d+\))|DEFAULT")


def _bound_in_language(bound: str) -> str | None:
    """PostgreSQL's deparsed bound in the language's words (`for values from ('a') to
    ('b')`), or None for a value it does not write (a cast, an expression)."""
    if not _BOUND.fullmatch(bound):
        return None
    if bound == "DEFAULT":
        return "default"
    words = re.sub(r"^FOR VALUES (FROM|IN|WITH)", lambda m: f"for values {m.group(1).lower()}",
                   bound)
    return words.replace(") TO (", ") to (")


def table_settings(database: Database) -> Iterator[RawObject]:
    """What the tables need once they all exist, as SQL: UNLOGGED and storage parameters
    (their row security is written in the language: security.py)."""
    # A table that references another is made unlogged before it (PostgreSQL refuses an
    # unlogged table referenced by a logged one).
    for table in reversed(_in_reference_order(database)):
        if table.unlogged and not table.unmodelled:
            target = sql_name(table.key)
            yield RawObject("unlogged table", target, f"ALTER TABLE {target} SET UNLOGGED;",
                            f"ALTER TABLE {target} SET LOGGED;")
    for table in modelled_tables(database):
        target = sql_name(table.key)
        if table.options:
            keys = ", ".join(option.split("=", 1)[0] for option in table.options)
            yield RawObject("storage parameters", target,
                            f"ALTER TABLE {target} SET ({', '.join(table.options)});",
                            f"ALTER TABLE {target} RESET ({keys});")
