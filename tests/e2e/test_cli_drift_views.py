"""`drift` on a real database for what views carry besides their query: options (a view
made `security_invoker` and reset by hand), comments (on a view, a schema and a function),
and whether a materialized view is populated (`with no data` and never refreshed, against
refreshed)."""

from __future__ import annotations

import psycopg

from tests.e2e.cli_database_support import Project

MIGRATION = '''\
schema rag
comment on schema rag is 'Retrieval'

table rag.documents {
    id    bigint identity primary key
    title text not null
}

view rag.titles with (security_invoker = true) as """select id, title from rag.documents"""
comment on view rag.titles is 'Every title'

materialized view rag.counted as """select count(*) as documents from rag.documents"""
    with no data
materialized view rag.refreshed as """select max(id) as newest from rag.documents"""
    with no data
refresh materialized view rag.refreshed

function rag.add_one(x integer) returns integer language sql as """select x + 1"""
comment on function rag.add_one(integer) is 'Adds one'
'''


def test_drift_compares_view_options_comments_and_populated(project: Project) -> None:
    project.write("0.0.1_views.shift", MIGRATION)
    project.compile()
    project.ok("up")
    clean = project.run("drift")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    with psycopg.connect(project.url, autocommit=True) as connection:
        connection.execute("ALTER VIEW rag.titles RESET (security_invoker)")
        connection.execute("COMMENT ON VIEW rag.titles IS 'Titles'")
        connection.execute("COMMENT ON SCHEMA rag IS NULL")
        connection.execute("REFRESH MATERIALIZED VIEW rag.counted")
        connection.execute("REFRESH MATERIALIZED VIEW rag.refreshed WITH NO DATA")
        connection.execute("COMMENT ON FUNCTION rag.add_one(integer) IS 'Plus one'")
    drifted = project.run("drift")
    assert drifted.returncode == 19, drifted.stdout + drifted.stderr
    out = drifted.stdout
    assert ("~ view rag.titles differs: the database has SELECT id, title FROM"
            " rag.documents; the migrations give SELECT id, title FROM rag.documents, options"
            " security_invoker=true\n") in out, out
    assert "~ relation rag.titles differs: the database has view, comment 'Titles';" in out
    assert "~ schema rag differs: the database has installed; the migrations give comment" \
           " 'Retrieval'" in out, out
    assert ("~ view rag.counted differs: the database has SELECT count(*) AS documents FROM"
            " rag.documents; the migrations give SELECT count(*) AS documents FROM"
            " rag.documents, not populated") in out, out
    assert ("~ view rag.refreshed differs: the database has SELECT max(id) AS newest FROM"
            " rag.documents, not populated; the migrations give SELECT max(id) AS newest FROM"
            " rag.documents\n") in out, out
    assert "~ function rag.add_one(x integer) differs" in out, out
    assert out.count("comment 'Plus one'") == 1, out
    assert "comment 'Adds one'" in out, out
