"""Statements that put back what a drop destroyed, with the locks each takes: what Down runs
after a `drop table`, `drop column`, `drop constraint` or `drop index`."""

from __future__ import annotations

from ..runner.locks import SHARE, SHARE_UPDATE_EXCLUSIVE
from .model import ColumnModel, ConstraintModel, IndexModel, TableModel
from .quoting import quote_ident
from .render import (
    add_constraint_sql,
    comment_sql,
    create_index_sql,
    index_ref,
    sequence_statements,
    table_ref,
)
from .statement import Statement, add_constraint_statement, comment_on, locks


def recreate_constraint(table: TableModel, constraint: ConstraintModel) -> Statement:
    return add_constraint_statement(table, constraint, add_constraint_sql(table, constraint),
                                    not_valid=not constraint.validated)


def create_index_statement(index: IndexModel, concurrently: bool = False) -> Statement:
    """CREATE INDEX takes SHARE on its table (writes wait for the whole build); CONCURRENTLY
    takes SHARE UPDATE EXCLUSIVE (reads and writes go on) and runs outside a transaction."""
    mode = SHARE_UPDATE_EXCLUSIVE if concurrently else SHARE
    return Statement(create_index_sql(index, concurrently), locks((index.table_key, mode)),
                     "index build", concurrently, index.build)


def recreate_index(index: IndexModel, concurrently: bool = False) -> list[Statement]:
    statements = [create_index_statement(index, concurrently)]
    if index.comment is not None:  # COMMENT ON INDEX locks the index, not its table
        statements.append(Statement(comment_sql("index", index_ref(index), index.comment)))
    return statements


def recreate_sequences(table: TableModel, columns: list[ColumnModel] | None = None,
                       ) -> tuple[list[Statement], list[Statement]]:
    """CREATE SEQUENCE before the columns, OWNED BY after (see render.sequence_statements),
    for the serial columns whose sequence `serial` would not name itself: in Down, and in
    Up where the name it would choose is taken. Neither locks the table against its users."""
    before, after = sequence_statements(table, columns)
    return [Statement(s) for s in before], [Statement(s) for s in after]


def restore_comments(table: TableModel) -> list[Statement]:
    """COMMENT statements that restore a table's and its columns' comments."""
    ref = table_ref(table.schema, table.name)
    statements = []
    if table.comment is not None:
        statements.append(comment_on(table, comment_sql("table", ref, table.comment)))
    for column in table.columns.values():
        if column.comment is not None:
            statements.append(comment_on(table, comment_sql(
                "column", f"{ref}.{quote_ident(column.name)}", column.comment)))
    return statements
