"""Objects a migration declares `external`: made by a platform, another tool or a `sql`
block, never by the migrations' Up or Down.

The runner meets them in two places. A scratch database (drift, verify, baseline, repair)
is bare, so `with_stand_ins` makes a stand-in for each where its migration declares it,
from the declaration (the columns and keys the migrations reference): a foreign key to
`auth.users` then builds there as it does on the platform. A stand-in is made only when
nothing of its name exists yet (the project's scratch_setup script, or a `sql` block, may
have made the real one). And catalog snapshots leave external objects out on both sides
(`ExternalObjects`, read by runner/catalog.py): the live `auth.users` has more columns than
its stand-in, and the rest of an external schema is not the migrations' business either.

The compiler writes both into the generated module (`Migration.externals`); nothing here
imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from .migration import StatementPlan

if TYPE_CHECKING:
    from .migration import Migration

ExternalKind = Literal["schema", "table", "enum", "type", "role", "function"]


@dataclass(frozen=True, slots=True)
class External:
    """One `external` declaration: what it names, how many of its migration's Up statements
    run before it (where its stand-in is made in a scratch database), and the SQL that
    makes the stand-in unless something of its name exists."""

    kind: ExternalKind
    schema: str
    name: str = ""  # empty for a schema
    position: int = 0
    stand_in: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ExternalObjects:
    """What catalog snapshots leave out: whole external schemas, and the external tables
    (with their columns, constraints, indexes, triggers, policies and owned sequences),
    types and functions that stand in schemas the migrations own."""

    schemas: tuple[str, ...] = ()
    objects: tuple[tuple[str, str], ...] = ()  # (schema, name) of tables, enums and types
    # (schema, name) of functions: every overload of the name (the stand-in differs from the
    # real one, which may have overloads the migrations do not declare)
    functions: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, declared: Iterable[External]) -> ExternalObjects:
        """The objects of these declarations."""
        schemas: dict[str, None] = {}
        objects: dict[tuple[str, str], None] = {}
        functions: dict[tuple[str, str], None] = {}
        for external in declared:
            if external.kind == "schema":
                schemas[external.schema] = None
            elif external.kind == "function":
                functions[(external.schema, external.name)] = None
            elif external.kind != "role":  # a role is the cluster's: no snapshot holds one
                objects[(external.schema, external.name)] = None
        return cls(tuple(schemas), tuple(objects), tuple(functions))

    @classmethod
    def of_migrations(cls, migrations: Iterable[Migration]) -> ExternalObjects:
        """Every external object `migrations` declare."""
        return cls.of(external for migration in migrations for external in migration.externals)


NO_EXTERNALS = ExternalObjects()


def _placed(count: int, externals: Sequence[External]) -> Iterator[tuple[int, str | None]]:
    """Up's statement indexes (a stand-in: None) in the order a scratch database runs them,
    each stand-in before the statement at its position."""
    by_position: dict[int, list[str]] = {}
    for external in externals:
        by_position.setdefault(min(external.position, count), []).extend(external.stand_in)
    for index in range(count + 1):
        for statement in by_position.get(index, ()):
            yield -1, statement
        if index < count:
            yield index, None


def stand_in_up(up_sql: Sequence[str], externals: Sequence[External]) -> tuple[str, ...]:
    """Up's statements with the stand-ins of `externals` where they are declared."""
    return tuple(up_sql[index] if sql is None else sql
                 for index, sql in _placed(len(up_sql), externals))


def with_stand_ins(migration: Migration) -> Migration:
    """`migration` as a scratch database runs it: its Up makes a stand-in for each external
    object it declares, in a transaction with the statements around it. Only for scratch
    databases: its checksum and step sizes no longer describe its Up."""
    if not migration.externals:
        return migration
    plans = migration.plans("up")
    order = list(_placed(len(migration.up_sql), migration.externals))
    return replace(
        migration,
        up_sql=tuple(migration.up_sql[index] if sql is None else sql for index, sql in order),
        up_plans=tuple(plans[index] if sql is None else StatementPlan() for index, sql in order),
        step_sizes=())
