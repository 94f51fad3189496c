"""What catalog snapshots (drift, verify, baseline) see of functions and triggers: triggers
on views, every option of a function, and no external function (its scratch stand-in is
not the platform's function), on a real server."""

from __future__ import annotations

from typing import Any

import psycopg

from pgshift.compiler.history import compile_texts
from pgshift.runner.catalog import snapshot
from pgshift.runner.drift import compare
from pgshift.runner.externals import NO_EXTERNALS, ExternalObjects, stand_in_up

SCHEMA = """\
CREATE TABLE notes (id bigint PRIMARY KEY, title text);
CREATE VIEW note_titles AS SELECT id, title FROM notes;
CREATE FUNCTION note_write() RETURNS trigger LANGUAGE plpgsql AS $$begin return new; end$$;
CREATE TRIGGER note_titles_write INSTEAD OF INSERT ON note_titles
    FOR EACH ROW EXECUTE FUNCTION note_write();
CREATE FUNCTION uid() RETURNS uuid LANGUAGE sql AS $$select null::uuid$$;
CREATE FUNCTION uid(text) RETURNS uuid LANGUAGE sql AS $$select null::uuid$$;
CREATE FUNCTION tuned() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = ''
    PARALLEL SAFE AS $$select 1$$;
"""


def _snapshot(url: str, setup: str, external: ExternalObjects = NO_EXTERNALS
              ) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        connection.execute(setup.encode())
        return snapshot(connection, external=external)


def test_a_trigger_on_a_view_is_in_the_snapshot(database_url: str) -> None:
    taken = _snapshot(database_url, SCHEMA)
    assert [row[:3] for row in taken["triggers"]] == [
        ("public", "note_titles", "note_titles_write")]


def test_an_external_function_is_left_out_with_its_overloads(database_url: str) -> None:
    external = ExternalObjects(functions=(("public", "uid"),))
    taken = _snapshot(database_url, SCHEMA, external)
    assert [row[1] for row in taken["functions"]] == ["note_write()", "tuned()"]


def test_a_function_s_settings_and_parallel_safety_are_compared(database_url: str) -> None:
    before = _snapshot(database_url, SCHEMA)
    after = _snapshot(database_url, SCHEMA.replace("SET search_path = ''", "")
                      .replace("PARALLEL SAFE", ""))
    assert [d.name for d in compare(before, after)] == ["public.tuned()"]


def test_an_external_function_s_stand_in_builds_what_uses_it(database_url: str) -> None:
    """A scratch database makes `auth.uid()` and `audit.log()` (a trigger function) before the
    statements that use them, and nothing where a function of the name exists."""
    history = compile_texts([("0.0.1_a.shift", """\
external function auth.uid() returns uuid
external function audit.log() returns trigger
external function public.ids(uuid, text[]) returns setof bigint
table notes {
    id     bigint primary key
    author uuid default `auth.uid()`
}
trigger notes_log after insert on notes for each row execute function audit.log()
""")])
    (compiled,) = history.migrations
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS auth, audit CASCADE")
        connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        connection.execute("CREATE FUNCTION ids(uuid, text[]) RETURNS SETOF bigint"
                           " LANGUAGE sql AS $$select 7::bigint$$")
        for sql in stand_in_up(compiled.up, compiled.externals):
            connection.execute(sql.encode())
        assert connection.execute("SELECT auth.uid()").fetchone() == (None,)
        assert connection.execute("SELECT ids(NULL, NULL)").fetchall() == [(7,)]
        connection.execute("INSERT INTO notes (id) VALUES (1)")  # the trigger fires
