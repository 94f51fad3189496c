"""Indexes and comments, for `pull`, after the tables (an index on a materialized view after
the views): in the language, or as SQL what the language cannot say or the compiler
refused. An INVALID index (a failed concurrent build) is not written, but named.
"""

from __future__ import annotations

from ..compiler.quoting import quote_ident
from . import language
from .language import Unwritable, name, qualified, string
from .lines import Choices, Lines, display, modelled_tables, sql_name, unmodelled_table
from .records import Database, Index, Key, RawObject
from .sql_blocks import literal, view_key


def write_index(lines: Lines, database: Database, index: Index, choices: Choices,
                skipped: list[tuple[str, str]]) -> None:
    owner = f"index {display((index.schema, index.name))}"
    if not index.valid:
        skipped.append((owner, "it is INVALID (a failed concurrent build): rebuild or drop it"))
        return
    if unmodelled_table(database, (index.schema, index.table)):
        return
    if (not index.on_view or _view_in_language(database, choices, (index.schema, index.table))
            ) and owner not in choices.as_sql:
        try:
            text = language.index(index)
        except Unwritable as why:
            choices.as_sql[owner] = str(why)
        else:
            if not lines.lines[-1].startswith(("index ", "unique index ")):
                lines.blank()
            lines.add(text, owner)
            return
    lines.sql(RawObject("index", owner, index.definition + ";",
                        f"DROP INDEX {sql_name((index.schema, index.name))};",
                        ), owner)


def _view_in_language(database: Database, choices: Choices, key: Key) -> bool:
    """Is the materialized view `key` written in the language (so an index on it may be)?"""
    return any(raw.kind == "materialized view" and raw.language is not None
               and f"{raw.kind} {raw.name}" not in choices.as_sql
               and view_key(raw.name) == key for raw in database.raw)


def write_comments(lines: Lines, database: Database, choices: Choices) -> None:
    """Comments on tables, columns and indexes, in the language or as SQL."""
    said: list[tuple[str, str, str, str]] = []  # (owner, language target, SQL target, text)
    for table in modelled_tables(database):
        if table.comment is not None:
            said.append((f"comment table {display(table.key)}",
                         f"table {qualified(table.key)}", f"TABLE {sql_name(table.key)}",
                         table.comment))
        for column in table.columns:
            if column.comment is not None:
                said.append((f"comment column {display(table.key)}.{column.name}",
                             f"column {qualified(table.key)}.{name(column.name)}",
                             f"COLUMN {sql_name(table.key)}.{quote_ident(column.name)}",
                             column.comment))
        for constraint in table.constraints:
            if constraint.comment is not None and constraint.kind != "n":
                target = f"CONSTRAINT {quote_ident(constraint.name)} ON {sql_name(table.key)}"
                lines.sql(RawObject("comment", f"on constraint {display(table.key)}."
                                    f"{constraint.name}",
                                    f"COMMENT ON {target} IS {literal(constraint.comment)};",
                                    f"COMMENT ON {target} IS NULL;"))
    for index in database.indexes:
        if index.comment is not None and index.valid and not unmodelled_table(
                database, (index.schema, index.table)):
            said.append((f"comment index {display((index.schema, index.name))}",
                         f"index {qualified((index.schema, index.name))}",
                         f"INDEX {sql_name((index.schema, index.name))}", index.comment))
    first = True
    for owner, target, sql_target, text in said:
        if owner in choices.as_sql:
            lines.sql(RawObject("comment", sql_target,
                                f"COMMENT ON {sql_target} IS {literal(text)};",
                                f"COMMENT ON {sql_target} IS NULL;"), owner)
            first = True
            continue
        if first:
            lines.blank()
            first = False
        lines.add(f"comment on {target} is {string(text)}", owner)
