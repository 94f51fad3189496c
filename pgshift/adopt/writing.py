"""A database's records as one migration file, in an order that applies, that pgshift reads
back as exactly that database.

Writing is a loop: write every object in the language where the language can say it,
compile the file in memory, and write as SQL whatever the compiler refused (an unknown
type, a foreign key to a table not pulled) or named otherwise than the database does
(a constraint then gets its name written out). A few fixes only the compiled model can
tell (the names PostgreSQL gives NOT NULL constraints and sequences) follow as SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ..compiler.history import History, compile_texts
from ..compiler.history_table import DEFAULT_HISTORY_TABLE
from ..compiler.model import EXTENSION_TYPES
from ..compiler.naming import column_addition, make_object_name
from ..compiler.quoting import quote_ident
from ..compiler.security_render import PRIVILEGES
from . import language
from .externals import external_declarations
from .language import Unwritable, backticks, name, qualified, string
from .records import (
    Column,
    Constraint,
    Database,
    Grant,
    Index,
    Key,
    Policy,
    RawObject,
    Sequence,
    Table,
)
from .sql_blocks import literal, policy_sql, view_key

HEADER = """\
-- The schema of an existing database, written by `pgshift pull`. What the language does not
-- model is in sql blocks: check each one's down. `pgshift baseline VERSION` then records
-- this migration as applied to that database, after checking that it holds all of it.
"""
_SERIALS = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}
_TYPE_MAXIMUM = {"smallint": 32767, "integer": 2147483647, "bigint": 9223372036854775807}
_NEXTVAL = re.compile(r"nextval\('(.+)'::regclass\)")
# Each sql block was read from the database, not written by a person: the lint's reminder
# to check what a block does is for blocks people write.
_ALLOW_RAW = "-- pgshift: allow raw-sql (read from the database by pgshift pull)"
_ROUNDS = 200  # each round writes one more object as SQL, or names constraints


class PullError(Exception):
    """pgshift could not write a file that it reads back as the database: a bug."""


@dataclass
class Pulled:
    text: str
    warnings: list[str]
    counts: dict[str, int]


@dataclass
class _Choices:
    as_sql: dict[str, str] = field(default_factory=dict)  # object → why the language can't
    named: set[str] = field(default_factory=set)  # constraints written with their name


@dataclass
class _Lines:
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
        self.add(f'{_ALLOW_RAW}\nsql """\n{raw.up}\n""" down """\n{raw.down}\n"""', owner)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def write_migration(database: Database, file_name: str,
                    earlier: list[tuple[str, str]] | None = None,
                    history_table: Key = DEFAULT_HISTORY_TABLE) -> Pulled:
    """The migration text for `database`, checked by compiling it after `earlier` files
    (name, text) with `history_table` (the one the reading left out); and a warning for
    each object written as SQL or not written."""
    choices = _Choices()
    for _ in range(_ROUNDS):
        lines, skipped = _render(database, choices, renames=[])
        history = compile_texts([*(earlier or []), (file_name, lines.text)], history_table)
        if _refused(history, file_name, lines, choices) or _misnamed(database, history,
                                                                    choices):
            continue
        renames = _renames(database, history, choices)
        lines, skipped = _render(database, choices, renames)
        history = compile_texts([*(earlier or []), (file_name, lines.text)], history_table)
        if history.errors:
            raise PullError(f"pgshift wrote a migration it cannot compile: "
                            f"{history.errors[0].message}")
        return Pulled(lines.text, _warnings(database, choices, lines, skipped),
                      _counts(database, lines))
    raise PullError("pgshift could not write a migration that compiles as the database")


def _refused(history: History, file_name: str, lines: _Lines, choices: _Choices) -> bool:
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


def _misnamed(database: Database, history: History, choices: _Choices) -> bool:
    """Name each constraint that compiled under another name; false when none did."""
    progress = False
    for table in _modelled(database):
        compiled = history.model.tables.get(table.key)
        if compiled is None:
            continue
        for constraint in table.constraints:
            owner = _constraint_id(table, constraint)
            if (constraint.kind in "pucf" and not _as_sql(table, constraint, choices)
                    and constraint.name not in compiled.constraints):
                if owner in choices.named:
                    choices.as_sql[owner] = "it compiles under another name"
                else:
                    choices.named.add(owner)
                progress = True
    return progress


def _renames(database: Database, history: History, choices: _Choices) -> list[RawObject]:
    """The NOT NULL constraints and sequences that PostgreSQL named otherwise than it would
    name them for the compiled SQL: renamed after the tables."""
    renames = []
    for table in _modelled(database):
        compiled = history.model.tables.get(table.key)
        if compiled is None:
            continue
        target = _sql_name(table.key)
        for column in table.columns:
            model = compiled.columns.get(column.name)
            if model is None or _column_id(table, column) in choices.as_sql:
                continue
            if (column.not_null_name and model.not_null_name
                    and column.not_null_name != model.not_null_name):
                old, new = quote_ident(model.not_null_name), quote_ident(column.not_null_name)
                renames.append(RawObject(
                    "constraint name", f"{target}.{new}",
                    f"ALTER TABLE {target} RENAME CONSTRAINT {old} TO {new};",
                    f"ALTER TABLE {target} RENAME CONSTRAINT {new} TO {old};"))
            owned = _owned_sequence(database, table, column)
            if owned is not None and model.sequence and owned.name != model.sequence:
                old_key = _sql_name((table.schema, model.sequence))
                renames.append(RawObject(
                    "sequence name", _sql_name((owned.schema, owned.name)),
                    f"ALTER SEQUENCE {old_key} RENAME TO {quote_ident(owned.name)};",
                    f"ALTER SEQUENCE {_sql_name((owned.schema, owned.name))} RENAME TO"
                    f" {quote_ident(model.sequence)};"))
    return renames


# ---------------------------------------------------------------- the file, in order


def _render(database: Database, choices: _Choices,
            renames: list[RawObject]) -> tuple[_Lines, list[tuple[str, str]]]:
    lines = _Lines()
    skipped: list[tuple[str, str]] = []
    lines.add(HEADER, None)
    for raw in _raw(database, "first"):
        _schema(lines, raw, choices, skipped)
    for text, owner in external_declarations(database):
        if owner not in choices.as_sql:
            lines.blank()
            lines.add(text, owner)
    for role in _roles(database):
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
            lines.sql(RawObject("enum", owner, f"CREATE TYPE {_sql_name((enum.schema, enum.name))}"
                                f" AS ENUM ({labels});",
                                f"DROP TYPE {_sql_name((enum.schema, enum.name))};"), owner)
        else:
            lines.add(f"enum {qualified((enum.schema, enum.name))}"
                      f" ({', '.join(map(string, enum.labels))})", owner)
    for raw in _raw(database, "types"):
        _sql_or_skip(lines, raw, skipped)
    for sequence in database.sequences:
        if _standalone(database, sequence) and not _owned_in_language(database, sequence,
                                                                      choices):
            _sequence(lines, sequence, choices, owned=False)
    for raw in _raw(database, "before tables"):
        _sql_or_skip(lines, raw, skipped)
    later = _tables(lines, database, choices, skipped)
    for table, constraints in later:
        _added_later(lines, table, constraints, choices)
    for table in database.tables:
        if table.unmodelled and _partition_in_language(database, table):
            assert table.partition_of is not None
            assert table.partition_bound is not None
            lines.blank()
            lines.add(f"partition {qualified(table.key)} of {qualified(table.partition_of)}"
                      f" {_bound_in_language(table.partition_bound)}",
                      f"partition {_display(table.key)}")
    for index in database.indexes:
        if not index.on_view:
            _index(lines, database, index, choices, skipped)
    _comments(lines, database, choices)
    for sequence in database.sequences:
        if _standalone(database, sequence) and _owned_in_language(database, sequence,
                                                                  choices):
            _sequence(lines, sequence, choices, owned=True)
    for raw in [*renames, *_after_tables(database, choices)]:
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
    _security(lines, database, choices)
    _grants(lines, database, choices)
    for index in database.indexes:  # on materialized views, made just above
        if index.on_view:
            _index(lines, database, index, choices, skipped)
    return lines, skipped


def _tables(lines: _Lines, database: Database, choices: _Choices,
            skipped: list[tuple[str, str]]) -> list[tuple[Table, list[Constraint]]]:
    """Each table's block, then the SQL of what in it the language cannot say; return the
    constraints to add once every table exists (foreign keys forward, NOT VALID ones)."""
    later: list[tuple[Table, list[Constraint]]] = []
    written: set[Key] = {table.key for table in database.external_tables}
    for table in _in_reference_order(database):
        if table.unmodelled and _partition_in_language(database, table):
            continue
        if table.unmodelled:
            skipped.append((f"table {_display(table.key)}",
                            f"it is {table.unmodelled}, which the language does not model and"
                            " pull does not write: add it by hand, as a sql block"))
            continue
        written.add(table.key)
        deferred = [c for c in table.constraints if _deferred(c, written)]
        if deferred:
            later.append((table, deferred))
        _table(lines, database, table, choices, deferred)
    return later


def _added_later(lines: _Lines, table: Table, constraints: list[Constraint],
                 choices: _Choices) -> None:
    """One `alter table` adding a table's deferred constraints; SQL for those it cannot."""
    said = []
    for constraint in constraints:
        owner = _constraint_id(table, constraint)
        if _as_sql(table, constraint, choices):
            lines.sql(_add_constraint(table, constraint), owner)
            continue
        try:
            text = _table_constraint(table, constraint, named=True)
        except Unwritable as why:
            choices.as_sql[owner] = str(why)
            lines.sql(_add_constraint(table, constraint), owner)
            continue
        said.append((f"    add {text}{'' if constraint.validated else ' not valid'}", owner))
    if said:
        lines.blank()
        lines.add(f"alter table {qualified(table.key)} {{", said[0][1])
        for text, owner in said:
            lines.add(text, owner)
        lines.add("}", said[0][1])


