"""The compiler's judgement of which views take a check option (compiler/view_check.py),
held against PostgreSQL's: each query made a view WITH CHECK OPTION on the real server,
which must accept exactly those the compiler lets through."""

from __future__ import annotations

import psycopg
import pytest

from pgshift.compiler.history import compile_texts
from pgshift.compiler.view_check import not_updatable

TABLES = """\
table documents {
    id    bigint identity primary key
    title text not null
    tags  text[]
}
table owners {
    id   bigint identity primary key
    name text
}
view titled as \"\"\"select id, title from documents where title <> ''\"\"\"
view counted as \"\"\"select count(*) as n from documents\"\"\"
materialized view stored as \"\"\"select id, title from documents\"\"\"
"""

QUERIES = [
    "select id, title from documents",
    "select id, upper(title) as shout, title from documents where id > 10",
    "select d.id, d.title from documents d where exists (select 1 from owners o)",
    "select id, title from titled",
    "select id from documents order by id",
    "select count(*) as n from documents",
    "select id, count(*) as n from documents group by id",
    "select distinct title from documents",
    "select id from documents limit 5",
    "select id from documents offset 1",
    "select id from documents union select id from owners",
    "select d.id from documents d join owners o on o.id = d.id",
    "select d.id from documents d, owners",
    "select n from counted",
    "select id from stored",
    "select id, row_number() over () as place from documents",
    "select id, unnest(tags) as tag from documents",
    "with recent as (select id from documents) select id from recent",
    "select * from (select id from documents) s",
    "values (1)",
    "select 1 as one",
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_check_option_is_refused_exactly_where_postgresql_refuses_it(
        query: str, database_url: str) -> None:
    history = compile_texts([("0.0.1_a.shift", TABLES)])
    assert not history.errors, history.errors
    model = history.model
    judged = not_updatable(query, model)
    with psycopg.connect(database_url) as connection:
        for migration in history.migrations:
            for sql in migration.up:
                connection.execute(sql.encode())
        try:
            connection.execute(f"CREATE VIEW checked AS {query} WITH CHECK OPTION".encode())
            accepted = True
        except psycopg.errors.FeatureNotSupported:
            accepted = False
        connection.rollback()
    assert accepted == (judged is None), judged
