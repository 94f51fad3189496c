"""SQL text for model objects: shared by Up (creating them) and Down (recreating them)."""

from __future__ import annotations

from .model import (
    DEFAULT_SCHEMA,
    SERIAL_TYPES,
    ColumnModel,
    ColumnType,
    ConstraintModel,
    EnumModel,
    IndexElementModel,
    IndexModel,
    Key,
    SchemaModel,
    TableModel,
)
from .naming import make_object_name
from .quoting import quote_ident, quote_literal, quote_qualified
from .security_render import security_statements
from .stored_map import Pieces

INDENT = "    "


def table_ref(schema: str, name: str) -> str:
    """Tables in the default schema are written unqualified, as people write them."""
    return quote_ident(name) if schema == "public" else quote_qualified(name, schema)


def key_ref(key: Key) -> str:
    return table_ref(*key)


def type_sql(column_type: ColumnType) -> str:
    if not column_type.builtin:
        base = table_ref(column_type.schema or "public", column_type.name)
    elif column_type.schema is not None:  # an extension's type, from its schema
        base = quote_qualified(column_type.name, column_type.schema)
    else:
        base = column_type.name
    if column_type.modifiers:
        mods = f"({', '.join(map(str, column_type.modifiers))})"
        if base.startswith(("time ", "timestamp ")):
            head, _, zone = base.partition(" ")
            base = f"{head}{mods} {zone}"
        elif base.startswith("interval "):
            base = f"{base}{mods}"
        else:
            base += mods
    bounds = "".join(f"[{b}]" if b is not None else "[]" for b in column_type.array_bounds)
    return base + bounds


def explicit_sequence(table_name: str, column: ColumnModel) -> bool:
    """A serial column whose sequence `serial` would not name itself: numbered past a taken
    name when it was made (PostgreSQL picks each name before the CREATE TABLE creates any,
    so two in one table, or one named like its table, would clash), renamed since, or
    retyped. Such a sequence is made by name (sequence_statements), in Up as in Down."""
    if column.sequence is None or column.identity is not None:
        return False
    default = make_object_name(table_name, column.name, "seq")
    return column.type.name not in SERIAL_TYPES or column.sequence != default


def column_sql(column: ColumnModel, table: TableModel | None = None) -> str:
    """The column's definition. Given its table, names that `serial`, `identity` or NOT NULL
    would not choose themselves (kept from before a rename, or numbered past a taken name)
    are written out explicitly; a serial column's sequence is then made by the statements
    of sequence_statements, around this one."""
    table_name = None if table is None else table.name
    column_type = column.type
    default = column.default
    if table is not None and explicit_sequence(table.name, column):
        assert column.sequence is not None
        column_type = ColumnType(column.type.base, column.type.modifiers,
                                 column.type.array_bounds)
        sequence = table_ref(table.schema, column.sequence)  # nextval finds it off search_path
        default = f"nextval({quote_literal(sequence)}::regclass)"
    parts = [quote_ident(column.name), type_sql(column_type)]
    if column.collation:
        parts.append(f"COLLATE {quote_ident(column.collation)}")
    if column.identity:
        named = ""
        if table_name is not None and column.sequence not in (
                None, make_object_name(table_name, column.name, "seq")):
            named = f" (SEQUENCE NAME {quote_ident(str(column.sequence))})"
        parts.append(f"GENERATED {column.identity.upper()} AS IDENTITY{named}")
    if column.generated:
        parts.append(f"GENERATED ALWAYS AS ({column.generated}) STORED")
    if default is not None:
        parts.append(f"DEFAULT {default}")
    if column.not_null:
        name = column.not_null_name
        if table_name is not None and name is not None and name != make_object_name(
                table_name, column.name, "not_null"):
            parts.append(f"CONSTRAINT {quote_ident(name)} NOT NULL")
        else:
            parts.append("NOT NULL")
    return " ".join(parts)


