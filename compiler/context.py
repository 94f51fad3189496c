"""What every step builder shares: the schema model, the diagnostics, and name resolution."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..dsl import ast
from ..dsl.diagnostics import Diagnostic, error, warning
from ..dsl.source import Span
from .model import (
    DEFAULT_SCHEMA,
    ColumnModel,
    ColumnType,
    EnumModel,
    IndexModel,
    Key,
    SchemaModel,
    TableModel,
)
from .naming import MAX_IDENTIFIER_BYTES
from .quoting import quote_ident, quote_literal, quote_qualified
from .sql_scan import parenthesised
from .statement import Statement

VECTOR_TYPES = frozenset({"vector", "halfvec", "sparsevec"})
EXTENSION_TYPES = {**dict.fromkeys(VECTOR_TYPES, "vector"), "citext": "citext"}
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
            if not self.schema_exists(name.schema):
                self.report("unknown-schema", f"schema '{name.schema}' does not exist: no"
                            " migration so far creates it; add `schema "
                            f"{quote_ident(name.schema)}` in this migration or an earlier one",
                            name.span)
        self.check_identifier(name.name, name.span, what)

    def schema_exists(self, schema: str) -> bool:
        """`public`, a schema a migration made, or the history table's, which exists before
        any migration runs (`pgshift up` needs it to create the table)."""
        return schema == DEFAULT_SCHEMA or schema in self.model.schemas or (
            self.history_table is not None and schema == self.history_table[0])

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

    def table(self, name: ast.QualifiedName) -> TableModel:
        table = self.model.tables.get(self.key(name))
        if table is None:
            known = [t.name for t in self.model.tables.values()]
            raise self.error("unknown-table",
                             f"unknown table '{name}'{self.hint(name.name, known)}", name.span)
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

    def enum(self, name: ast.QualifiedName) -> EnumModel:
        enum = self.model.enums.get(self.key(name))
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
            return ColumnType(written.name, written.modifiers, written.array_bounds)
        key = (written.schema or DEFAULT_SCHEMA, written.name)
        if key not in self.model.enums:
            known = [e.name for e in self.model.enums.values()]
            hint = self.hint(written.name, known)
            raise self.error("unknown-type",
                             f"unknown type '{written.name}': not a PostgreSQL type nor an enum"
                             f" declared so far{hint}", written.span)
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
