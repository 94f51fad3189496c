"""The migration file in an order that applies, for one round of writing.py's loop.

Schemas, external declarations, roles, extensions, enums, types and standalone sequences
come before the tables; then the tables (each after those it references), the constraints
that wait for every table, partitions, indexes and comments; then what needs the tables
(sequence owners and settings, views, functions, triggers); row-level security, policies
and grants last, as their expressions may use any of it. The sql blocks read from the
database (sql_blocks.py) go in at the stage each one names.
"""

from __future__ import annotations

from ..compiler.quoting import quote_ident
from .constraints import added_later
from .externals import external_declarations
from .indexes import write_comments, write_index
from .language import Unwritable, name, qualified, string
from .lines import Choices, Lines, sql_name
from .records import Database, RawObject
from .security import external_roles, write_grants, write_security
from .sequences import owned_in_language, sequence_fixes, standalone, write_sequence
from .sql_blocks import literal
from .tables import table_settings, write_partitions, write_tables

HEADER = """\
-- The schema of an existing database, written by `pgshift pull`. What the language does not
-- model is in sql blocks: check each one's down. `pgshift baseline VERSION` then records
-- this migration as applied to that database, after checking that it holds all of it.
"""


def render(database: Database, choices: Choices,
           renames: list[RawObject]) -> tuple[Lines, list[tuple[str, str]]]:
    lines = Lines()
    skipped: list[tuple[str, str]] = []
    lines.add(HEADER, None)
    for raw in _raw(database, "first"):
        _schema(lines, raw, choices, skipped)
    for text, owner in external_declarations(database):
        if owner not in choices.as_sql:
            lines.blank()
            lines.add(text, owner)
    for role in external_roles(database):
        lines.blank()
        lines.add(f"external role {name(role)}", f"role {role}")
    for extension in database.extensions:
        owner = f"extension {extension.name}"
        if owner not in choices.as_sql:  # in a schema the file does not make: SQL, next round
            where = "" if extension.schema == "public" else f" with schema {name(extension.schema)}"
            lines.blank()
            lines.add(f"extension {name(extension.name)}{where}", owner)
        else:
            _sql_or_skip(lines, RawObject(
                "extension", extension.name,
                f"CREATE EXTENSION {quote_ident(extension.name)} SCHEMA"
                f" {quote_ident(extension.schema)};",
                f"DROP EXTENSION {quote_ident(extension.name)};"), skipped)
    for enum in database.enums:
        owner = f"enum {enum.schema}.{enum.name}"
        lines.blank()
        if owner in choices.as_sql:
            labels = ", ".join(map(literal, enum.labels))
            lines.sql(RawObject("enum", owner, f"CREATE TYPE {sql_name((enum.schema, enum.name))}"
                                f" AS ENUM ({labels});",
                                f"DROP TYPE {sql_name((enum.schema, enum.name))};"), owner)
        else:
            lines.add(f"enum {qualified((enum.schema, enum.name))}"
                      f" ({', '.join(map(string, enum.labels))})", owner)
    for raw in _raw(database, "types"):
        _sql_or_skip(lines, raw, skipped)
    for sequence in database.sequences:
        if standalone(database, sequence) and not owned_in_language(database, sequence,
                                                                    choices):
            write_sequence(lines, sequence, choices, owned=False)
    for raw in _raw(database, "before tables"):
        _sql_or_skip(lines, raw, skipped)
    later = write_tables(lines, database, choices, skipped)
    for table, constraints in later:
        added_later(lines, table, constraints, choices)
    write_partitions(lines, database)
    for index in database.indexes:
        if not index.on_view:
            write_index(lines, database, index, choices, skipped)
    write_comments(lines, database, choices)
    for sequence in database.sequences:
        if standalone(database, sequence) and owned_in_language(database, sequence,
                                                                choices):
            write_sequence(lines, sequence, choices, owned=True)
    for raw in [*renames, *sequence_fixes(database, choices), *table_settings(database)]:
        lines.sql(raw)
    for raw in _raw(database, "after tables"):
        owner = f"{raw.kind} {raw.name}"
        if raw.language is None:
            _sql_or_skip(lines, raw, skipped)
        elif owner not in choices.as_sql:  # a view: in the language, unless it was refused
            lines.blank()
            lines.add(raw.language, owner)
        else:
            try:
                lines.sql(raw, owner)
            except Unwritable as why:
                skipped.append((owner, str(why)))
    write_security(lines, database, choices)
    write_grants(lines, database, choices)
    for index in database.indexes:  # on materialized views, made just above
        if index.on_view:
            write_index(lines, database, index, choices, skipped)
    return lines, skipped


def _raw(database: Database, stage: str) -> list[RawObject]:
    return [raw for raw in database.raw if raw.stage == stage]


def _schema(lines: Lines, raw: RawObject, choices: Choices,
            skipped: list[tuple[str, str]]) -> None:
    """A schema in the language (`schema rag`, and `comment on schema`); as SQL when the
    compiler refused the statement."""
    owner = f"schema {raw.name}"
    if raw.kind != "schema" or raw.language is None or owner in choices.as_sql:
        _sql_or_skip(lines, raw, skipped)
        return
    lines.blank()
    lines.add(raw.language, owner)


def _sql_or_skip(lines: Lines, raw: RawObject, skipped: list[tuple[str, str]]) -> None:
    try:
        lines.sql(raw)
    except Unwritable as why:
        skipped.append((f"{raw.kind} {raw.name}", str(why)))
