"""What every step builder shares: the schema model, the diagnostics, and name resolution."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..dsl import ast
from ..dsl.diagnostics import Diagnostic, error, warning
from ..dsl.source import Span
from ..runner.externals import External
from .model import (
    DEFAULT_SCHEMA,
    EXTENSION_TYPES,
    ColumnModel,
    ColumnType,
    ConstraintModel,
    EnumModel,
    IndexModel,
    Key,
    SchemaModel,
    SequenceModel,
    TableModel,
    extension_schema,
)
from .naming import MAX_IDENTIFIER_BYTES
from .quoting import quote_ident, quote_literal, quote_qualified
from .sql_scan import parenthesised
from .statement import Statement

# pgvector's storage limits (the index limits are in pgvector.py).
MAX_STORED_DIMENSIONS = {"vector": 16_000, "halfvec": 16_000, "sparsevec": 1_000_000_000}


class StepError(Exception):
    """Stops one statement after its diagnostic was recorded; the next statement goes on."""


@dataclass(slots=True)
class Step:
    """One change: the statements of its Up, those that undo it, and where it came from
    (its span, and the AST node the safety lint reads)."""

    up: list[Statement]
    down: list[Statement] | None
    source: Span
    irreversible_because: str | None = None
    node: object = None


@dataclass(slots=True, eq=False)
class ForwardKey:
    """A foreign key of a `table { }` to a table created further down the same migration
    (pg_dump's order: every table, then the keys): its table, its columns, and what it
    references, resolved and added once that table exists (tables.py)."""

    table: TableModel  # followed through a rename; one dropped meanwhile takes the key along
    constraint: ConstraintModel
    references: ast.References
    name: ast.Name | None
    span: Span


@dataclass(slots=True)
class Context:
    model: SchemaModel
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    added_enum_labels: dict[Key, set[str]] = field(default_factory=dict)
    created_enums: set[Key] = field(default_factory=set)
    # Tables this migration created (under their current names): changes to them cannot
    # disturb an application, which has never seen them.
    created_tables: set[Key] = field(default_factory=set)
    # pgshift's history table (schema, table), which no migration may make; None: unchecked
    history_table: Key | None = None
    # What this migration declares `external`, with the stand-in each gets in a scratch
    # database (compiler/externals.py); compile_migration sets where in Up each is made.
    externals: list[External] = field(default_factory=list)
    # How many `table { }` statements of this migration, not yet reached, create each key,
    # and the foreign keys waiting for one of them (ForwardKey).
    tables_to_come: dict[Key, int] = field(default_factory=dict)
    forward_keys: list[ForwardKey] = field(default_factory=list)
    # Existing tables this migration enabled row-level security on, with where: the lint
    # looks at their policies once the whole migration is folded (lint_security.py).
    row_security_enabled: list[tuple[TableModel, Span]] = field(default_factory=list)

    # ------------------------------------------------------------ reporting

    def error(self, code: str, message: str, span: Span) -> StepError:
        """Record an error and return the exception that abandons the current statement."""
        self.diagnostics.append(error(code, message, span))
        return StepError(message)

    def report(self, code: str, message: str, span: Span) -> None:
        self.diagnostics.append(error(code, message, span))

    def warn(self, code: str, message: str, span: Span) -> None:
        self.diagnostics.append(warning(code, message, span))

    # ------------------------------------------------------------ names

    def check_label(self, label: str, span: Span) -> None:
        size = len(label.encode())
        if size > MAX_IDENTIFIER_BYTES:
            self.report("identifier-too-long",
                        f"enum value '{label}' is {size} bytes long; PostgreSQL refuses labels"
                        f" longer than {MAX_IDENTIFIER_BYTES} bytes", span)

    def check_qualified(self, name: ast.QualifiedName, what: str) -> None:
        """A name for something this migration creates: in a schema that exists, and no
        longer than PostgreSQL keeps."""
        if name.schema is not None:
            self.check_identifier(name.schema, name.span, "schema name")
            if name.schema in self.model.external_schemas:
                self.report("external-object", f"schema '{name.schema}' is external: pgshift"
                            " makes nothing in what it does not own (drift leaves the whole"
                            " schema out); put the object in a schema of the migrations",
                            name.span)
            elif not self.schema_exists(name.schema):
                self.report("unknown-schema", f"schema '{name.schema}' does not exist: no"
                            " migration so far creates it; add `schema "
                            f"{quote_ident(name.schema)}` in this migration or an earlier one",
                            name.span)
        self.check_identifier(name.name, name.span, what)

    def schema_exists(self, schema: str) -> bool:
        """`public`, a schema a migration made, an external one, or the history table's,
        which exists before any migration runs (`pgshift up` needs it to create the
        table)."""
        return schema == DEFAULT_SCHEMA or schema in self.model.schemas or (
            schema in self.model.external_schemas) or (
            self.history_table is not None and schema == self.history_table[0])

    def external_object(self, subject: str, change: str, span: Span) -> StepError:
        """The error for a statement that would `change` an object declared `external`;
        `subject` says which (`table 'auth.users' is external`)."""
        return self.error("external-object", f"{subject}: pgshift does not {change} what the"
                          " migrations did not make (its declaration only tells the checks it"
                          " exists); change it where it is managed, or in a `sql` block", span)

    def check_identifier(self, name: str, span: Span, what: str = "name") -> None:
        size = len(name.encode())
        if size > MAX_IDENTIFIER_BYTES:
            self.report("identifier-too-long",
                        f"{what} '{name}' is {size} bytes long; PostgreSQL keeps only the first"
                        f" {MAX_IDENTIFIER_BYTES} and would silently truncate it", span)

    @staticmethod
    def key(name: ast.QualifiedName) -> Key:
        return (name.schema or DEFAULT_SCHEMA, name.name)

    @staticmethod
    def hint(name: str, candidates: Iterable[str]) -> str:
        close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
        return f"; did you mean '{close[0]}'?" if close else ""

    def table(self, name: ast.QualifiedName, change: str | None = None) -> TableModel:
        """The table `name`; `change` says what the statement does to it (drop, alter, …),
        which an external table refuses."""
        table = self.model.tables.get(self.key(name))
        if table is None:
            known = [t.name for t in self.model.tables.values()]
            hint = self.hint(name.name, known)
            if not hint and change is None and name.schema is not None and (
                    not self.schema_exists(name.schema)):  # a reference to `auth.users`?
                hint = (f"; schema '{name.schema}' is not the migrations' either: a table made"
                        f" outside them is declared with `external table {name} {{ … }}`")
            raise self.error("unknown-table", f"unknown table '{name}'{hint}", name.span)
        if change is not None and table.key in self.model.external_tables:
            raise self.external_object(f"table '{name}' is external", change, name.span)
        return table

    def column(self, table: TableModel, name: ast.Name) -> ColumnModel:
        column = table.columns.get(name.value)
        if column is None:
            raise self.error(
                "unknown-column",
                f"table '{table.name}' has no column '{name.value}'"
                f"{self.hint(name.value, table.columns)}", name.span)
        return column

    def columns(self, table: TableModel, names: Iterable[ast.Name]) -> tuple[str, ...]:
        return tuple(self.column(table, n).name for n in names)

    def index(self, name: ast.QualifiedName) -> IndexModel:
        index = self.model.indexes.get(self.key(name))
        if index is None and self.key(name)[0] in self.model.external_schemas:
            raise self.external_object(f"index '{name}' is in external schema"
                                       f" '{self.key(name)[0]}'", "change", name.span)
        if index is None:
            constraint = self.constraint_index(self.key(name))
            if constraint is not None:
                raise self.error(
                    "constraint-index",
                    f"index '{name}' belongs to constraint '{constraint}' of its table: drop or"
                    " rename the constraint instead", name.span)
            known = [i.name for i in self.model.indexes.values()]
            raise self.error("unknown-index",
                             f"unknown index '{name}'{self.hint(name.name, known)}", name.span)
        return index

    def constraint_index(self, key: Key) -> str | None:
        return key[1] if self.model.owned_relations.get(key) == "constraint" else None

    def constraint_name_taken(self, schema: str, name: str) -> bool:
        return self.model.constraint_taken(schema, name)

    def sequence(self, name: ast.QualifiedName, owned: str) -> SequenceModel:
        """The standalone sequence `name`; `owned` says why a serial or identity column's
        sequence, which the model keeps with its column, will not do."""
        key = self.key(name)
        sequence = self.model.sequences.get(key)
        if sequence is None:
            if self.model.owned_relations.get(key) == "sequence":
                raise self.error("unknown-sequence", f"sequence '{name}' belongs to a serial or"
                                 f" identity column{owned}", name.span)
            known = [k[1] for k in self.model.sequences]
            raise self.error("unknown-sequence", f"unknown sequence '{name}'"
                             f"{self.hint(name.name, known)}", name.span)
        return sequence

    def enum(self, name: ast.QualifiedName, change: str = "change") -> EnumModel:
        """The enum `name`, which the statement will `change`: an external one refuses."""
        enum = self.model.enums.get(self.key(name))
        if (enum is not None and enum.external) or self.key(name) in self.model.external_types:
            kind = "type" if enum is None else "enum"
            raise self.external_object(f"{kind} '{name}' is external", change, name.span)
        if enum is None:
            known = [e.name for e in self.model.enums.values()]
            raise self.error("unknown-enum",
                             f"unknown enum '{name}'{self.hint(name.name, known)}", name.span)
        return enum

    # ------------------------------------------------------------ types and values

    def column_type(self, written: ast.TypeName) -> ColumnType:
        if written.builtin:
            extension = EXTENSION_TYPES.get(written.name)
            if extension is not None and extension not in self.model.extensions:
                origin = "pgvector" if extension == "vector" else f"the {extension} extension"
                self.report("extension-required",
                            f"type '{written.name}' comes from {origin}: add"
                            f" `extension {extension}` in this or an earlier migration",
                            written.span)
            self._check_dimension(written)
            schema = extension_schema(self.model, extension) if extension else None
            return ColumnType(written.name, written.modifiers, written.array_bounds, schema)
        key = (written.schema or DEFAULT_SCHEMA, written.name)
        if key not in self.model.enums and key not in self.model.external_types:
            known = [e.name for e in self.model.enums.values()]
            hint = self.hint(written.name, known)
            raise self.error("unknown-type",
                             f"unknown type '{written.name}': not a PostgreSQL type nor an enum"
                             f" or `external type` declared so far{hint}", written.span)
        return ColumnType(written.name, (), written.array_bounds, key[0], builtin=False)

    def _check_dimension(self, written: ast.TypeName) -> None:
        limit = MAX_STORED_DIMENSIONS.get(written.name)
        if limit is not None and written.modifiers and written.modifiers[0] > limit:
            self.report("vector-dimension",
                        f"{written.name} has at most {limit:,} dimensions, not"
                        f" {written.modifiers[0]:,}", written.span)

    def expression_sql(self, value: ast.Expression, wrap_raw: bool = True) -> str:
        if isinstance(value, ast.Literal):
            if value.kind == "string":
                return quote_literal(value.value)
            if value.kind == "null":
                return "NULL"
            return value.value
        if isinstance(value, ast.SpecialValue):
            return value.name.upper()
        if isinstance(value, ast.FunctionCall):
            arguments = ", ".join(self.expression_sql(a) for a in value.arguments)
            return f"{quote_qualified(value.name.name, value.name.schema)}({arguments})"
        sql = value.sql.strip()
        if not wrap_raw or parenthesised(sql):
            return sql
        return f"({sql})"