def sequence_statements(table: TableModel,
                        columns: list[ColumnModel] | None = None) -> tuple[list[str], list[str]]:
    """What must come before and after recreating `columns` (default: all) for sequences that
    `serial` would not recreate: CREATE SEQUENCE first, OWNED BY after."""
    before: list[str] = []
    after: list[str] = []
    for column in table.columns.values() if columns is None else columns:
        if explicit_sequence(table.name, column):
            assert column.sequence is not None
            sequence = table_ref(table.schema, column.sequence)
            kind = column.sequence_type or column.type.base
            before.append(f"CREATE SEQUENCE {sequence} AS {kind}")
            after.append(f"ALTER SEQUENCE {sequence} OWNED BY"
                         f" {table_ref(table.schema, table.name)}.{quote_ident(column.name)}")
    return before, after


def columns_list(columns: tuple[str, ...]) -> str:
    return "(" + ", ".join(quote_ident(c) for c in columns) + ")"


def constraint_body(constraint: ConstraintModel) -> str:
    if constraint.kind == "primary key":
        return f"PRIMARY KEY {columns_list(constraint.columns)}"
    if constraint.kind == "unique":
        nulls = "" if constraint.nulls_distinct else " NULLS NOT DISTINCT"
        return f"UNIQUE{nulls} {columns_list(constraint.columns)}"
    if constraint.kind == "check":
        return f"CHECK ({constraint.expression})"
    assert constraint.ref_table is not None
    target = key_ref(constraint.ref_table)
    if constraint.ref_columns:
        target += f" {columns_list(constraint.ref_columns)}"
    actions = ""
    if constraint.on_delete:
        actions += f" ON DELETE {constraint.on_delete.upper()}"
    if constraint.on_update:
        actions += f" ON UPDATE {constraint.on_update.upper()}"
    return f"FOREIGN KEY {columns_list(constraint.columns)} REFERENCES {target}{actions}"


def constraint_sql(constraint: ConstraintModel) -> str:
    return f"CONSTRAINT {quote_ident(constraint.name)} {constraint_body(constraint)}"


def create_table_sql(table: TableModel, constraints: list[ConstraintModel] | None = None) -> str:
    """CREATE TABLE with every column, then the given constraints (default: all of them)."""
    chosen = list(table.constraints.values()) if constraints is None else constraints
    lines = [column_sql(c, table) for c in table.columns.values()]
    lines += [constraint_sql(c) for c in chosen]
    body = ",\n".join(INDENT + line for line in lines)
    head = f"CREATE TABLE {table_ref(table.schema, table.name)} ("
    tail = ""
    if table.partition_by is not None:
        strategy, key = table.partition_by
        tail = f" PARTITION BY {strategy.upper()} {columns_list(key)}"
    return f"{head}\n{body}\n){tail}" if lines else f"{head}){tail}"


def add_constraint_sql(table: TableModel, constraint: ConstraintModel) -> str:
    not_valid = "" if constraint.validated else " NOT VALID"
    return (f"ALTER TABLE {table_ref(table.schema, table.name)} ADD"
            f" {constraint_sql(constraint)}{not_valid}")


def created_with_table(constraint: ConstraintModel) -> bool:
    """Whether CREATE TABLE can hold the constraint: not a foreign key (the table it points
    at may come later) and not one added `not valid` (which only ALTER TABLE can make)."""
    return constraint.kind != "foreign key" and constraint.validated


def drop_constraint_sql(table: TableModel, name: str) -> str:
    return f"ALTER TABLE {table_ref(table.schema, table.name)} DROP CONSTRAINT {quote_ident(name)}"


def element_sql(element: IndexElementModel) -> str:
    text = quote_ident(element.column) if element.column else f"({element.expression})"
    if element.opclass:
        text += f" {element.opclass}"
    if element.descending is not None:
        text += " DESC" if element.descending else " ASC"
    if element.nulls_first is not None:
        text += " NULLS FIRST" if element.nulls_first else " NULLS LAST"
    return text


