"""A column renamed to any name is renamed in the SQL text the model keeps (issue 17.9).

The model keeps check, index and default expressions as text, and rewrites the column's
name in them on a rename; Down recreates what a later drop destroyed from that text. A
new name such as `a\\s`, `\\g<0>` or `\\1` once went into a regex replacement as a template
(an internal error, or the wrong name in Down). Here each is renamed to and away from on a
real PostgreSQL: Up, then Down all the way, must give back the first catalog.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pgshift.compiler.history import compile_texts
from pgshift.compiler.sqltext import rename_in
from pgshift.runner.catalog import snapshot

NAMES = {
    "backslash_s": "a\\s",
    "backslash_n": "a\\nb",
    "dollar_1": "$1",
    "group_0": "\\g<0>",
    "group_1": "\\1",
    "trailing_backslash": "x\\",
    "double_quote": 'q"uote',
    "upper_case": "Upper",
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _files(name: str) -> list[tuple[str, str]]:
    """A column used by a check, a default, an index expression and predicate, renamed to
    `name` and then away from it, and what used it dropped: Down rebuilds it from the text."""
    return [
        ("0.0.1_table.shift",
         "table t {\n    a integer check `a > 0`\n    b integer default `1`\n}\n"
         "index t_expr on t (`a + 1`) where `a > 0 and b > 0`\n"),
        ("0.0.2_rename.shift", f"alter table t {{\n    rename column a to {_q(name)}\n}}\n"),
        ("0.0.3_generated.shift",
         f"alter table t {{\n    add column g integer generated always as `{_q(name)} * 2`"
         " stored\n}\n"),
        ("0.0.4_rename_again.shift",
         f"alter table t {{\n    rename column {_q(name)} to c\n}}\n"),
        ("0.0.5_drop.shift",
         "alter table t {\n    drop constraint t_a_check\n    drop column g\n}\n"
         "drop index t_expr\n"),
    ]


def _run(connection: psycopg.Connection[Any], statements: tuple[str, ...]) -> None:
    with connection.transaction():
        for statement in statements:
            connection.execute(statement.encode())


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_renaming_to_and_from_any_name_keeps_down_exact(name: str, database_url: str) -> None:
    history = compile_texts(_files(name))
    assert [d.message for d in history.errors] == []
    with psycopg.connect(database_url, autocommit=True) as connection:
        before = [snapshot(connection)]
        for migration in history.migrations:
            _run(connection, migration.up)
            before.append(snapshot(connection))
        for index, migration in reversed(list(enumerate(history.migrations))):
            assert migration.down is not None
            _run(connection, migration.down)
            assert snapshot(connection) == before[index], migration.version


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_the_new_name_is_written_as_it_is(name: str) -> None:
    assert rename_in("a > 0 and a(1) = 'a'", "a", name) == f"{_q(name)} > 0 and a(1) = 'a'"
    assert rename_in(f"{_q(name)} > 0", name, "a") == "a > 0"
