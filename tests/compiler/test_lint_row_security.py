"""row-security-without-policy: the finding is made on the table as the whole migration
leaves it, and what it warns of is PostgreSQL's behaviour, shown on the server: a role that
does not own the table reads no row of it once row-level security is on without a policy.
The rule's four proofs (found, safe form, allow comment, a new table) are in
test_lint_rules.py."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from pgshift.compiler.history import compile_texts

CODE = "row-security-without-policy"
BASE = """\
table documents {
    id    bigint identity primary key
    title text
}
"""
ENABLE = "alter table documents {\n    enable row level security\n}\n"


def _findings(*migrations: str) -> list[tuple[int, int]]:
    files = [("0.0.1_base.shift", BASE)]
    files += [(f"0.0.{n}_step.shift", text) for n, text in enumerate(migrations, 2)]
    history = compile_texts(files)
    assert not history.errors, history.errors
    found = [d.span for d in history.diagnostics if d.code == CODE]
    return [(span.line, span.column) for span in found if span is not None]


def test_the_finding_points_at_the_enable() -> None:
    assert _findings("table tags {\n    id bigint primary key\n}\n" + ENABLE) == [(5, 5)]


def test_a_policy_written_after_the_enable_is_seen() -> None:
    assert _findings(ENABLE + "policy documents_all on documents using `true`\n") == []


def test_a_policy_the_migration_drops_again_is_not() -> None:
    assert len(_findings(ENABLE + "policy documents_all on documents using `true`\n"
                         "drop policy documents_all on documents\n")) == 1


def test_a_policy_an_earlier_migration_made_counts() -> None:
    assert _findings("policy documents_all on documents using `true`\n", ENABLE) == []


def test_a_table_renamed_afterwards_is_still_followed() -> None:
    assert len(_findings(ENABLE + "rename table documents to papers\n")) == 1


@pytest.mark.parametrize("after", [
    "alter table documents {\n    disable row level security\n}\n",
    "drop table documents\n",
])
def test_no_finding_when_the_migration_ends_without_it(after: str) -> None:
    assert _findings(ENABLE + after) == []


def test_force_alone_is_not_this_rule() -> None:
    assert _findings("alter table documents {\n    force row level security\n}\n") == []


def _up(*migrations: str) -> list[str]:
    files = [("0.0.1_base.shift", BASE)]
    files += [(f"0.0.{n}_step.shift", text) for n, text in enumerate(migrations, 2)]
    history = compile_texts(files)
    assert not history.errors, history.errors
    return [sql for migration in history.migrations for sql in migration.up]


def _rows_seen_by_a_reader(database_url: str, up: list[str]) -> int:
    """`up` run by the table's owner, then the rows a role granted SELECT reads."""
    role = f"pgshift_reader_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {role} NOLOGIN")
        try:
            for sql in up:
                connection.execute(sql.encode())
            connection.execute("INSERT INTO documents (title) VALUES ('a'), ('b')")
            connection.execute(f"GRANT SELECT ON documents TO {role}")
            with connection.transaction():
                connection.execute(f"SET LOCAL ROLE {role}")
                row = connection.execute("SELECT count(*) FROM documents").fetchone()
            assert row is not None
            return int(row[0])
        finally:
            connection.execute(f"DROP OWNED BY {role}")
            connection.execute(f"DROP ROLE {role}")


def test_postgresql_shows_a_reader_no_row_without_a_policy(database_url: str) -> None:
    assert _rows_seen_by_a_reader(database_url, _up(ENABLE)) == 0


def test_postgresql_shows_a_reader_the_rows_a_policy_lets_through(database_url: str) -> None:
    safe = ENABLE + "policy documents_read on documents for select using `true`\n"
    assert _rows_seen_by_a_reader(database_url, _up(safe)) == 2
