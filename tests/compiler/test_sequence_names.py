"""A serial or identity column's sequence is where the model says it is (issue 17.11).

PostgreSQL names the sequence of a `serial` or identity column `table_column_seq`, cut to 63
bytes (makeObjectName), and appends a number to the label when the name is taken
(ChooseRelationName: …seq1, …seq2). It picks the names of one CREATE TABLE before creating
any of them, so two long columns that cut to the same name, or a sequence named like its own
table, make it fail; so does a name that an enum holds (a sequence has a row type). The
compiler takes the first name free of every relation and type it knows, and makes by name
the sequences whose name `serial` would not choose itself. Each case here applies Up, Down
and Up again, one migration at a time, on PostgreSQL 18, and after each step compares the
sequence of every column the catalog has with the model compiled up to that point.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pgshift.compiler.history import compile_texts
from pgshift.compiler.model import SchemaModel
from pgshift.compiler.quoting import quote_qualified

Owned = dict[tuple[str, str, str], str]  # (schema, table, column) → sequence

LONG_TABLE = "l" * 60  # with one more letter, two names that cut to the same 29 bytes
LONG_COLUMN = "m" * 60
WIDE_TABLE = "é" * 31  # 62 bytes
WIDE_COLUMN = "ü" * 25  # 50 bytes
OWN_TABLE = "x" * 38 + "_" + "y" * 20 + "_seq"  # what its column y…y's sequence cuts to

CASES: dict[str, list[str]] = {
    "name_taken_by_a_table_an_index_or_a_sequence": [
        "table t_a_seq {\n    x integer\n}\n"
        "table t {\n    id integer identity\n    a  serial\n}\n",
        "index t_b_seq on t_a_seq (x)\n"
        "alter table t {\n    add column b bigserial\n    add column c integer identity\n}\n",
        "table u_id_seq {\n    x integer\n}\n"
        "table u {\n    id bigint identity primary key\n    t_a_seq1 smallserial\n}\n"
        "table u_t {\n    a_seq1 serial\n}\n",
    ],
    "long_table_names_cut_alike": [
        f"table {LONG_TABLE}x {{\n    {LONG_COLUMN}a serial\n}}\n",
        f"table {LONG_TABLE}y {{\n    {LONG_COLUMN}a serial\n}}\n"
        f"table {LONG_TABLE}z {{\n    {LONG_COLUMN}a bigint identity\n}}\n",
    ],
    "long_column_names_in_one_table": [
        f"table {LONG_TABLE} {{\n    {LONG_COLUMN}a serial\n    {LONG_COLUMN}b bigserial\n"
        f"    {LONG_COLUMN}c integer identity always\n}}\n",
        f"alter table {LONG_TABLE} {{\n    add column {LONG_COLUMN}d serial\n}}\n",
    ],
    "long_table_and_column_names_are_cut": [
        f"table {LONG_TABLE} {{\n    {LONG_COLUMN} serial\n}}\n"
        f'table "{WIDE_TABLE}" {{\n    "{WIDE_COLUMN}" bigserial\n    id integer identity\n}}\n',
    ],
    "named_like_its_own_table": [
        f"table {OWN_TABLE} {{\n    {'y' * 20} serial\n}}\n",
    ],
    "named_like_an_enum": [
        "enum t_a_seq (\n    'x'\n)\n"
        "table t {\n    a serial\n    b integer identity\n}\n",
        "enum t_c_seq (\n    'x'\n)\n"
        "alter table t {\n    add column c bigserial\n}\n",
    ],
    "in_another_schema": [
        'sql """CREATE SCHEMA rag""" down """DROP SCHEMA rag"""\n'
        "table rag.t_a_seq {\n    x integer\n}\n"
        "table rag.t {\n    a serial\n    b integer identity\n}\n"
        "table t {\n    a serial\n}\n",
        "rename table rag.t to u\n",  # Down makes u's sequences by name, in schema rag
        "drop table rag.u\n",
    ],
    "kept_through_renames_and_drops": [
        "table t_a_seq {\n    x integer\n}\n"
        "table t {\n    a serial\n    b integer identity\n}\n",
        "rename table t to v\n"
        "alter table v {\n    rename column a to z\n}\n",
        "drop table t_a_seq\n"
        "table t {\n    a serial\n}\n",
        "alter table v {\n    drop column z\n}\n"
        "drop table v\n",
    ],
}


def model_sequences(model: SchemaModel) -> Owned:
    owned = {}
    for key in model.tables:
        table = model.tables[key]
        for column in table.columns.values():
            if column.sequence is not None:
                owned[(table.schema, table.name, column.name)] = column.sequence
    return owned


def catalog_sequences(connection: psycopg.Connection[Any]) -> Owned:
    """Every sequence a column owns (serial: an auto dependency; identity: internal)."""
    rows = connection.execute("""
        SELECT n.nspname, t.relname, a.attname, s.relname
        FROM pg_depend d
        JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        JOIN pg_namespace n ON n.oid = s.relnamespace
        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
          AND d.deptype IN ('a', 'i')
    """).fetchall()
    return {(schema, table, column): sequence for schema, table, column, sequence in rows}


def assert_catalog_matches(connection: psycopg.Connection[Any], model: SchemaModel,
                           when: str) -> None:
    expected = model_sequences(model)
    assert catalog_sequences(connection) == expected, when
    for (schema, table, column), sequence in expected.items():
        found = connection.execute("SELECT pg_get_serial_sequence(%s, %s)",
                                   [quote_qualified(table, schema), column]).fetchone()
        assert found == (quote_qualified(sequence, schema),), f"{when}: {table}.{column}"
        connection.execute("SELECT nextval(%s::regclass)", [quote_qualified(sequence, schema)])


def run(connection: psycopg.Connection[Any], statements: tuple[str, ...], what: str) -> None:
    try:
        with connection.transaction():
            for statement in statements:
                connection.execute(statement.encode())
    except psycopg.Error as failure:
        pytest.fail(f"{what}: PostgreSQL refused it: {failure.sqlstate} {failure}")


@pytest.mark.parametrize("name", CASES)
def test_each_sequence_is_named_as_the_model_says(name: str, database_url: str) -> None:
    files = [(f"0.0.{number}_{name}.shift", text)
             for number, text in enumerate(CASES[name], 1)]
    history = compile_texts(files)
    assert not history.errors, history.errors
    models = [SchemaModel(), *(compile_texts(files[:count]).model
                               for count in range(1, len(files) + 1))]
    with psycopg.connect(database_url, autocommit=True) as connection:
        for number, migration in enumerate(history.migrations, 1):
            run(connection, migration.up, f"Up {migration.version}")
            assert_catalog_matches(connection, models[number], f"after Up {migration.version}")
        for number in range(len(history.migrations), 0, -1):
            migration = history.migrations[number - 1]
            assert migration.down is not None
            run(connection, migration.down, f"Down {migration.version}")
            assert_catalog_matches(connection, models[number - 1],
                                   f"after Down {migration.version}")
        for number, migration in enumerate(history.migrations, 1):
            run(connection, migration.up, f"Up again {migration.version}")
            assert_catalog_matches(connection, models[number],
                                   f"after Up {migration.version} again")


def test_an_enum_cannot_take_the_name_of_a_sequence() -> None:
    """A sequence's row type holds its name among the schema's types too."""
    history = compile_texts([("0.0.1_enum.shift",
                              "table t {\n    a serial\n}\nenum t_a_seq (\n    'x'\n)\n")])
    assert [d.code for d in history.errors] == ["duplicate-name"]
