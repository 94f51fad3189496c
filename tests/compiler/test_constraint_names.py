"""Unnamed constraints get the names PostgreSQL itself would give them.

pgshift writes every constraint name into its SQL (so Down can drop exactly what Up made)
and chooses the names PostgreSQL would have chosen for the same DDL without names. Each
case runs the hand-written, unnamed SQL in one schema and pgshift's Up in another of the
same database, and compares the constraints the two produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgshift.compiler.history import compile_texts

Row = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class NamingCase:
    shift: str
    plain: tuple[str, ...]


LONG_TABLE = "t" * 40
LONG_A = "a" * 40
LONG_B = "b" * 40
WIDE_TABLE = "é" * 30  # 60 bytes
WIDE_COLUMN = "ü" * 20  # 40 bytes

CASES: dict[str, NamingCase] = {
    "column_constraints": NamingCase(
        """
table t {
    id     bigint primary key
    email  text unique
    age    integer check `age > 0`
    parent bigint references t
}
""",
        ("CREATE TABLE t (id bigint PRIMARY KEY, email text UNIQUE,"
         " age integer CHECK (age > 0), parent bigint REFERENCES t)",),
    ),
    "table_constraints_on_several_columns": NamingCase(
        """
table t {
    a integer
    b integer
    c integer
    primary key (a, b)
    unique (b, a)
    unique nulls not distinct (c, b)
    check `a < b`
    foreign key (c, a) references t (a, b)
}
""",
        ("CREATE TABLE t (a integer, b integer, c integer, PRIMARY KEY (a, b), UNIQUE (b, a),"
         " UNIQUE NULLS NOT DISTINCT (c, b), CHECK (a < b),"
         " FOREIGN KEY (c, a) REFERENCES t (a, b))",),
    ),
    "long_names_are_shortened": NamingCase(
        f"""
table {LONG_TABLE} {{
    {LONG_A} integer primary key
    {LONG_B} integer unique references {LONG_TABLE}
    unique ({LONG_A}, {LONG_B})
}}
""",
        (f"CREATE TABLE {LONG_TABLE} ({LONG_A} integer PRIMARY KEY,"
         f" {LONG_B} integer UNIQUE REFERENCES {LONG_TABLE}, UNIQUE ({LONG_A}, {LONG_B}))",),
    ),
    "multibyte_names_are_shortened_by_whole_characters": NamingCase(
        f"""
table "{WIDE_TABLE}" {{
    "{WIDE_COLUMN}" integer unique
    id integer primary key
}}
""",
        (f'CREATE TABLE "{WIDE_TABLE}" ("{WIDE_COLUMN}" integer UNIQUE, id integer PRIMARY KEY)',),
    ),
    "taken_names_get_a_number": NamingCase(
        """
table t_b_key {
    x integer
}
table t {
    a integer unique
    b integer unique
}
alter table t {
    add unique (a)
}
""",
        ("CREATE TABLE t_b_key (x integer)",
         "CREATE TABLE t (a integer UNIQUE, b integer UNIQUE)",
         "ALTER TABLE t ADD UNIQUE (a)"),
    ),
    "constraints_added_by_alter_table": NamingCase(
        """
table t {
    id integer primary key
    a  integer
    b  integer
}
alter table t {
    add unique (a, b)
    add foreign key (b) references t
    add column c integer unique references t check `c > 0`
}
""",
        ("CREATE TABLE t (id integer PRIMARY KEY, a integer, b integer)",
         "ALTER TABLE t ADD UNIQUE (a, b)",
         "ALTER TABLE t ADD FOREIGN KEY (b) REFERENCES t",
         "ALTER TABLE t ADD COLUMN c integer UNIQUE REFERENCES t CHECK (c > 0)"),
    ),
    "table_check_on_one_column": NamingCase(
        """
table t {
    a integer
    check `a > 0`
    check `a < 10`
}
""",
        ("CREATE TABLE t (a integer, CHECK (a > 0), CHECK (a < 10))",),
    ),
    "added_check_on_one_column": NamingCase(
        """
table t {
    a integer
}
alter table t {
    add check `a > 0`
}
""",
        ("CREATE TABLE t (a integer)", "ALTER TABLE t ADD CHECK (a > 0)"),
    ),
    "column_check_on_other_columns": NamingCase(
        """
table t {
    a integer check `a < b`
    b integer
    c integer check `1 > 0`
}
""",
        ("CREATE TABLE t (a integer CHECK (a < b), b integer, c integer CHECK (1 > 0))",),
    ),
}

WRONG_NAMES = (
    "PostgreSQL names a CHECK by the columns its expression uses (tab_col_check when it uses"
    " exactly one, tab_check otherwise), wherever it is written; pgshift names a column"
    " check tab_col_check and a table-level or added check tab_check, so `check `a > 0``"
    " in a table becomes t_check instead of PostgreSQL's t_a_check"
)
KNOWN_WRONG: dict[str, str] = {}


def _constraints(connection: psycopg.Connection[Any], schema: str) -> set[Row]:
    query = """
        SELECT c.relname, con.conname, con.contype::text, pg_get_constraintdef(con.oid)
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s
    """
    return {tuple(row) for row in connection.execute(query.encode(), [schema])}


def _in_schema(connection: psycopg.Connection[Any], schema: str,
               statements: tuple[str, ...]) -> set[Row]:
    connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    connection.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(schema)))
    for statement in statements:
        connection.execute(statement.encode())
    return _constraints(connection, schema)


def _param(name: str) -> object:
    if name in KNOWN_WRONG:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_WRONG[name]))
    return name


@pytest.mark.parametrize("name", [_param(name) for name in CASES])
def test_default_names_match_postgresql(name: str, database_url: str) -> None:
    case = CASES[name]
    history = compile_texts([("0.0.1_naming.shift", case.shift)])
    assert not history.errors
    with psycopg.connect(database_url, autocommit=True) as connection:
        expected = _in_schema(connection, "plain", case.plain)
        actual = _in_schema(connection, "compiled", history.migrations[0].up)
    assert sorted(actual) == sorted(expected)