def create_index_sql(index: IndexModel, concurrently: bool = False) -> str:
    unique = "UNIQUE " if index.unique else ""
    how = "CONCURRENTLY " if concurrently else ""
    target = table_ref(index.schema, index.table)
    sql = f"CREATE {unique}INDEX {how}{quote_ident(index.name)} ON {target}"
    if index.method:
        sql += f" USING {index.method}"
    sql += " (" + ", ".join(element_sql(e) for e in index.elements) + ")"
    if index.include:
        sql += f" INCLUDE {columns_list(index.include)}"
    if index.parameters:
        sql += " WITH (" + ", ".join(f"{k} = {v}" for k, v in index.parameters) + ")"
    if index.where:
        sql += f" WHERE {index.where}"
    return sql


def index_ref(index: IndexModel) -> str:
    return table_ref(index.schema, index.name)


def drop_index_sql(index: IndexModel, concurrently: bool = False) -> str:
    how = "CONCURRENTLY " if concurrently else ""
    return f"DROP INDEX {how}{index_ref(index)}"


def create_enum_sql(enum: EnumModel) -> str:
    labels = ", ".join(quote_literal(label) for label in enum.labels)
    return f"CREATE TYPE {table_ref(enum.schema, enum.name)} AS ENUM ({labels})"


def comment_sql(kind: str, target: str, text: str | None) -> str:
    value = "NULL" if text is None else quote_literal(text)
    return f"COMMENT ON {kind.upper()} {target} IS {value}"


def table_comment_statements(table: TableModel) -> list[str]:
    """COMMENT statements that restore a table's and its columns' comments."""
    ref = table_ref(table.schema, table.name)
    statements = []
    if table.comment is not None:
        statements.append(comment_sql("table", ref, table.comment))
    for column in table.columns.values():
        if column.comment is not None:
            statements.append(comment_sql("column", f"{ref}.{quote_ident(column.name)}",
                                          column.comment))
    return statements


def recreate_index_statements(index: IndexModel) -> list[str]:
    statements = [create_index_sql(index)]
    if index.comment is not None:
        statements.append(comment_sql("index", index_ref(index), index.comment))
    return statements


def render_schema(model: SchemaModel) -> str:
    """The whole model as SQL: schemas, extensions, enums, tables, foreign keys, indexes,
    comments.

    Tables and indexes come as pieces, one text per section, which the compile cache keeps
    for every object no migration since has touched."""
    head = [f"CREATE SCHEMA {quote_ident(name)}" for name in sorted(model.schemas)]
    head += [comment_sql("schema", quote_ident(name), text)
             for name, text in sorted(model.schema_comments.items())
             if (name, text) != (DEFAULT_SCHEMA, "standard public schema")]
    head += [f"CREATE EXTENSION {quote_ident(e)}" + (
        f" WITH SCHEMA {quote_ident(model.extensions[e])}"
        if model.extensions[e] != "public" else "") for e in sorted(model.extensions)]
    head += [create_enum_sql(model.enums[k]) for k in sorted(model.enums)
             if not model.enums[k].external]
    head += _sequences_before_tables(model)
    tables = [model.tables.pieces(k, table_pieces) for k in sorted(model.tables)
              if k not in model.external_tables]
    sections = [_external_objects(model), _script(head)]
    sections += [pieces[0] for pieces in tables]  # CREATE TABLE, with sequences
    sections += [pieces[1] for pieces in tables]  # foreign keys, once every table exists
    sections.append(_script(_functions(model)))  # after the tables an sql body reads
    sections.append(_script(_partitions(model)))
    sections.append(_script(_sequence_owners(model)))
    sections.append(_script(_views(model)))  # before the indexes some of them have
    sections += [model.indexes.pieces(k, index_pieces)[0] for k in sorted(model.indexes)]
    sections.append(_script(_triggers(model)))
    sections.append(_script(_object_grants(model)))
    sections += [pieces[2] for pieces in tables]  # comments
    text = "".join(sections)
    return text.rstrip("\n") + "\n" if text else ""


