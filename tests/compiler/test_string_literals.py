"""String literals pgshift writes mean the same whatever standard_conforming_strings says
(issue 17.2): with it off, a backslash in '…' escapes the quote after it, so a comment
`x\\'; DROP TABLE victim; --` written as '…' would end early and run the DROP.

The compiled SQL is applied here with psycopg directly, in a database whose default is
`standard_conforming_strings = off`, so that nothing the runner may set for its own
session hides what the SQL itself means.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgshift.compiler.history import compile_texts
from pgshift.compiler.quoting import quote_literal

INJECTION = "x\\'; DROP TABLE victim; --"
HOSTILE = ["x\\'; DROP TABLE victim; --", "\\", "a\\\\b", "it's \\' \\\\'", "C:\\temp\\",
           "\\x41\\n", "''\\''"]


@pytest.mark.parametrize(("value", "literal"), [
    ("plain", "'plain'"),
    ("it's", "'it''s'"),
    ("a\\b", "E'a\\\\b'"),
    ("x\\'", "E'x\\\\'''"),
    ("", "''"),
])
def test_a_backslash_makes_an_escape_string_and_nothing_else_does(value: str,
                                                                  literal: str) -> None:
    assert quote_literal(value) == literal


def _s(text: str) -> str:
    """`text` as a pgshift string ('' for a quote; backslashes are plain text)."""
    return "'" + text.replace("'", "''") + "'"


def test_an_index_parameter_with_a_backslash_is_an_escape_string_too() -> None:
    history = compile_texts([("0.0.1_index.shift", "table t {\n    a text\n}\n"
                              "index t_a on t (a) with (x = 'a\\b')\n")])
    assert "WITH (x = E'a\\\\b')" in history.migrations[0].up[1]


def _without_standard_strings(database_url: str) -> psycopg.Connection[Any]:
    """A connection to the test's database after making `off` its default."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        name = connection.execute("SELECT current_database()").fetchone()
        assert name is not None
        connection.execute(sql.SQL("ALTER DATABASE {} SET standard_conforming_strings = off")
                           .format(sql.Identifier(name[0])))
    connection = psycopg.connect(database_url, autocommit=True)
    setting = connection.execute("SHOW standard_conforming_strings").fetchone()
    assert setting == ("off",)
    return connection


def _apply(connection: psycopg.Connection[Any], statements: tuple[str, ...]) -> None:
    with connection.transaction():
        for statement in statements:
            connection.execute(statement.encode())


def _victim_survives(connection: psycopg.Connection[Any]) -> bool:
    row = connection.execute("SELECT to_regclass('victim') IS NOT NULL").fetchone()
    return row == (True,)


def test_a_comment_cannot_end_early_on_a_server_without_standard_strings(
        database_url: str) -> None:
    history = compile_texts([("0.0.1_comment.shift", "table t {\n    id integer\n}\n"
                              f"comment on column t.id is {_s(INJECTION)}\n")])
    assert history.errors == []
    with _without_standard_strings(database_url) as connection:
        connection.execute("CREATE TABLE victim (id int)")
        _apply(connection, history.migrations[0].up)
        assert _victim_survives(connection)
        comment = connection.execute("SELECT col_description('t'::regclass, 1)").fetchone()
        assert comment == (INJECTION,)


def test_every_string_slot_keeps_its_text_on_a_server_without_standard_strings(
        database_url: str) -> None:
    """Defaults (plain and inside a call), enum labels created, added and renamed, comments
    on a table, a column and an index: each holding backslashes and quotes."""
    first, second, third = HOSTILE[0], HOSTILE[3], HOSTILE[4]
    labels = ", ".join(_s(label) for label in HOSTILE)
    files = [
        ("0.0.1_values.shift",
         f"enum mood ({labels})\n"
         "table t {\n"
         f"    a text default {_s(first)}\n"
         f"    b text default concat({_s(second)}, {_s(third)})\n"
         f"    m mood default {_s(HOSTILE[1])}\n"
         "}\n"
         "index t_a on t (a)\n"
         f"comment on table t is {_s(second)}\n"
         f"comment on column t.a is {_s(third)}\n"
         f"comment on index t_a is {_s(first)}\n"),
        ("0.0.2_labels.shift",
         "irreversible 'enum values cannot be removed'\n"
         f"alter enum mood add value {_s('new' + first)} before {_s(HOSTILE[2])}\n"
         f"alter enum mood rename value {_s(HOSTILE[5])} to {_s('renamed' + second)}\n"
         "alter table t {\n"
         f"    alter column a set default {_s(third)}\n"
         "}\n"),
    ]
    history = compile_texts(files)
    assert history.errors == []
    with _without_standard_strings(database_url) as connection:
        connection.execute("CREATE TABLE victim (id int)")
        for migration in history.migrations:
            _apply(connection, migration.up)
        assert _victim_survives(connection)
        labels_now = connection.execute(
            "SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum"
            " WHERE enumtypid = 'mood'::regtype").fetchone()
        expected = [*HOSTILE[:2], "new" + first, *HOSTILE[2:5], "renamed" + second, HOSTILE[6]]
        assert labels_now == (expected,)
        connection.execute("INSERT INTO t DEFAULT VALUES")
        row = connection.execute("SELECT a, b, m::text FROM t").fetchone()
        assert row == (third, second + third, HOSTILE[1])
        comments = connection.execute(
            "SELECT obj_description('t'::regclass, 'pg_class'), col_description('t'::regclass, 1),"
            " obj_description('t_a'::regclass, 'pg_class')").fetchone()
        assert comments == (second, third, first)