def _table(lines: _Lines, database: Database, table: Table, choices: _Choices,
           deferred: list[Constraint]) -> None:
    owner = f"table {_display(table.key)}"
    inline = [c for c in table.constraints if c.kind in "pucf" and c not in deferred
              and not _as_sql(table, c, choices)]
    on_column = {id(c): c.columns[0] for c in inline if _on_column(table, c, choices)}
    columns = [c for c in table.columns if _column_id(table, c) not in choices.as_sql]
    width = min(max((len(name(c.name)) for c in columns), default=0), 24)
    lines.blank()
    lines.add(f"table {qualified(table.key)} {{", owner)
    for column in columns:
        mine = [c for c in inline if on_column.get(id(c)) == column.name]
        try:
            text = _column_line(database, table, column, mine, width)
        except Unwritable as why:
            choices.as_sql[_column_id(table, column)] = str(why)
            text = None
        if text is not None:
            lines.add(f"    {text}", _column_id(table, column))
    for constraint in inline:
        if id(constraint) in on_column:
            continue
        owner_id = _constraint_id(table, constraint)
        try:
            text = _table_constraint(table, constraint,
                                     named=owner_id in choices.named or not _default_name(
                                         table, constraint))
        except Unwritable as why:
            choices.as_sql[owner_id] = str(why)
            continue
        lines.add(f"    {text}", owner_id)
    lines.add("}" + (f" partition by {table.partition_by}" if table.partition_by else ""),
              owner)
    for column in table.columns:
        if _column_id(table, column) in choices.as_sql:
            lines.sql(_add_column(table, column), _column_id(table, column))
    for constraint in table.constraints:
        if constraint not in deferred and (_as_sql(table, constraint, choices) or (
                constraint.kind == "n" and not constraint.validated)):
            lines.sql(_add_constraint(table, constraint), _constraint_id(table, constraint))