def _sequences_before_tables(model: SchemaModel) -> list[str]:
    """Standalone sequences, made before the tables whose defaults may take their values."""
    from .sequences import create_sequence_sql

    made = []
    for key in sorted(model.sequences):
        made.append(create_sequence_sql(model.sequences[key], owned=False))
        if model.sequences[key].comment is not None:
            made.append(comment_sql("sequence", table_ref(*key), model.sequences[key].comment))
    return made


def _views(model: SchemaModel) -> list[str]:
    """Views and materialized views in the order they were made, which is one where each
    comes after what it reads (a replaced view is made again last)."""
    from .views import view_sql

    return [sql for view in model.views.values() for sql in view_sql(view)]


def _partitions(model: SchemaModel) -> list[str]:
    """CREATE TABLE … PARTITION OF for every partition, once every table exists."""
    from .partitions import create_partition_sql

    return [create_partition_sql(model.partitions[k]) for k in sorted(model.partitions)]


def _sequence_owners(model: SchemaModel) -> list[str]:
    """OWNED BY for the standalone sequences that have an owner, once the tables exist."""
    from .sequences import owned_by_sql

    found = (owned_by_sql(model.sequences[k]) for k in sorted(model.sequences))
    return [sql for sql in found if sql is not None]


def _functions(model: SchemaModel) -> list[str]:
    from .routines import render_functions

    return render_functions(model)


def _triggers(model: SchemaModel) -> list[str]:
    from .routines import render_triggers

    return render_triggers(model)


def _object_grants(model: SchemaModel) -> list[str]:
    """What is granted on standalone sequences, functions and views (a table's grants are in
    its own pieces), as GRANT and REVOKE from what PostgreSQL grants by itself."""
    from .function_signature import function_ref
    from .model_routines import DEFAULT_GRANTS
    from .security_render import restore_grants_sql

    found = [sql for k in sorted(model.sequences)
             for sql in restore_grants_sql(f"SEQUENCE {table_ref(*k)}", model.sequences[k].grants)]
    found += [sql for k in sorted(model.functions) if not model.functions[k].external
              for sql in restore_grants_sql(f"FUNCTION {function_ref(k)}",
                                            model.functions[k].grants, DEFAULT_GRANTS)]
    return found + [sql for view in model.views.values()
                    for sql in restore_grants_sql(f"TABLE {table_ref(*view.key)}", view.grants)]


def _external_objects(model: SchemaModel) -> str:
    """What the migrations declare `external`, named in comments: they use it, never make it."""
    named = [f"schema {quote_ident(name)}" for name in sorted(model.external_schemas)]
    named += [f"enum {key_ref(k)}" for k in sorted(model.enums) if model.enums[k].external]
    named += [f"type {key_ref(k)}" for k in sorted(model.external_types)]
    named += [f"table {key_ref(k)}" for k in sorted(model.external_tables)]
    named += [f"function {key_ref(k[:2])}({', '.join(k[2])})" for k in sorted(model.functions)
              if model.functions[k].external]
    if not named:
        return ""
    return ("-- Declared external: made outside the migrations, which only use them.\n"
            + "".join(f"--   {line}\n" for line in named) + "\n")


def table_pieces(table: TableModel) -> Pieces:
    """A table's part of each section of the schema: creation, foreign keys, comments and
    row-level security."""
    own = [c for c in table.constraints.values() if created_with_table(c)]
    before, after = sequence_statements(table)
    foreign_keys = [add_constraint_sql(table, c) for c in table.constraints.values()
                    if not created_with_table(c)]
    return (_script([*before, create_table_sql(table, own), *after]), _script(foreign_keys),
            _script([*table_comment_statements(table), *security_statements(table)]))


def index_pieces(index: IndexModel) -> Pieces:
    return (_script(recreate_index_statements(index)),)


def _script(statements: list[str]) -> str:
    return "".join(f"{statement};\n\n" for statement in statements)
