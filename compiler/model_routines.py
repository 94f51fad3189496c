"""The model's functions and triggers (SchemaModel.functions, SchemaModel.triggers).

A function is known by its schema, name and argument types, as PostgreSQL knows it
(overloads are different functions). A trigger belongs to its table: the model keeps them
by the table's key, then by name, so a rename of the table moves them with it."""

from __future__ import annotations

from dataclasses import dataclass

Key = tuple[str, str]
# (schema, name, argument types as PostgreSQL spells them)
FunctionKey = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True)
class ArgumentModel:
    name: str
    type: str  # SQL, as in the signature
    default: str | None = None  # SQL


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

    @property
    def key(self) -> FunctionKey:
        return (self.schema, self.name, tuple(a.type for a in self.arguments))


@dataclass
class TriggerModel:
    name: str
    timing: str  # before, after, instead of
    events: tuple[tuple[str, tuple[str, ...]], ...]  # (insert|update|delete|truncate, columns)
    for_each: str  # row, statement
    function: FunctionKey
    when: str | None = None  # SQL, as written
    arguments: tuple[str, ...] = ()