def _column_line(database: Database, table: Table, column: Column,
                 constraints: list[Constraint], width: int) -> str:
    by_kind = {c.kind: c for c in constraints}
    foreign = by_kind.get("f")
    reference = None if foreign is None or foreign.references is None else (
        language.references(foreign.references, foreign.ref_columns, foreign.on_delete,
                            foreign.on_update))
    check = by_kind.get("c")
    type_name = _serial(database, table, column) or language.type_name(
        _extension_type(database, column.type))
    if _unvalidated_not_null(table, column) is not None:  # added NOT VALID, after the table
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


def _table_constraint(table: Table, constraint: Constraint, *, named: bool) -> str:
    columns = ", ".join(map(name, constraint.columns))
    if constraint.kind == "p":
        text = f"primary key ({columns})"
    elif constraint.kind == "u":
        distinct = "" if constraint.nulls_distinct else "nulls not distinct "
        text = f"unique {distinct}({columns})"
    elif constraint.kind == "c":
        text = f"check {language.backticks(language.unwrapped(constraint.expression or ''))}"
    else:
        assert constraint.references is not None
        text = f"foreign key ({columns}) " + language.references(
            constraint.references, constraint.ref_columns, constraint.on_delete,
            constraint.on_update)
    return f"constraint {name(constraint.name)} {text}" if named else text


