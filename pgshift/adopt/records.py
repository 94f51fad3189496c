"""What `pgshift pull` reads from a live database: plain records, in PostgreSQL's words.

Expressions (defaults, checks, index keys and predicates) and types are kept as the server
deparses them (`pg_get_expr`, `format_type`), because writing that text back makes the
server deparse it the same way again: the round trip is exact by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Key = tuple[str, str]  # (schema, name)


@dataclass(frozen=True, slots=True)
class Extension:
    name: str
    schema: str


@dataclass(frozen=True, slots=True)
class Enum:
    schema: str
    name: str
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sequence:
    """A sequence's settings; `owner` is the (table, column) it belongs to, if any, and
    `identity` whether that column is an identity column (else: serial, or OWNED BY)."""

    schema: str
    name: str
    type: str
    start: int
    increment: int
    minimum: int
    maximum: int
    cache: int
    cycle: bool
    owner: tuple[str, str] | None = None
    identity: bool = False
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # format_type: `character varying(20)`, `vector(1536)`, `rag.status[]`
    type_kind: str  # pg_type.typtype of the element type: b base, e enum, d domain, …
    not_null: bool
    not_null_name: str | None  # PostgreSQL 18 names each NOT NULL
    default: str | None
    identity: str  # '', 'a' always, 'd' by default
    generated: str  # '', 's' stored, 'v' virtual
    collation: Key | None  # when it is not the type's own
    comment: str | None


@dataclass(frozen=True, slots=True)
class Constraint:
    name: str
    kind: str  # pg_constraint.contype: p u c f x n t
    columns: tuple[str, ...]
    definition: str  # pg_get_constraintdef
    expression: str | None = None  # a check's, as pg_get_expr prints it
    references: Key | None = None
    ref_columns: tuple[str, ...] = ()
    on_delete: str = "a"  # confdeltype: a no action, r restrict, c cascade, n null, d default
    on_update: str = "a"
    match_full: bool = False
    deferrable: bool = False
    validated: bool = True
    no_inherit: bool = False
    enforced: bool = True
    nulls_distinct: bool = True
    plain_index: bool = True  # its index has no INCLUDE, WITH or tablespace of its own
    delete_set_columns: bool = False  # ON DELETE SET NULL (col, …)
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class IndexKey:
    column: str | None  # a column, or
    expression: str | None  # an expression as pg_get_indexdef prints that key
    opclass: Key | None  # only when it is not the type's default
    descending: bool
    nulls_first: bool
    own_collation: bool  # a COLLATE of the index's own, which the language cannot write
    opclass_options: bool


@dataclass(frozen=True, slots=True)
class Index:
    schema: str
    name: str
    table: str
    unique: bool
    method: str
    keys: tuple[IndexKey, ...]
    include: tuple[str, ...]
    parameters: tuple[tuple[str, str], ...]
    predicate: str | None
    nulls_distinct: bool
    valid: bool
    definition: str  # pg_get_indexdef
    comment: str | None
    on_view: bool = False  # an index on a materialized view


@dataclass(slots=True)
class Table:
    schema: str
    name: str
    columns: list[Column] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    comment: str | None = None
    options: tuple[str, ...] = ()  # reloptions: fillfactor=70, …
    row_security: bool = False
    force_row_security: bool = False
    unlogged: bool = False
    unmodelled: str | None = None  # why the language cannot write it (partitioned, …)
    # `partition by` as the language writes it (`range (created_at)`), for a partitioned
    # table whose key is plain columns; for a partition that holds nothing of its own (its
    # columns, constraints and indexes all its parent's): its parent and its bound's SQL
    partition_by: str | None = None
    partition_of: tuple[str, str] | None = None
    partition_bound: str | None = None

    @property
    def key(self) -> Key:
        return (self.schema, self.name)


@dataclass(frozen=True, slots=True)
class Policy:
    """A row-level security policy: roles by name ("public" for PUBLIC), expressions as the
    server deparses them (pg_get_expr), the command as pg_policy.polcmd spells it."""

    schema: str
    table: str
    name: str
    permissive: bool
    command: str  # "*", "r", "a", "w", "d"
    roles: tuple[str, ...]
    using: str | None
    check: str | None

    @property
    def table_key(self) -> Key:
        return (self.schema, self.table)


@dataclass(frozen=True, slots=True)
class Grant:
    """What one role (or "public") was granted on a table (a view), a schema, a sequence or
    a function, but its owner's: privileges in lower case as aclexplode names them, those
    held WITH GRANT OPTION apart; a function's argument types as format_type spells them."""

    kind: str  # "table", "schema", "sequence" or "function"
    schema: str
    name: str  # the object's; the schema's for a schema
    grantee: str
    privileges: tuple[str, ...]
    grantable: tuple[str, ...] = ()
    arguments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RawObject:
    """Something the language does not model, as SQL that makes it and SQL that removes it.

    `stage` places it among the language's statements: "first" (schemas), "types" (after
    extensions and enums: domains, composite types), "before tables" (functions the
    tables use), "after tables" (everything else, after the indexes)."""

    kind: str  # "function", "view", "trigger", …, as a warning names it
    name: str
    up: str
    down: str
    stage: str = "after tables"
    # The same object as a statement of the language, where it has one (a view): written
    # instead of the SQL unless the compiler refuses it.
    language: str | None = None


@dataclass(slots=True)
class Database:
    schemas: list[str]
    extensions: list[Extension] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)
    sequences: list[Sequence] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    raw: list[RawObject] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (object, why)
    # Outside the pulled schemas, used by them: written as `external` (adopt/externals.py)
    external_tables: list[Table] = field(default_factory=list)
    external_enums: list[Enum] = field(default_factory=list)
    # (schema, name) of trigger functions outside them that their triggers execute
    external_trigger_functions: list[Key] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.extensions or self.enums or self.sequences or self.tables
                    or self.raw or self.policies or self.skipped)
