"""The safety lint: what each change would do to a live, busy database, said before it runs.

Each rule reads one change together with the statements it emits (their locks and the
work they do, compiler/statement.py) and the schema model. Rules about locks and rewrites
fire only on tables an earlier migration created ("existing"): a table this migration
creates has no rows and no application using it yet, which no linter of SQL text can
know. Rules about the schema's design (key types, timestamps, sql blocks) fire wherever
the thing is written; those on a column's type and key are in lint_design.py. Findings
are warnings here; the project's `[tool.pgshift.lint]` makes one an error or turns it off
(pgshift/commands/lint_levels.py), and a `-- pgshift: allow CODE` comment silences one
statement (suppressions.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..dsl import ast
from ..dsl.diagnostics import warning
from ..dsl.source import Span
from ..runner.locks import ACCESS_EXCLUSIVE, SHARE_ROW_EXCLUSIVE, what_it_blocks
from .context import Context, Step
from .lint_codes import register
from .lint_design import column_design
from .lint_security import unguarded_tables
from .model import Key, TableModel
from .pgvector import VECTOR_METHODS
from .quoting import quote_ident
from .statement import Statement
from .table_work import why_add_column_rewrites


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint rule: its stable code, what it finds in a line, and whether it applies only
    to tables that existed before the migration."""

    code: str
    summary: str
    existing_only: bool = True


RULES: dict[str, Rule] = {rule.code: rule for rule in (
    Rule("index-blocks-writes", "an index built on an existing table without `concurrently`"),
    Rule("drop-index-blocks", "an index dropped from an existing table without `concurrently`"),
    Rule("refresh-blocks-reads", "an existing materialized view refreshed without"
                                 " `concurrently`: reading it waits for the whole refresh"),
    Rule("type-change-rewrites", "a column type change that rewrites an existing table"),
    Rule("set-not-null-scans", "`set not null` that scans an existing table under ACCESS"
                               " EXCLUSIVE, with no validated check to prove it"),
    Rule("constraint-scans", "a foreign key or check added to an existing table without"
                             " `not valid`"),
    Rule("unique-builds-index", "a unique or primary key constraint on an existing table not"
                                " built from a concurrent index (`using index`)"),
    Rule("volatile-default", "a new column whose default or kind fills every row: the table is"
                             " rewritten"),
    Rule("not-null-without-default", "a NOT NULL column added to an existing table without a"
                                     " default: it fails on the first row"),
    Rule("drop-column", "a column dropped from an existing table: its data is lost"),
    Rule("drop-table", "an existing table dropped: its data is lost"),
    Rule("rename-column", "a column of an existing table renamed: the running application"
                          " still uses the old name"),
    Rule("rename-table", "an existing table renamed: the running application still uses the"
                         " old name"),
    Rule("int-key", "a primary key or identity of type smallint, integer or serial, which runs"
                    " out", existing_only=False),
    Rule("timestamp-without-time-zone", "a `timestamp` column without time zone",
         existing_only=False),
    Rule("char-column", "a `char(n)` column, blank-padded to its length", existing_only=False),
    Rule("serial-column", "a serial column where an identity column would do",
         existing_only=False),
    Rule("raw-sql", "a `sql` block, whose locks and effects pgshift does not analyse",
         existing_only=False),
    Rule("row-security-without-policy", "row level security enabled on an existing table"
                                        " that has no policy once the migration ends: only"
                                        " its owner still reads and writes it"),
)}
register(RULES.values())  # their codes join the registry of diagnostic codes (docs/errors.md)


@dataclass(frozen=True, slots=True)
class Change:
    """What a rule looks at: the AST node of one change, its step, and the table it is on."""

    node: object
    step: Step
    table: TableModel | None
    existing: bool  # the table was created by an earlier migration

    @property
    def statements(self) -> list[Statement]:
        return self.step.up


Check = Callable[[Context, Change], Iterator[tuple[str, str, str, Span]]]
_CHECKS: dict[type, list[Check]] = {}


def lint_rule(*nodes: type) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        for node in nodes:
            _CHECKS.setdefault(node, []).append(check)
        return check

    return register


def lint_statement(ctx: Context, statement: object, steps: list[Step],
                   fresh_before: set[Key]) -> None:
    """Run every rule on the changes one statement made; `fresh_before` are the tables this
    migration had created before the statement."""
    for step in steps:
        key = _key_of(ctx, statement) or _first_locked(step)
        table = ctx.model.tables.get(key) if key is not None else None
        existing = key is not None and key not in fresh_before and not isinstance(
            statement, ast.CreateTable)
        change = Change(step.node if step.node is not None else statement, step, table,
                        existing)
        for check in _CHECKS.get(type(change.node), []):
            for code, message, help_text, span in check(ctx, change):
                if RULES[code].existing_only and not change.existing:
                    continue
                ctx.diagnostics.append(warning(code, message, span, help=help_text))


def lint_migration_end(ctx: Context) -> None:
    """The rules that judge what the whole migration leaves (lint_security.py), once its
    last statement is built."""
    for code, message, help_text, span in unguarded_tables(ctx):
        ctx.diagnostics.append(warning(code, message, span, help=help_text))