def _index(lines: _Lines, database: Database, index: Index, choices: _Choices,
           skipped: list[tuple[str, str]]) -> None:
    owner = f"index {_display((index.schema, index.name))}"
    if not index.valid:
        skipped.append((owner, "it is INVALID (a failed concurrent build): rebuild or drop it"))
        return
    if _unmodelled_table(database, (index.schema, index.table)):
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
                        f"DROP INDEX {_sql_name((index.schema, index.name))};",
                        ), owner)


def _view_in_language(database: Database, choices: _Choices, key: Key) -> bool:
    """Is the materialized view `key` written in the language (so an index on it may be)?"""
    return any(raw.kind == "materialized view" and raw.language is not None
               and f"{raw.kind} {raw.name}" not in choices.as_sql
               and view_key(raw.name) == key for raw in database.raw)


def _comments(lines: _Lines, database: Database, choices: _Choices) -> None:
    """Comments on tables, columns and indexes, in the language or as SQL."""
    said: list[tuple[str, str, str, str]] = []  # (owner, language target, SQL target, text)
    for table in _modelled(database):
        if table.comment is not None:
            said.append((f"comment table {_display(table.key)}",
                         f"table {qualified(table.key)}", f"TABLE {_sql_name(table.key)}",
                         table.comment))
        for column in table.columns:
            if column.comment is not None:
                said.append((f"comment column {_display(table.key)}.{column.name}",
                             f"column {qualified(table.key)}.{name(column.name)}",
                             f"COLUMN {_sql_name(table.key)}.{quote_ident(column.name)}",
                             column.comment))
        for constraint in table.constraints:
            if constraint.comment is not None and constraint.kind != "n":
                target = f"CONSTRAINT {quote_ident(constraint.name)} ON {_sql_name(table.key)}"
                lines.sql(RawObject("comment", f"on constraint {_display(table.key)}."
                                    f"{constraint.name}",
                                    f"COMMENT ON {target} IS {literal(constraint.comment)};",
                                    f"COMMENT ON {target} IS NULL;"))
    for index in database.indexes:
        if index.comment is not None and index.valid and not _unmodelled_table(
                database, (index.schema, index.table)):
            said.append((f"comment index {_display((index.schema, index.name))}",
                         f"index {qualified((index.schema, index.name))}",
                         f"INDEX {_sql_name((index.schema, index.name))}", index.comment))
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


def _after_tables(database: Database, choices: _Choices) -> Iterator[RawObject]:
    """What the tables need once they exist: their sequences' settings and owners and their
    storage parameters (their row security is written in the language: _security)."""
    for sequence in database.sequences:
        if sequence.owner is None or (_standalone(database, sequence)
                                      and _owned_in_language(database, sequence, choices)):
            continue
        key = _sql_name((sequence.schema, sequence.name))
        if _standalone(database, sequence):
            owner_table, owner_column = sequence.owner
            yield RawObject("sequence owner", key,
                            f"ALTER SEQUENCE {key} OWNED BY"
                            f" {_sql_name((sequence.schema, owner_table))}."
                            f"{quote_ident(owner_column)};",
                            f"ALTER SEQUENCE {key} OWNED BY NONE;")
        elif _settings(sequence) != _settings(_fresh(sequence)):
            yield RawObject("sequence settings", key,
                            f"ALTER SEQUENCE {key}{_settings(sequence)};",
                            f"ALTER SEQUENCE {key}{_settings(_fresh(sequence))};")
    # A table that references another is made unlogged before it (PostgreSQL refuses an
    # unlogged table referenced by a logged one).
    for table in reversed(_in_reference_order(database)):
        if table.unlogged and not table.unmodelled:
            target = _sql_name(table.key)
            yield RawObject("unlogged table", target, f"ALTER TABLE {target} SET UNLOGGED;",
                            f"ALTER TABLE {target} SET LOGGED;")
    for table in _modelled(database):
        target = _sql_name(table.key)
        if table.options:
            keys = ", ".join(option.split("=", 1)[0] for option in table.options)
            yield RawObject("storage parameters", target,
                            f"ALTER TABLE {target} SET ({', '.join(table.options)});",
                            f"ALTER TABLE {target} RESET ({keys});")


