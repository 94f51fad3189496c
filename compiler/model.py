"""The schema model: what the database holds after each migration, folded in version order.

The classes have no __slots__ on purpose: the compile cache pickles every table and index,
and pickle copies an instance __dict__ in C but walks slots field by field in Python. It
keeps them object by object (stored_map.py), so the model's cross-references hold keys.

The analyzer checks each statement against this model and reads from it what a drop or
an alter destroys, so Down can rebuild it. Values here are already SQL text where SQL is
what they become (defaults, check expressions), and plain names everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..runner.index_build import IndexBuild
from .model_routines import FunctionKey, FunctionModel, TriggerModel
from .model_security import PolicyModel
from .stored_map import StoredMap

DEFAULT_SCHEMA = "public"

Key = tuple[str, str]  # (schema, name)


@dataclass(frozen=True)
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


@dataclass
class ColumnModel:
    name: str
    type: ColumnType
    not_null: bool = False
    default: str | None = None
    identity: Literal["always", "by default"] | None = None
    generated: str | None = None
    collation: str | None = None
    comment: str | None = None
    sequence: str | None = None  # named once, when created: PostgreSQL never renames it
    sequence_type: str | None = None  # the sequence's own type: an altered column keeps it
    not_null_name: str | None = None  # PostgreSQL 18 names NOT NULL once, when it is set


ConstraintKind = Literal["primary key", "unique", "check", "foreign key"]


@dataclass
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
    validated: bool = True  # false for a check or foreign key added `not valid`


@dataclass
class TableModel:
    schema: str
    name: str
    columns: dict[str, ColumnModel] = field(default_factory=dict)
    constraints: dict[str, ConstraintModel] = field(default_factory=dict)
    comment: str | None = None
    # Row-level security (compiler/security.py): ENABLE and FORCE, and the policies by name.
    row_security: bool = False
    force_row_security: bool = False
    policies: dict[str, PolicyModel] = field(default_factory=dict)
    # GRANTs the migrations made: role → privileges, in PostgreSQL's order (security.py);
    # on the sequences of its serial and identity columns, by the sequence's name
    grants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sequence_grants: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # `partition by`: the strategy (range, list, hash) and the key's columns (partitions.py)
    partition_by: tuple[str, tuple[str, ...]] | None = None

    @property
    def key(self) -> Key:
        return (self.schema, self.name)

    @property
    def primary_key(self) -> ConstraintModel | None:
        return next((c for c in self.constraints.values() if c.kind == "primary key"), None)


@dataclass(frozen=True)
class IndexElementModel:
    column: str | None
    expression: str | None
    opclass: str | None = None
    descending: bool | None = None
    nulls_first: bool | None = None


@dataclass
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
    build: IndexBuild | None = None  # what its build needs: memory, workers

    @property
    def table_key(self) -> Key:
        return (self.schema, self.table)


@dataclass
class EnumModel:
    schema: str
    name: str
    labels: list[str] = field(default_factory=list)
    external: bool = False  # declared `external`: usable as a type, never changed


@dataclass
class ViewModel:
    """A view or materialized view: its query as written, and what it reads (view_query.py),
    so that Down can restore a replaced or dropped one and a change under it is refused."""

    schema: str
    name: str
    query: str
    materialized: bool = False
    populated: bool = True  # a materialized view made `with no data` is not, until refreshed
    # Each relation the query reads → the columns of it the query names.
    reads: dict[Key, frozenset[str]] = field(default_factory=dict)
    # The columns it returns (view_query.py), with a table column's type where one is
    # returned as it is: what an index on a materialized view may name.
    columns: dict[str, ColumnType | None] = field(default_factory=dict)
    # Its options as pg_class.reloptions keeps them (check_option too), sorted by name:
    # DROP and CREATE would lose them, and its comment, so both are made again with it.
    options: dict[str, str] = field(default_factory=dict)
    comment: str | None = None
    grants: dict[str, tuple[str, ...]] = field(default_factory=dict)  # as a table's

    @property
    def key(self) -> Key:
        return (self.schema, self.name)

    @property
    def kind(self) -> str:
        return "materialized view" if self.materialized else "view"


@dataclass
class SequenceModel:
    """A standalone sequence (`sequence NAME …`): each option as written, None where
    PostgreSQL's default holds; `owned_by` is the (schema, table) and column it goes with."""

    schema: str
    name: str
    type: str | None = None
    increment: int | None = None
    start: int | None = None
    minvalue: int | None = None
    maxvalue: int | None = None
    cache: int | None = None
    cycle: bool = False
    owned_by: tuple[Key, str] | None = None
    comment: str | None = None
    grants: dict[str, tuple[str, ...]] = field(default_factory=dict)  # as a table's

    @property
    def key(self) -> Key:
        return (self.schema, self.name)


