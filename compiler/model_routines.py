"""The model's functions and triggers (SchemaModel.functions, SchemaModel.triggers).

A function (or procedure, in the same namespace) is known by its schema, name and input
argument types (`in`, `inout`, `variadic`: not `out`), as PostgreSQL knows it (overloads
are different functions). A trigger belongs to its table or view: the model keeps them by
the relation's key, then by name, so a rename of the table moves them with it."""

from __future__ import annotations

from dataclasses import dataclass, field

Key = tuple[str, str]
# What PostgreSQL grants on a new function by itself.
DEFAULT_GRANTS: dict[str, tuple[str, ...]] = {"public": ("execute",)}
# (schema, name, argument types as PostgreSQL spells them)
FunctionKey = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True)
class ArgumentModel:
    name: str
    type: str  # SQL, as in the signature
    default: str | None = None  # SQL
    mode: str = "in"  # in, out, inout, variadic

    @property
    def is_input(self) -> bool:
        return self.mode != "out"


@dataclass
class FunctionModel:
    schema: str
    name: str
    arguments: tuple[ArgumentModel, ...]
    returns: str  # SQL after RETURNS: `trigger`, `SETOF text`, `TABLE(a integer)`
    language: str
    body: str  # verbatim
    volatility: str | None = None  # immutable, stable, volatile; None: PostgreSQL's (volatile)
    strict: bool = False
    security_definer: bool = False
    external: bool = False  # `external function`: declared, never made nor changed
    parallel: str | None = None  # safe, restricted, unsafe; None: PostgreSQL's (unsafe)
    settings: tuple[tuple[str, str], ...] = ()  # `SET name = value`: (name, value as SQL)
    procedure: bool = False  # a procedure (`returns` empty): functions' namespace, its own SQL
    # Who may execute it: role → privileges (security.py); PostgreSQL grants EXECUTE to
    # PUBLIC on every new function, and CREATE OR REPLACE keeps what was granted.
    grants: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_GRANTS))
    # `comment on function`: DROP and CREATE would lose it, so it is said again after them.
    comment: str | None = None

    @property
    def key(self) -> FunctionKey:
        return (self.schema, self.name, tuple(a.type for a in self.arguments if a.is_input))


@dataclass
class TriggerModel:
    name: str
    timing: str  # before, after, instead of
    events: tuple[tuple[str, tuple[str, ...]], ...]  # (insert|update|delete|truncate, columns)
    for_each: str  # row, statement
    function: FunctionKey
    when: str | None = None  # SQL, as written
    arguments: tuple[str, ...] = ()