def _roles(database: Database) -> list[str]:
    """The roles the policies and grants name, but PUBLIC: declared `external role`, as
    roles are the cluster's."""
    named = {role for policy in database.policies for role in policy.roles}
    named |= {grant.grantee for grant in database.grants}
    return sorted(named - {"public"})


_COMMANDS = {"*": "all", "r": "select", "a": "insert", "w": "update", "d": "delete"}


def _security(lines: _Lines, database: Database, choices: _Choices) -> None:
    """Each table's row-level security in the language, then its policies: after every
    object their expressions may use (functions, views)."""
    for table in _modelled(database):
        actions = [action for action, on in (("enable", table.row_security),
                                             ("force", table.force_row_security)) if on]
        if actions:
            lines.blank()
            lines.add(f"alter table {qualified(table.key)} {{\n"
                      + "".join(f"    {action} row level security\n" for action in actions)
                      + "}", f"row-level security {_display(table.key)}")
    modelled = {table.key for table in _modelled(database)}
    for policy in database.policies:
        owner = f"policy {policy.name} on {_display(policy.table_key)}"
        if policy.table_key not in modelled or owner in choices.as_sql:
            lines.sql(policy_sql(policy), owner)
            continue
        try:
            text = _policy(policy)
        except Unwritable as why:
            choices.as_sql[owner] = str(why)
            lines.sql(policy_sql(policy), owner)
            continue
        lines.blank()
        lines.add(text, owner)


# What PostgreSQL grants by itself (since 15), which the compiler's model starts from.
_BUILT_IN_GRANTS = {("schema", "public", "public"): ("usage",)}


def _grants(lines: _Lines, database: Database, choices: _Choices) -> None:
    """`grant` (and, against PostgreSQL's own grants, `revoke`) in the language; as SQL what
    it cannot say: a privilege it does not name, one held WITH GRANT OPTION, a grant on a
    table it does not write."""
    modelled = {table.key for table in _modelled(database)}
    said = {(g.kind, g.name, g.grantee) for g in database.grants}
    built_in = [Grant(kind, name, name, grantee, ())
                for (kind, name, grantee) in _BUILT_IN_GRANTS
                if name in database.schemas and (kind, name, grantee) not in said]
    for grant in [*database.grants, *built_in]:
        key = (grant.schema, grant.name)
        target = qualified(key) if grant.kind == "table" else f"schema {name(grant.name)}"
        sql_target = (f"TABLE {_sql_name(key)}" if grant.kind == "table"
                      else f"SCHEMA {quote_ident(grant.name)}")
        owner = f"grant on {grant.kind} {_display(key)} to {grant.grantee}"
        known = PRIVILEGES[grant.kind]
        default = _BUILT_IN_GRANTS.get((grant.kind, grant.name, grant.grantee), ())
        plain = [p for p in known if p in grant.privileges and p not in grant.grantable]
        said_in_sql = [p for p in grant.privileges if p not in plain]
        if (grant.kind == "table" and key not in modelled) or owner in choices.as_sql:
            said_in_sql, plain = list(grant.privileges), []
        to = "PUBLIC" if grant.grantee == "public" else quote_ident(grant.grantee)
        given = [p for p in plain if p not in default]
        taken = [p for p in default if p not in grant.privileges]
        role = name(grant.grantee)
        if given:
            lines.blank()
            lines.add(f"grant {', '.join(given)} on {target} to {role}", owner)
        if taken:
            lines.blank()
            lines.add(f"revoke {', '.join(taken)} on {target} from {role}", owner)
        plain_sql = [p for p in said_in_sql if p not in grant.grantable]
        for privileges, option in ((plain_sql, ""), (list(grant.grantable), " WITH GRANT OPTION")):
            if privileges:
                what = ", ".join(p.upper() for p in privileges)
                lines.sql(RawObject("grant", f"{what} on {_display(key)} to {grant.grantee}",
                                    f"GRANT {what} ON {sql_target} TO {to}{option};",
                                    f"REVOKE {what} ON {sql_target} FROM {to};"), owner)


def _policy(policy: Policy) -> str:
    text = f"policy {name(policy.name)} on {qualified(policy.table_key)}"
    if not policy.permissive:
        text += " as restrictive"
    if policy.command != "*":
        text += f" for {_COMMANDS[policy.command]}"
    if policy.roles != ("public",):
        text += " to " + ", ".join(name(role) for role in policy.roles)
    if policy.using is not None:
        text += f"\n    using {backticks(policy.using)}"
    if policy.check is not None:
        text += f"\n    with check {backticks(policy.check)}"
    return text