@dataclass
class PartitionModel:
    """A partition: its columns are its parent's; `bound` is the SQL after the parent's name
    (`FOR VALUES …`, `DEFAULT`). An attached table keeps what a partition made `of` its
    parent would not have (its names, defaults, NOT NULLs, checks: partition_tables.py)."""

    schema: str
    name: str
    parent: Key
    bound: str
    names: dict[str, str] = field(default_factory=dict)  # parent's index/key name → its own
    defaults: dict[str, str | None] = field(default_factory=dict)  # column → own default
    not_null: dict[str, str | None] = field(default_factory=dict)  # column → own NOT NULL
    checks: dict[str, ConstraintModel] = field(default_factory=dict)

    @property
    def key(self) -> Key:
        return (self.schema, self.name)


@dataclass
class SchemaModel:
    """Schemas, tables, indexes, enums and extensions, with name indexes kept in step by the
    attach/detach methods so that every name check is a lookup, however long the history.

    Tables and indexes are reached only through `tables` and `indexes`, by key: the
    indexes below hold keys and names, never objects, so an object no lookup handed out is
    one no migration changed (what lets the compile cache reuse its SQL).
    """

    schemas: set[str] = field(default_factory=set)  # made by migrations; `public` always is
    # Declared `external`, or holding an external table, enum or type and made by no
    # migration: they exist, and no migration makes, changes or drops anything in them.
    external_schemas: set[str] = field(default_factory=set)
    external_tables: set[Key] = field(default_factory=set)  # in `tables` as well
    external_types: set[Key] = field(default_factory=set)  # `external type`: names only
    # Functions by (schema, name, argument types); triggers by their table, then name.
    functions: dict[FunctionKey, FunctionModel] = field(default_factory=dict)
    triggers: dict[Key, dict[str, TriggerModel]] = field(default_factory=dict)
    external_roles: set[str] = field(default_factory=set)  # `external role`: the cluster's
    # GRANTs on schemas: schema → role → privileges (security.py), from PostgreSQL's own
    # on `public` (since PostgreSQL 15: USAGE for PUBLIC, CREATE for nobody but its owner)
    schema_grants: dict[str, dict[str, tuple[str, ...]]] = field(
        default_factory=lambda: {DEFAULT_SCHEMA: {"public": ("usage",)}})
    # `comment on schema`: schema → its comment (`public` comes with PostgreSQL's own).
    schema_comments: dict[str, str] = field(
        default_factory=lambda: {DEFAULT_SCHEMA: "standard public schema"})
    extensions: dict[str, str] = field(default_factory=dict)  # name → the schema it is in
    enums: dict[Key, EnumModel] = field(default_factory=dict)
    tables: StoredMap[Key, TableModel] = field(default_factory=StoredMap)
    indexes: StoredMap[Key, IndexModel] = field(default_factory=StoredMap)
    # Relation names owned by something other than a table or index: the indexes behind
    # primary keys and unique constraints, and the sequences of serial/identity columns.
    owned_relations: dict[Key, str] = field(default_factory=dict)
    constraint_names: dict[Key, int] = field(default_factory=dict)
    table_indexes: dict[Key, list[str]] = field(default_factory=dict)  # table → index names
    # table → the foreign keys pointing at it, as (referencing table, constraint name)
    referencing: dict[Key, list[tuple[Key, str]]] = field(default_factory=dict)
    # Standalone sequences (`sequence NAME`), also in `owned_relations` as "sequence".
    sequences: dict[Key, SequenceModel] = field(default_factory=dict)
    # Partitions, also in `owned_relations` as "partition".
    partitions: dict[Key, PartitionModel] = field(default_factory=dict)
    views: dict[Key, ViewModel] = field(default_factory=dict)  # and materialized views

    def relation_taken(self, schema: str, name: str) -> bool:
        """Is `name` used in the schema's one namespace for tables, indexes and sequences?"""
        key = (schema, name)
        return key in self.tables or key in self.indexes or key in self.owned_relations or (
            key in self.views)

    def type_taken(self, schema: str, name: str) -> bool:
        """Is `name` a type of the schema: an enum, or the row type of a table or sequence?"""
        key = (schema, name)
        return key in self.enums or key in self.tables or key in self.external_types or (
            self.owned_relations.get(key) == "sequence") or key in self.views

    def views_reading(self, key: Key, column: str | None = None) -> list[ViewModel]:
        """The views that read relation `key` (its column `column`, if given)."""
        return [view for view in self.views.values() if key in view.reads and (
            column is None or column in view.reads[key])]

    def constraint_taken(self, schema: str, name: str) -> bool:
        return self.constraint_names.get((schema, name), 0) > 0

    def attach_table(self, table: TableModel) -> None:
        self.tables[table.key] = table
        for column in table.columns.values():
            self.attach_column(table, column)
        for constraint in table.constraints.values():
            self._claim_constraint(table, constraint)

    def detach_table(self, table: TableModel) -> None:
        for constraint in list(table.constraints.values()):
            self.detach_constraint(table, constraint.name)
        for column in list(table.columns.values()):
            self.detach_column(table, column.name)
        del self.tables[table.key]

    def attach_column(self, table: TableModel, column: ColumnModel) -> None:
        table.columns[column.name] = column
        if column.sequence is not None:
            self.owned_relations[(table.schema, column.sequence)] = "sequence"

    def detach_column(self, table: TableModel, name: str) -> None:
        column = table.columns.pop(name)
        if column.sequence is not None:
            self.owned_relations.pop((table.schema, column.sequence), None)

    def rename_table(self, table: TableModel, new: str) -> None:
        """Rename in place: its indexes, its own foreign keys' entries and the foreign keys
        that point at it follow."""
        old = table.key
        del self.tables[old]
        table.name = new
        self.tables[table.key] = table
        for constraint in table.constraints.values():
            if constraint.ref_table is not None:
                pointing = self.referencing[constraint.ref_table]
                pointing[pointing.index((old, constraint.name))] = (table.key, constraint.name)
        names = self.table_indexes.pop(old, [])
        for name in names:
            self.indexes[(table.schema, name)].table = new
        if names:
            self.table_indexes[table.key] = names
        for partition in self.partitions.values():
            if partition.parent == old:
                partition.parent = table.key
        for sequence in self.sequences.values():
            if sequence.owned_by is not None and sequence.owned_by[0] == old:
                sequence.owned_by = (table.key, sequence.owned_by[1])
        referencing = self.referencing.pop(old, [])
        for referrer, name in referencing:
            self.tables[referrer].constraints[name].ref_table = table.key
        if referencing:
            self.referencing[table.key] = referencing
        if old in self.triggers:
            self.triggers[table.key] = self.triggers.pop(old)

    def attach_index(self, index: IndexModel) -> None:
        self.indexes[(index.schema, index.name)] = index
        self.table_indexes.setdefault(index.table_key, []).append(index.name)

    def detach_index(self, index: IndexModel) -> None:
        del self.indexes[(index.schema, index.name)]
        names = self.table_indexes.get(index.table_key, [])
        if index.name in names:
            names.remove(index.name)

    def attach_constraint(self, table: TableModel, constraint: ConstraintModel) -> None:
        table.constraints[constraint.name] = constraint
        self._claim_constraint(table, constraint)

    def _claim_constraint(self, table: TableModel, constraint: ConstraintModel) -> None:
        key = (table.schema, constraint.name)
        self.constraint_names[key] = self.constraint_names.get(key, 0) + 1
        if constraint.kind in ("primary key", "unique"):
            self.owned_relations[key] = "constraint"
        if constraint.ref_table is not None:
            self.referencing.setdefault(constraint.ref_table, []).append(
                (table.key, constraint.name))

    def detach_constraint(self, table: TableModel, name: str) -> ConstraintModel:
        constraint = table.constraints.pop(name)
        key = (table.schema, name)
        left = self.constraint_names.get(key, 0) - 1
        if left > 0:
            self.constraint_names[key] = left
        else:
            self.constraint_names.pop(key, None)
        if constraint.kind in ("primary key", "unique"):
            self.owned_relations.pop(key, None)
        if constraint.ref_table is not None:
            pointing = self.referencing.get(constraint.ref_table, [])
            pointing[:] = [pair for pair in pointing if pair != (table.key, name)]
        return constraint

    def indexes_of(self, key: Key) -> list[IndexModel]:
        return [self.indexes[(key[0], name)] for name in self.table_indexes.get(key, [])]

    def references_to(self, key: Key,
                      include_self: bool = False) -> list[tuple[TableModel, ConstraintModel]]:
        """Foreign keys that point at table `key` (from other tables, or any table)."""
        found = []
        for referrer, name in self.referencing.get(key, []):
            if include_self or referrer != key:
                table = self.tables[referrer]
                found.append((table, table.constraints[name]))
        return found


SERIAL_TYPES = {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}
VECTOR_TYPES = frozenset({"vector", "halfvec", "sparsevec"})
# Types the language knows by name that an extension makes, in the extension's schema.
EXTENSION_TYPES = {**dict.fromkeys(VECTOR_TYPES, "vector"), "citext": "citext"}


def extension_schema(model: SchemaModel, extension: str) -> str | None:
    """Where an extension's objects are named from in SQL: None in `public` (written
    unqualified, as always), else its schema."""
    schema = model.extensions.get(extension, DEFAULT_SCHEMA)
    return None if schema == DEFAULT_SCHEMA else schema


def owns_sequence(column: ColumnModel) -> bool:
    return column.identity is not None or column.type.name in (
        "serial", "bigserial", "smallserial")