def _key_of(ctx: Context, statement: object) -> Key | None:
    name = getattr(statement, "table", None) or (
        statement.name if isinstance(statement, ast.CreateTable) else None)
    return ctx.key(name) if isinstance(name, ast.QualifiedName) else None


def _first_locked(step: Step) -> Key | None:
    """The table a statement that names none locks (an index's table, for `drop index`)."""
    for statement in step.up:
        for lock in statement.locks:
            return (lock.schema, lock.table)
    return None


def _quoted(table: TableModel | None, fallback: str = "the table") -> str:
    return f"'{table.name}'" if table is not None else fallback


def _column(table: TableModel | None, column: str) -> str:
    return f"'{table.name}.{column}'" if table is not None else f"'{column}'"


# ---------------------------------------------------------------- indexes


@lint_rule(ast.CreateIndex)
def _index(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.CreateIndex)
    if node.concurrently:
        return
    method = node.method.value if node.method else "btree"
    worst = (f"; an {method} build over a large vector table takes minutes to hours, the"
             " worst case there is" if method in VECTOR_METHODS else "")
    unique = "unique " if node.unique else ""
    yield ("index-blocks-writes",
           f"building index '{node.name.value}' takes SHARE on {_quoted(change.table)}:"
           f" {what_it_blocks('SHARE')} for the whole build{worst}",
           f"build it while writes go on: `{unique}index concurrently {node.name.value} on"
           f" {node.table} (…)` (it cannot run in a transaction: pgshift runs it alone)",
           node.span)


@lint_rule(ast.RefreshView)
def _refresh(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.RefreshView)
    if node.concurrently or change.step.down:  # a Down: it was `with no data`, unreadable
        return
    yield ("refresh-blocks-reads",
           f"refreshing materialized view '{node.name}' takes ACCESS EXCLUSIVE on it:"
           f" {what_it_blocks('ACCESS EXCLUSIVE')} until its query has run again",
           f"with a unique index on its columns, `refresh materialized view {node.name}"
           " concurrently` lets reads go on (it takes EXCLUSIVE, inside the transaction)",
           node.span)


@lint_rule(ast.DropIndex)
def _drop_index(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.DropIndex)
    if node.concurrently or not change.statements or not change.statements[0].locks:
        return
    lock = change.statements[0].locks[0]
    existing = lock.relation
    yield ("drop-index-blocks",
           f"dropping index '{node.index}' takes ACCESS EXCLUSIVE on '{existing}':"
           f" {what_it_blocks('ACCESS EXCLUSIVE')} until every query using the table ends",
           f"`drop index concurrently {node.index}` waits for those queries without blocking"
           " anyone", node.span)


# ---------------------------------------------------------------- columns and constraints


@lint_rule(ast.AlterColumnType)
def _type_change(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.AlterColumnType)
    work = change.statements[0].work
    if work != "rewrite":
        return
    why = "its USING expression computes every value again" if node.using else (
        "the new type does not store the same bytes")
    yield ("type-change-rewrites",
           f"changing the type of {_column(change.table, node.column.value)} rewrites the table"
           f" and its indexes under ACCESS EXCLUSIVE ({why}): reads and writes wait until"
           " it ends",
           "add a column of the new type, backfill it in batches, and move the application to"
           " it; widening varchar(n), dropping its limit or widening numeric's precision is"
           " catalog only", node.span)


@lint_rule(ast.SetNotNull)
def _set_not_null(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.SetNotNull)
    if change.statements[0].work != "scan":
        return
    column = node.column.value
    yield ("set-not-null-scans",
           f"`set not null` on {_column(change.table, column)} scans every row under ACCESS"
           " EXCLUSIVE: reads and writes wait until the scan ends",
           f"in one migration, add constraint {column}_present check `{column} is not"
           f" null` not valid; in the next, validate constraint {column}_present (reads and"
           " writes go on), then set not null: PostgreSQL skips the scan when a validated"
           " check proves it", node.span)


@lint_rule(ast.AddConstraint)
def _add_constraint(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.AddConstraint)
    yield from _constraint_findings(change, change.statements, node.span,
                                    isinstance(node.constraint, ast.PrimaryKeyConstraint))


@lint_rule(ast.AddColumn)
def _add_column(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.AddColumn)
    table, name = change.table, node.column.name.value
    column = table.columns.get(name) if table is not None else None
    if column is None:
        return
    if change.statements[0].work == "rewrite":
        yield ("volatile-default",
               f"adding column {_column(table, name)} rewrites the table and its indexes"
               f" under ACCESS EXCLUSIVE: {why_add_column_rewrites(column)}",
               "add the column without a default (or with a constant one), fill it in"
               " batches, then set the default; an identity or serial column on a large"
               " table is best built as a new table", node.column.span)
    if column.not_null and column.default is None and column.identity is None and (
            column.generated is None and column.sequence is None):
        yield ("not-null-without-default",
               f"adding NOT NULL column '{name}' without a default fails if {_quoted(table)}"
               " already has rows",
               "give it a default (catalog only for a constant), or add it nullable, fill it,"
               " then `set not null`", node.column.span)
    primary = any(isinstance(c, ast.PrimaryKey) for c in node.column.constraints)
    yield from _constraint_findings(change, change.statements[1:], node.column.span, primary)
    yield from column_design(table, node.column)