# ---------------------------------------------------------------- decisions


def _as_sql(table: Table, constraint: Constraint, choices: _Choices) -> bool:
    """A constraint the language cannot say: written as ALTER TABLE … ADD CONSTRAINT."""
    return _beyond_the_language(constraint) is not None or (
        constraint.kind in "pucf" and _constraint_id(table, constraint) in choices.as_sql)


def _beyond_the_language(constraint: Constraint) -> str | None:
    """What of a constraint the language has no words for; None when it has."""
    if constraint.kind == "x":
        return "exclusion constraints"
    if constraint.kind not in "pucf":
        return None
    reasons = [("DEFERRABLE", constraint.deferrable), ("MATCH FULL", constraint.match_full),
               ("NOT ENFORCED", not constraint.enforced),
               ("NO INHERIT", constraint.no_inherit and constraint.kind == "c"),
               ("ON DELETE SET NULL/DEFAULT (columns)", constraint.delete_set_columns),
               ("INCLUDE, WITH or a tablespace on its index", not constraint.plain_index)]
    found = [words for words, present in reasons if present]
    return " and ".join(found) if found else None


def _deferred(constraint: Constraint, written: set[Key]) -> bool:
    """Added after every table: NOT VALID, or a foreign key to a table not yet written."""
    if constraint.kind not in "cf":
        return False
    return not constraint.validated or (
        constraint.kind == "f" and constraint.references is not None
        and constraint.references not in written)


def _on_column(table: Table, constraint: Constraint, choices: _Choices) -> bool:
    """Written on its column's line: one column, and the name PostgreSQL would give it."""
    owner = _constraint_id(table, constraint)
    if len(constraint.columns) != 1 or owner in choices.named:
        return False
    if constraint.kind == "u" and not constraint.nulls_distinct:
        return False
    same_kind = [c for c in table.constraints if c.kind == constraint.kind
                 and c.columns == constraint.columns]
    return same_kind[0] is constraint and _default_name(table, constraint)


def _default_name(table: Table, constraint: Constraint) -> bool:
    """Is the constraint's name the one PostgreSQL (and the compiler) would choose?"""
    columns = column_addition(constraint.columns)
    expected = {
        "p": make_object_name(table.name, None, "pkey"),
        "u": make_object_name(table.name, columns, "key"),
        "f": make_object_name(table.name, columns, "fkey"),
        "c": make_object_name(table.name, constraint.columns[0] if len(
            constraint.columns) == 1 else None, "check"),
    }
    return expected.get(constraint.kind) == constraint.name


def _unvalidated_not_null(table: Table, column: Column) -> Constraint | None:
    """PostgreSQL 18's NOT NULL … NOT VALID, which the language cannot say."""
    return next((c for c in table.constraints if c.kind == "n" and not c.validated
                 and c.columns == (column.name,)), None)


def _serial(database: Database, table: Table, column: Column) -> str | None:
    """`serial` for a column whose default takes the next value of the sequence it owns,
    of its own type: what `serial` makes (its settings and name are set after)."""
    owned = _owned_sequence(database, table, column)
    if owned is None or owned.identity or column.default is None:
        return None
    match = _NEXTVAL.fullmatch(column.default)
    if match is None or owned.type != column.type or column.type not in _SERIALS:
        return None
    if match.group(1) not in (quote_ident(owned.name), _sql_name((owned.schema, owned.name))):
        return None
    return _SERIALS[column.type]


def _owned_sequence(database: Database, table: Table, column: Column) -> Sequence | None:
    return next((s for s in database.sequences if s.schema == table.schema
                 and s.owner == (table.name, column.name)), None)


def _standalone(database: Database, sequence: Sequence) -> bool:
    """A sequence that neither `serial` nor `identity` makes: created before the tables."""
    if sequence.identity:
        return False
    if sequence.owner is None:
        return True
    table = next((t for t in _modelled(database)
                  if t.key == (sequence.schema, sequence.owner[0])), None)
    column = None if table is None else next(
        (c for c in table.columns if c.name == sequence.owner[1]), None)
    return table is None or column is None or _serial(database, table, column) is None


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


# ---------------------------------------------------------------- SQL forms


def _sql_name(key: Key) -> str:
    return f"{quote_ident(key[0])}.{quote_ident(key[1])}"


def _display(key: Key) -> str:
    return f"{key[0]}.{key[1]}"


