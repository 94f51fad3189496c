"""Compile one parsed migration against the schema model: its Up, its derived Down."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from ..dsl import ast
from ..dsl.diagnostics import Diagnostic
from ..dsl.filename import MigrationName
from ..runner.externals import External
from . import (  # noqa: F401  (they register the step builders)
    alter,
    alter_constraints,
    externals,
    function_comments,
    indexes,
    objects,
    partition_attach,
    partitions,
    procedures,
    routines,
    security,
    sequences,
    tables,
    view_options,
    views,
)
from .context import Context, Step, StepError
from .history_table import holds_history_table, refuse_history_table
from .lint import lint_migration_end, lint_statement
from .model import Key, SchemaModel
from .registry import builder_for
from .sql_checks import check_sql_text
from .statement import Statement


@dataclass(frozen=True)
class CompiledMigration:
    """Everything the generated module holds about one migration.

    `block` is its entry in generated/postgresql.py, rendered once when it is compiled and
    kept in the compile cache, so adding a migration does not render the others again.
    The timeouts are the header's, in milliseconds (None: the run's defaults apply).
    """

    version: str
    description: str
    source: str
    up_statements: tuple[Statement, ...]
    down_statements: tuple[Statement, ...] | None
    transactional: bool
    lock_timeout_ms: int | None = None
    statement_timeout_ms: int | None = None
    step_sizes: tuple[tuple[int, int], ...] = ()  # per change: Up statements, Down statements
    externals: tuple[External, ...] = ()  # declared `external`, where in Up (no SQL of its)
    block: str = ""

    @property
    def up(self) -> tuple[str, ...]:
        return tuple(s.sql for s in self.up_statements)

    @property
    def down(self) -> tuple[str, ...] | None:
        if self.down_statements is None:
            return None
        return tuple(s.sql for s in self.down_statements)

    @property
    def checksum(self) -> str:
        return checksum((*self._header_sql(), *self.up, *self._header_reset()))

    def _header_sql(self) -> list[str]:
        """The header's settings as SQL. Builds before 0.2 ran them as statements of Up, and
        the checksum still covers them so: a history those builds applied keeps matching."""
        scope = "SET LOCAL" if self.transactional else "SET"
        return [f"{scope} {name} = '{value}ms'" for name, value in self._timeouts()]

    def _header_reset(self) -> list[str]:
        return [] if self.transactional else [f"RESET {name}" for name, _ in self._timeouts()]

    def _timeouts(self) -> list[tuple[str, int]]:
        return [(name, value) for name, value in (("lock_timeout", self.lock_timeout_ms),
                                                  ("statement_timeout",
                                                   self.statement_timeout_ms))
                if value is not None]

    @property
    def version_parts(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.version.split("."))


def checksum(up: tuple[str, ...]) -> str:
    """sha256 of the Up SQL: what the runner compares with the database's record."""
    return hashlib.sha256("\n;\n".join(up).encode()).hexdigest()


def _walk(node: object) -> Iterator[object]:
    yield node
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            for item in value if isinstance(value, tuple) else (value,):
                if dataclasses.is_dataclass(item):
                    yield from _walk(item)


def compile_migration(model: SchemaModel, parsed: ast.MigrationFile, name: MigrationName,
                      display_path: str, history_table: Key | None = None
                      ) -> tuple[CompiledMigration, list[Diagnostic]]:
    """Fold `parsed` into `model` (in place) and return its SQL and diagnostics; a statement
    that makes the name of `history_table` (schema, table) is refused."""
    ctx = Context(model, display_path, history_table=history_table)
    check_sql_text(ctx, parsed)
    for statement in parsed.statements:  # a foreign key may point at one further down
        if isinstance(statement, ast.CreateTable):
            key = ctx.key(statement.name)
            ctx.tables_to_come[key] = ctx.tables_to_come.get(key, 0) + 1
    steps: list[Step] = []
    held = holds_history_table(ctx)
    up_so_far = 0  # where in Up an external declaration stands (its stand-in's place)
    for statement in parsed.statements:
        fresh_before = set(ctx.created_tables)
        declared = len(ctx.externals)
        try:
            built = builder_for(statement)(ctx, statement)
        except StepError:
            continue
        finally:
            held, was_held = holds_history_table(ctx), held
            if held and not was_held:
                refuse_history_table(ctx, statement)
        made = built if isinstance(built, list) else [built] if built else []
        lint_statement(ctx, statement, made, fresh_before)
        steps += made
        ctx.externals[declared:] = [dataclasses.replace(e, position=up_so_far)
                                    for e in ctx.externals[declared:]]
        up_so_far += sum(len(step.up) for step in made)
    _check_new_enum_values_unused(ctx, parsed)
    lint_migration_end(ctx)
    transactional = not any(s.concurrently for step in steps for s in step.up)
    down: list[Statement] | None = []
    for step in reversed(steps):
        if step.down is None:
            if not parsed.irreversible:
                ctx.report("irreversible",
                           f"{step.irreversible_because}, so this migration has no Down: add"
                           " `irreversible` to the migration to accept that", step.source)
            down = None
        elif down is not None:
            down += step.down
    if parsed.irreversible:
        down = None
    header = parsed.header
    compiled = CompiledMigration(
        name.text, name.description, display_path,
        tuple(s for step in steps for s in step.up), None if down is None else tuple(down),
        transactional, _milliseconds(header.lock_timeout if header else None),
        _milliseconds(header.statement_timeout if header else None),
        tuple((len(step.up), len(step.down or ())) for step in steps), tuple(ctx.externals))
    return compiled, ctx.diagnostics


def _milliseconds(duration: ast.Duration | None) -> int | None:
    return None if duration is None else duration.milliseconds


def _check_new_enum_values_unused(ctx: Context, parsed: ast.MigrationFile) -> None:
    """A value added to an enum cannot be used before the adding transaction commits."""
    added = {label for labels in ctx.added_enum_labels.values() for label in labels}
    if not added:
        return
    uses_enum: dict[Key, bool] = {}  # only the tables this migration's statements name

    def has_enum_column(key: Key) -> bool:
        if key not in uses_enum:
            table = ctx.model.tables.get(key)
            uses_enum[key] = table is not None and any(
                not c.type.builtin and (c.type.schema, c.type.name) in ctx.added_enum_labels
                for c in table.columns.values())
        return uses_enum[key]

    for statement in parsed.statements:
        if isinstance(statement, ast.AddEnumValue | ast.RawSql):
            continue
        target = getattr(statement, "table", None) or getattr(statement, "name", None)
        if not isinstance(target, ast.QualifiedName) or not has_enum_column(ctx.key(target)):
            continue
        for node in _walk(statement):
            if isinstance(node, ast.RawExpression):
                for label in added:
                    if f"'{label}'" in node.sql:
                        ctx.report("enum-value-in-same-migration",
                                   f"'{label}' is added to an enum in this same migration;"
                                   " PostgreSQL cannot use a new enum value in the transaction"
                                   " that adds it: use it in a later migration", node.span)
