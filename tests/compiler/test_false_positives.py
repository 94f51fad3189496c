"""Valid migrations the compiler must accept: PostgreSQL runs them, and Down reverses them.

Each case pairs a migration history with the plain SQL it stands for. The SQL is run on a
real database (proving PostgreSQL accepts it); the history must compile without errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
import pytest

from pgshift.compiler.history import compile_texts
from pgshift.dsl import Severity, render


@dataclass(frozen=True, slots=True)
class Valid:
    files: tuple[tuple[str, str], ...]
    plain: tuple[str, ...]
    reason: str


CASES: dict[str, Valid] = {
    "check_constraint_name_reused_on_another_table": Valid(
        (("0.0.1_checks.shift", """
table documents {
    price numeric
    constraint positive check `price > 0`
}
table notes {
    price numeric
    constraint positive check `price > 0`
}
"""),),
        ("CREATE TABLE documents (price numeric CONSTRAINT positive CHECK (price > 0))",
         "CREATE TABLE notes (price numeric CONSTRAINT positive CHECK (price > 0))"),
        "two tables with a check constraint named `positive` is an error ('the name"
        " 'positive' is already used in schema 'public''); PostgreSQL scopes check and"
        " foreign key names to their table (only key constraints own a relation name)",
    ),
    "check_constraint_named_like_an_index": Valid(
        (("0.0.1_checks.shift", """
table documents {
    price numeric
}
index documents_price on documents (price)
alter table documents {
    add constraint documents_price check `price > 0`
}
"""),),
        ("CREATE TABLE documents (price numeric)",
         "CREATE INDEX documents_price ON documents (price)",
         "ALTER TABLE documents ADD CONSTRAINT documents_price CHECK (price > 0)"),
        "a check constraint named like an index is reported as a duplicate name; a check"
        " constraint is not a relation, PostgreSQL accepts it",
    ),
    "new_enum_label_quoted_in_an_unrelated_expression": Valid(
        (("0.0.1_enum.shift", """
enum status ('draft')
table notes {
    kind text
}
"""), ("0.0.2_enum.shift", """
irreversible
alter enum status add value 'archived'
alter table notes {
    add check `kind <> 'archived'`
}
""")),
        ("CREATE TYPE status AS ENUM ('draft')",
         "CREATE TABLE notes (kind text)",
         "BEGIN",
         "ALTER TYPE status ADD VALUE 'archived'",
         "ALTER TABLE notes ADD CHECK (kind <> 'archived')",
         "COMMIT"),
        "any backtick expression containing the text 'archived' is reported as using the new"
        " enum value, here a check on a text column that has nothing to do with the enum",
    ),
    "enum_created_and_extended_in_one_migration": Valid(
        (("0.0.1_enum.shift", """
enum status ('draft')
alter enum status add value 'published'
"""),),
        ("BEGIN",
         "CREATE TYPE status AS ENUM ('draft')",
         "ALTER TYPE status ADD VALUE 'published'",
         "COMMIT",
         "DROP TYPE status"),
        "adding a value to an enum created in the same migration demands `irreversible`,"
        " although that migration's Down (DROP TYPE status) removes the value with the type",
    ),
    "comment_on_a_constraint_index": Valid(
        (("0.0.1_comment.shift", """
table documents {
    id bigint primary key
}
comment on index documents_pkey is 'by id'
"""),),
        ("CREATE TABLE documents (id bigint PRIMARY KEY)",
         "COMMENT ON INDEX documents_pkey IS 'by id'"),
        "`comment on index documents_pkey` is refused with 'index 'documents_pkey' belongs to"
        " constraint 'documents_pkey' of its table: drop or rename the constraint instead';"
        " PostgreSQL comments on a constraint's index like on any other",
    ),
    "foreign_key_between_enum_columns_spelt_with_and_without_schema": Valid(
        (("0.0.1_enum.shift", """
enum status ('a')
table a {
    s public.status unique
}
table b {
    s status references a (s)
}
"""),),
        ("CREATE TYPE status AS ENUM ('a')",
         "CREATE TABLE a (s public.status UNIQUE)",
         "CREATE TABLE b (s status REFERENCES a (s))"),
        "`public.status` and `status` are one type, but the foreign key check compares the"
        " written schema (None against 'public') and says \"foreign key column 's' is status"
        " but 'a.s' is status: the types must match\"",
    ),
}


def _param(name: str) -> object:
    """Each case's `reason` says what the compiler once got wrong; now each must compile."""
    return pytest.param(name)


@pytest.mark.parametrize("name", list(CASES))
def test_postgresql_accepts_the_plain_sql(name: str, database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        for statement in CASES[name].plain:
            connection.execute(statement.encode())


@pytest.mark.parametrize("name", [_param(name) for name in CASES])
def test_the_migration_compiles(name: str) -> None:
    history = compile_texts(list(CASES[name].files))
    errors = [render(d, history.source(d.file)) for d in history.diagnostics
              if d.severity is Severity.ERROR]
    assert errors == []