def _column_id(table: Table, column: Column) -> str:
    return f"column {_display(table.key)}.{column.name}"


def _constraint_id(table: Table, constraint: Constraint) -> str:
    return f"constraint {_display(table.key)}.{constraint.name}"


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
    target = _sql_name(table.key)
    return RawObject("column", f"{_display(table.key)}.{column.name}",
                     f"ALTER TABLE {target} ADD COLUMN {text};",
                     f"ALTER TABLE {target} DROP COLUMN {quote_ident(column.name)};")


def _add_constraint(table: Table, constraint: Constraint) -> RawObject:
    target = _sql_name(table.key)
    named = quote_ident(constraint.name)
    return RawObject("constraint", f"{_display(table.key)}.{constraint.name}",
                     f"ALTER TABLE {target} ADD CONSTRAINT {named} {constraint.definition};",
                     f"ALTER TABLE {target} DROP CONSTRAINT {named};")


def _sequence(lines: _Lines, sequence: Sequence, choices: _Choices, owned: bool) -> None:
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
    lines.add(text, owner)


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


def _owned_in_language(database: Database, sequence: Sequence, choices: _Choices) -> bool:
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
    key = _sql_name((sequence.schema, sequence.name))
    return RawObject("sequence", key, f"CREATE SEQUENCE {key} AS {sequence.type}"
                     f"{_settings(sequence)};", f"DROP SEQUENCE {key};", "before tables")


def _settings(sequence: Sequence) -> str:
    return (f" START WITH {sequence.start} INCREMENT BY {sequence.increment} MINVALUE"
            f" {sequence.minimum} MAXVALUE {sequence.maximum} CACHE {sequence.cache}"
            f" {'CYCLE' if sequence.cycle else 'NO CYCLE'}")


def _fresh(sequence: Sequence) -> Sequence:
    """The settings a new ascending sequence of the same type starts with."""
    return Sequence(sequence.schema, sequence.name, sequence.type, 1, 1, 1,
                    _TYPE_MAXIMUM.get(sequence.type, _TYPE_MAXIMUM["bigint"]), 1, False)


def _raw(database: Database, stage: str) -> list[RawObject]:
    return [raw for raw in database.raw if raw.stage == stage]


def _schema(lines: _Lines, raw: RawObject, choices: _Choices,
            skipped: list[tuple[str, str]]) -> None:
    """A schema in the language (`schema rag`); as SQL when it has a comment, which the
    language cannot write, or the compiler refused the statement."""
    owner = f"schema {raw.name}"
    if raw.kind != "schema" or "COMMENT ON" in raw.up or owner in choices.as_sql:
        _sql_or_skip(lines, raw, skipped)
        return
    unquoted = raw.name[1:-1].replace('""', '"') if raw.name.startswith('"') else raw.name
    lines.blank()
    lines.add(f"schema {name(unquoted)}", owner)


def _sql_or_skip(lines: _Lines, raw: RawObject, skipped: list[tuple[str, str]]) -> None:
    try:
        lines.sql(raw)
    except Unwritable as why:
        skipped.append((f"{raw.kind} {raw.name}", str(why)))


def _modelled(database: Database) -> list[Table]:
    return [t for t in database.tables if not t.unmodelled]


def _unmodelled_table(database: Database, key: Key) -> bool:
    return any(t.key == key and t.unmodelled for t in database.tables)


def _warnings(database: Database, choices: _Choices, lines: _Lines,
              skipped: list[tuple[str, str]]) -> list[str]:
    said = []
    for raw, owner in lines.blocks:
        if owner in choices.as_sql:
            continue
        beyond = next((_beyond_the_language(c) for t in database.tables for c in t.constraints
                       if _constraint_id(t, c) == owner), None)
        said.append(f"{raw.kind} {raw.name} is written as a sql block"
                    f"{f' (the language has no {beyond})' if beyond else ''}: check its down")
    said += [f"{owner} is written as SQL: {why}" for owner, why in choices.as_sql.items()]
    said += [f"{what} is not written: {why}" for what, why in [*database.skipped, *skipped]]
    return said


def _counts(database: Database, lines: _Lines) -> dict[str, int]:
    tables = _modelled(database)
    return {"table": len(tables), "index": sum(i.valid for i in database.indexes),
            "enum": len(database.enums), "extension": len(database.extensions),
            "sql block": lines.lines.count(_ALLOW_RAW)}

