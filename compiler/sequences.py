"""Steps for standalone sequences: `sequence NAME …` and `drop sequence NAME`.

A standalone sequence shares its schema's one namespace for relations with tables, indexes
and the sequences of serial and identity columns (`SchemaModel.relation_taken`), and its
row type the namespace of types. `owned by table.column` ties it to a column PostgreSQL
then drops it with; so pgshift refuses to drop that table or column while the sequence is
there (`check_owned_sequences`), since Down could not tell the sequence had gone too."""

from __future__ import annotations

import re

from ..dsl import ast
from ..dsl.source import Span
from .comments import sequence_comment_statements
from .context import Context, Step
from .model import Key, SchemaModel, SequenceModel, TableModel
from .quoting import quote_ident
from .registry import step
from .render import table_ref
from .security_render import restore_grants_sql
from .statement import Statement


def create_sequence_sql(sequence: SequenceModel, owned: bool = True) -> str:
    """CREATE SEQUENCE with the options the sequence was written with, in PostgreSQL's order;
    `owned`: with its OWNED BY (left out where the table is made after it)."""
    parts = [f"CREATE SEQUENCE {table_ref(*sequence.key)}"]
    if sequence.type is not None:
        parts.append(f"AS {sequence.type}")
    if sequence.increment is not None:
        parts.append(f"INCREMENT BY {sequence.increment}")
    if sequence.minvalue is not None:
        parts.append(f"MINVALUE {sequence.minvalue}")
    if sequence.maxvalue is not None:
        parts.append(f"MAXVALUE {sequence.maxvalue}")
    if sequence.start is not None:
        parts.append(f"START WITH {sequence.start}")
    if sequence.cache is not None:
        parts.append(f"CACHE {sequence.cache}")
    if sequence.cycle:
        parts.append("CYCLE")
    if owned and sequence.owned_by is not None:
        parts.append(f"OWNED BY {owner_sql(sequence)}")
    return " ".join(parts)


def owner_sql(sequence: SequenceModel) -> str:
    assert sequence.owned_by is not None
    table, column = sequence.owned_by
    return f"{table_ref(*table)}.{quote_ident(column)}"


def owned_by_sql(sequence: SequenceModel) -> str | None:
    """ALTER SEQUENCE … OWNED BY, for a schema script that makes the sequence before the
    tables (their defaults may take its values)."""
    if sequence.owned_by is None:
        return None
    return f"ALTER SEQUENCE {table_ref(*sequence.key)} OWNED BY {owner_sql(sequence)}"


def _option(s: ast.CreateSequence, kind: str) -> ast.SequenceOption | None:
    return next((o for o in s.options if o.kind == kind), None)


def _number(s: ast.CreateSequence, kind: str) -> int | None:
    option = _option(s, kind)
    if option is None or isinstance(option.value, bool) or not isinstance(option.value, int):
        return None
    return option.value


@step(ast.CreateSequence)
def create_sequence(ctx: Context, s: ast.CreateSequence) -> Step:
    key = ctx.key(s.name)
    ctx.check_qualified(s.name, "sequence name")
    if ctx.model.relation_taken(*key) or ctx.model.type_taken(*key):
        raise ctx.error("duplicate-name", f"'{s.name.name}' already exists in schema"
                        f" '{key[0]}' (tables, indexes, sequences and types share its names)",
                        s.name.span)
    type_option = _option(s, "as")
    cycle = _option(s, "cycle")
    sequence = SequenceModel(
        *key, type=str(type_option.value) if type_option is not None else None,
        increment=_number(s, "increment"), start=_number(s, "start"),
        minvalue=_number(s, "minvalue"), maxvalue=_number(s, "maxvalue"),
        cache=_number(s, "cache"), cycle=bool(cycle is not None and cycle.value))
    if s.owned_by is not None:
        table = ctx.table(s.owned_by.table, "change")
        column = ctx.column(table, s.owned_by.column)
        if table.schema != key[0]:
            raise ctx.error("bad-sequence-option", f"sequence '{s.name}' is in schema"
                            f" '{key[0]}' and table '{table.name}' in '{table.schema}':"
                            " PostgreSQL ties a sequence only to a table of its own schema",
                            s.owned_by.span)
        sequence.owned_by = (table.key, column.name)
    ctx.model.sequences[key] = sequence
    ctx.model.owned_relations[key] = "sequence"
    return Step([Statement(create_sequence_sql(sequence))],
                [Statement(f"DROP SEQUENCE {table_ref(*key)}")], s.span, node=s)


@step(ast.DropSequence)
def drop_sequence(ctx: Context, s: ast.DropSequence) -> Step:
    sequence = ctx.sequence(s.name, ": it goes away with its column")
    key = sequence.key
    user = _default_using(ctx.model, sequence)
    if user is not None:
        table, column = user
        raise ctx.error("sequence-in-use", f"column '{table.name}.{column}' takes its default"
                        f" from sequence '{s.name}': drop or change that default first"
                        " (PostgreSQL refuses to drop a sequence a default uses)", s.span)
    del ctx.model.sequences[key]
    ctx.model.owned_relations.pop(key, None)
    regrant = restore_grants_sql(f"SEQUENCE {table_ref(*key)}", sequence.grants)
    return Step([Statement(f"DROP SEQUENCE {table_ref(*key)}")],
                [Statement(create_sequence_sql(sequence)),
                 *sequence_comment_statements(*key, sequence.comment),
                 *map(Statement, regrant)], s.span, node=s)


def _default_using(model: SchemaModel, sequence: SequenceModel) -> tuple[TableModel, str] | None:
    """A column whose default takes values of `sequence` (`nextval('name')`), if any."""
    names = {sequence.name, f"{sequence.schema}.{sequence.name}",
             table_ref(*sequence.key), table_ref(*sequence.key).replace("'", "''")}
    pattern = re.compile(r"nextval\s*\(\s*'([^']*(?:''[^']*)*)'", re.IGNORECASE)
    for table in model.tables.values():
        for column in table.columns.values():
            if column.default is None or "nextval" not in column.default.lower():
                continue
            for found in pattern.findall(column.default):
                if found in names or (found.lower() in names and '"' not in found):
                    return table, column.name
    return None


def check_owned_sequences(ctx: Context, table: TableModel, column: str | None,
                          span: Span) -> None:
    """Refuse to drop a table (`column` None) or a column that owns a standalone sequence:
    PostgreSQL would drop the sequence with it, behind the model's back."""
    for sequence in ctx.model.sequences.values():
        owner = sequence.owned_by
        if owner is not None and owner[0] == table.key and column in (None, owner[1]):
            what = f"table '{table.name}'" if column is None else (
                f"column '{table.name}.{column}'")
            raise ctx.error("sequence-in-use", f"{what} owns sequence '{sequence.name}'"
                            f" (`owned by {table.name}.{owner[1]}`), which PostgreSQL would"
                            f" drop with it: `drop sequence {sequence.name}` first", span)


def follow_column_rename(model: SchemaModel, table: Key, old: str, new: str) -> None:
    """An owned sequence follows its column's new name, as PostgreSQL's dependency does."""
    for sequence in model.sequences.values():
        if sequence.owned_by == (table, old):
            sequence.owned_by = (table, new)