def _constraint_findings(change: Change, statements: list[Statement], span: Span,
                         primary: bool) -> Iterator[tuple[str, str, str, Span]]:
    """Findings for ADD CONSTRAINT statements, told apart by what they do: a foreign key
    scans under SHARE ROW EXCLUSIVE, a check under ACCESS EXCLUSIVE, a key builds its
    index."""
    table = _quoted(change.table)
    for statement in statements:
        modes = {lock.mode for lock in statement.locks}
        if statement.work == "scan" and modes == {SHARE_ROW_EXCLUSIVE}:
            yield ("constraint-scans",
                   f"adding a foreign key to {table} scans it for rows without a match under"
                   " SHARE ROW EXCLUSIVE on both tables: writes to either wait until it ends",
                   "add it `not valid` (catalog only), then `validate constraint NAME` in a"
                   " later migration: validation lets reads and writes go on", span)
        elif statement.work == "scan" and modes == {ACCESS_EXCLUSIVE}:
            yield ("constraint-scans",
                   f"adding a check to {table} scans every row under ACCESS EXCLUSIVE: reads"
                   " and writes wait until it ends",
                   "add it `not valid` (catalog only), then `validate constraint NAME` in a"
                   " later migration: validation lets reads and writes go on", span)
        elif statement.work == "index build":
            kind, words = ("primary key", "primary key") if primary else (
                "unique constraint", "unique")
            yield ("unique-builds-index",
                   f"adding a {kind} to {table} builds its index under ACCESS EXCLUSIVE:"
                   " reads and writes wait for the whole build",
                   "build the index first with `unique index concurrently NAME on TABLE (…)`,"
                   f" then `add constraint NAME {words} using index NAME`", span)


@lint_rule(ast.DropColumn)
def _drop_column(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.DropColumn)
    # The column is gone from the model by now; its Down, which adds it back, tells.
    adds_it = f"ADD COLUMN {quote_ident(node.column.value)} "
    generated = any(adds_it in statement.sql and "GENERATED ALWAYS AS" in statement.sql
                    for statement in change.step.down or ())
    lost = ("Down adds it back and PostgreSQL computes it again, rewriting the table"
            if generated else "its values are lost (Down adds it back empty)")
    yield ("drop-column",
           f"dropping column {_column(change.table, node.column.value)}: {lost}, and the"
           " running application fails if it still reads or writes it",
           "first release the application without the column, then drop it in a later"
           " migration", node.span)


@lint_rule(ast.RenameColumn)
def _rename_column(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.RenameColumn)
    yield ("rename-column",
           f"renaming column {_column(change.table, node.old.value)} to '{node.new.value}'"
           " breaks the application running now, which still uses the old name",
           "add the new column, write both and backfill, move reads, then drop the old one;"
           " or rename in a window when the application is stopped", node.span)


# ---------------------------------------------------------------- tables


@lint_rule(ast.DropTable)
def _drop_table(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.DropTable)
    yield ("drop-table",
           f"dropping table '{node.table}': its rows are lost (Down recreates it empty), and"
           " the running application fails if it still uses it",
           "first release the application without the table, then drop it in a later"
           " migration", node.span)


@lint_rule(ast.RenameTable)
def _rename_table(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.RenameTable)
    yield ("rename-table",
           f"renaming table '{node.table}' to '{node.new_name.value}' breaks the application"
           " running now, which still uses the old name",
           "create the new table and move the application to it, or rename in a window when"
           " the application is stopped", node.span)


@lint_rule(ast.CreateTable)
def _create_table(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.CreateTable)
    table = ctx.model.tables.get(ctx.key(node.name))
    if table is None:
        return
    for column in node.columns:
        yield from column_design(table, column)


@lint_rule(ast.RowSecurity)
def _row_security(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    """Notes an `enable` on an existing table: lint_security.py judges it once the migration
    has written its policies."""
    node = change.node
    assert isinstance(node, ast.RowSecurity)
    if node.change == "enable" and change.existing and change.table is not None:
        ctx.row_security_enabled.append((change.table, node.span))
    yield from ()


@lint_rule(ast.RawSql)
def _raw_sql(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.RawSql)
    yield ("raw-sql",
           "pgshift does not analyse `sql` blocks: the locks they take, the rows they rewrite"
           " and whether their `down` undoes them are yours to check",
           "write the change in the language where it can say it; otherwise read the block"
           " with `pgshift sql VERSION` and rehearse it on a copy of production", node.span)


from . import lint_partitions, lint_routines  # noqa: E402, F401  (their rules join RULES)

__all__ = ["RULES", "Rule", "lint_migration_end", "lint_statement"]
