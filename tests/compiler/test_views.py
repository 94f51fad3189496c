"""Views beyond the goldens: pglast loaded only for a view, the schema file's order, the
columns a materialized view offers to `index`, and the query read as PostgreSQL reads it."""

from __future__ import annotations

import subprocess
import sys

from pgshift.compiler.codegen import render_schema_file
from pgshift.compiler.history import compile_texts

TABLE = "table documents {\n    id bigint identity primary key\n    title text\n}\n"


def _loads_pglast(text: str) -> bool:
    program = (
        "import sys\n"
        "from pgshift.compiler.history import compile_texts\n"
        f"history = compile_texts([('0.0.1_a.shift', {text!r})])\n"
        "assert not history.errors, history.errors\n"
        "print('pglast' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            check=True)
    return result.stdout.strip() == "True"


def test_pglast_is_imported_only_when_a_migration_has_a_view() -> None:
    assert not _loads_pglast(TABLE)
    assert _loads_pglast(TABLE + 'view titles as """select title from documents"""\n')


def test_the_schema_file_makes_a_replaced_view_after_what_it_now_reads() -> None:
    history = compile_texts([
        ("0.0.1_a.shift", TABLE + 'view a as """select id from documents"""\n'
                                  'view b as """select id from documents"""\n'
                                  'view a as """select id from b"""\n'
                                  'materialized view m as """select id from a"""\n'
                                  'unique index m_id on m (id)\n')])
    assert not history.errors, history.errors
    schema = render_schema_file(history)
    made = [schema.index(text) for text in (
        "CREATE TABLE documents", "CREATE VIEW b AS", "CREATE VIEW a AS\nselect id from b",
        "CREATE MATERIALIZED VIEW m AS", "CREATE UNIQUE INDEX m_id ON m (id)")]
    assert made == sorted(made), schema


def test_an_index_on_a_materialized_view_names_the_columns_its_query_returns() -> None:
    view = (TABLE + 'materialized view m as """\n'
            '    select d.id as key, upper(title), title::varchar from documents d\n"""\n')
    history = compile_texts([("0.0.1_a.shift", view + "index m_all on m (key, upper, title)\n")])
    assert not history.errors, history.errors
    history = compile_texts([("0.0.1_a.shift", view + "index m_id on m (id)\n")])
    assert [(d.code, d.message) for d in history.errors] == [
        ("unknown-column", "table 'm' has no column 'id'")]


def test_a_cte_is_no_table_and_a_string_no_column() -> None:
    history = compile_texts([("0.0.1_a.shift", TABLE + 'view v as """\n'
                              "    with recent as (select id from documents)\n"
                              "    select r.id, 'drop column title' as note from recent r\n"
                              '"""\nalter table documents {\n    drop column title\n}\n')])
    assert not history.errors, history.errors


def test_the_schema_file_holds_view_options_and_comments() -> None:
    history = compile_texts([
        ("0.0.1_a.shift", "schema rag\ncomment on schema rag is 'Retrieval'\n"
                          "sequence tickets\ncomment on sequence tickets is 'Numbers'\n"
                          'function one() returns int language sql as """select 1"""\n'
                          "comment on function one() is 'One'\n" + TABLE
         + 'view v with (security_invoker = true) as """select id from documents"""'
           " with check option\ncomment on view v is 'Ids'\n")])
    assert not history.errors, history.errors
    schema = render_schema_file(history)
    for text in ("CREATE SCHEMA rag;\n\nCOMMENT ON SCHEMA rag IS 'Retrieval';",
                 "CREATE SEQUENCE tickets;\n\nCOMMENT ON SEQUENCE tickets IS 'Numbers';",
                 "CREATE VIEW v WITH (security_invoker=true) AS\nselect id from documents\n"
                 "WITH CASCADED CHECK OPTION;\n\nCOMMENT ON VIEW v IS 'Ids';",
                 "$function$;\n\nCOMMENT ON FUNCTION one() IS 'One';"):
        assert text in schema, schema
    assert "standard public schema" not in schema
