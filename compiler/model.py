"""The schema model: what the database holds after each migration, folded in version order.

The analyzer checks each statement against this model and reads from it what a drop or
an alter destroys, so Down can rebuild it. Values here are already SQL text where SQL is
what they become (defaults, check expressions), and plain names everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DEFAULT_SCHEMA = "public"

Key = tuple[str, str]  # (schema, name)


@dataclass(frozen=True, slots=True)
class ColumnType:
    """A type as PostgreSQL spells it; `builtin` is false for enums and other user types."""

    name: str
    modifiers: tuple[int, ...] = ()
    array_bounds: tuple[int | None, ...] = ()
    schema: str | None = None
    builtin: bool = True

    @property
    def base(self) -> str:
        """The type a foreign key compares: serial types are their integer types."""
        return {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}.get(
            self.name, self.name)


@dataclass(slots=True)
class ColumnModel:
    name: str
    type: ColumnType
    not_null: bool = False
    default: str | None = None
    identity: Literal["always", "by default"] | None = None
    generated: str | None = None
    collation: str | None = None
    comment: str | None = None


ConstraintKind = Literal["primary key", "unique", "check", "foreign key"]


@dataclass(slots=True)
class ConstraintModel:
    name: str
    kind: ConstraintKind
    columns: tuple[str, ...] = ()
    expression: str | None = None
    nulls_distinct: bool = True
    ref_table: Key | None = None
    ref_columns: tuple[str, ...] = ()
    on_delete: str | None = None
    on_update: str | None = None
    comment: str | None = None


@dataclass(slots=True)
class TableModel:
    schema: str
    name: str
    columns: dict[str, ColumnModel] = field(default_factory=dict)
    constraints: dict[str, ConstraintModel] = field(default_factory=dict)
    comment: str | None = None

    @property
    def key(self) -> Key:
        return (self.schema, self.name)

    @property
    def primary_key(self) -> ConstraintModel | None:
        return next((c for c in self.constraints.values() if c.kind == "primary key"), None)


@dataclass(frozen=True, slots=True)
class IndexElementModel:
    column: str | None
    expression: str | None
    opclass: str | None = None
    descending: bool | None = None
    nulls_first: bool | None = None


@dataclass(slots=True)
class IndexModel:
    schema: str
    name: str
    table: str
    unique: bool = False
    method: str | None = None
    elements: tuple[IndexElementModel, ...] = ()
    include: tuple[str, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()
    where: str | None = None
    comment: str | None = None

    @property
    def table_key(self) -> Key:
        return (self.schema, self.table)


@dataclass(slots=True)
class EnumModel:
    schema: str
    name: str
    labels: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SchemaModel:
    extensions: set[str] = field(default_factory=set)
    enums: dict[Key, EnumModel] = field(default_factory=dict)
    tables: dict[Key, TableModel] = field(default_factory=dict)
    indexes: dict[Key, IndexModel] = field(default_factory=dict)

    def relation_taken(self, schema: str, name: str) -> bool:
        """Is `name` used in the schema's one namespace for tables, indexes and sequences?"""
        if (schema, name) in self.tables or (schema, name) in self.indexes:
            return True
        for table in self.tables.values():
            if table.schema != schema:
                continue
            for constraint in table.constraints.values():
                if constraint.kind in ("primary key", "unique") and constraint.name == name:
                    return True
            for column in table.columns.values():
                if owns_sequence(column) and sequence_name(table, column) == name:
                    return True
        return False

    def indexes_of(self, key: Key) -> list[IndexModel]:
        return [index for index in self.indexes.values() if index.table_key == key]

    def references_to(self, key: Key) -> list[tuple[TableModel, ConstraintModel]]:
        """Foreign keys in other tables that point at table `key`."""
        return [
            (table, constraint)
            for table in self.tables.values()
            if table.key != key
            for constraint in table.constraints.values()
            if constraint.kind == "foreign key" and constraint.ref_table == key
        ]


def owns_sequence(column: ColumnModel) -> bool:
    return column.identity is not None or column.type.name in (
        "serial", "bigserial", "smallserial")


def sequence_name(table: TableModel, column: ColumnModel) -> str:
    from .naming import make_object_name

    return make_object_name(table.name, column.name, "seq")
