"""runner/externals.py and the catalog's side of it: where a scratch database makes the
stand-ins of a migration's external objects, and what snapshots leave out."""

from __future__ import annotations

import psycopg

from pgshift.runner.catalog import snapshot
from pgshift.runner.externals import External, ExternalObjects, stand_in_up, with_stand_ins
from pgshift.runner.locks import Lock
from pgshift.runner.migration import Migration, StatementPlan

SCHEMA = External("schema", "auth", stand_in=("CREATE SCHEMA IF NOT EXISTS auth",))
USERS = External("table", "auth", "users", 0, ("CREATE TABLE IF NOT EXISTS auth.users ()",))
LEGACY = External("table", "public", "legacy", 1, ("CREATE TABLE IF NOT EXISTS legacy ()",))
LOCKED = StatementPlan(locks=(Lock("public", "a", "ACCESS EXCLUSIVE"),))


def _migration(*externals: External) -> Migration:
    return Migration("0.0.1", "x", "sum", True, ("A", "B"), ("b", "a"), (LOCKED, LOCKED),
                     (LOCKED, LOCKED), step_sizes=((1, 1), (1, 1)), externals=externals)


def test_each_stand_in_comes_before_the_statement_at_its_position() -> None:
    assert stand_in_up(("A", "B"), (SCHEMA, USERS, LEGACY)) == (
        "CREATE SCHEMA IF NOT EXISTS auth", "CREATE TABLE IF NOT EXISTS auth.users ()", "A",
        "CREATE TABLE IF NOT EXISTS legacy ()", "B")
    at_the_end = External("type", "public", "t", 2, ("T",))
    assert stand_in_up(("A", "B"), (at_the_end,)) == ("A", "B", "T")
    assert stand_in_up((), (SCHEMA,)) == ("CREATE SCHEMA IF NOT EXISTS auth",)


def test_a_scratch_migration_plans_its_stand_ins_as_ordinary_statements() -> None:
    scratch = with_stand_ins(_migration(USERS, LEGACY))
    assert scratch.up_sql == ("CREATE TABLE IF NOT EXISTS auth.users ()", "A",
                              "CREATE TABLE IF NOT EXISTS legacy ()", "B")
    assert scratch.up_plans == (StatementPlan(), LOCKED, StatementPlan(), LOCKED)
    assert scratch.down_sql == ("b", "a")
    assert scratch.step_sizes == ()
    plain = _migration()
    assert with_stand_ins(plain) is plain


def test_external_objects_of_migrations() -> None:
    found = ExternalObjects.of_migrations([_migration(SCHEMA, USERS), _migration(LEGACY, USERS)])
    assert found == ExternalObjects(("auth",), (("auth", "users"), ("public", "legacy")))


PLATFORM = """
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql AS $$ SELECT NULL::uuid $$;
CREATE VIEW auth.emails AS SELECT email FROM auth.users;
CREATE TYPE public.mood AS ENUM ('ok');
CREATE TABLE public.legacy (id bigserial PRIMARY KEY, n int GENERATED ALWAYS AS IDENTITY,
                            mood mood);
CREATE INDEX legacy_mood ON public.legacy (mood);
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER legacy_touch BEFORE UPDATE ON public.legacy
    FOR EACH ROW EXECUTE FUNCTION public.touch();
ALTER TABLE public.legacy ENABLE ROW LEVEL SECURITY;
CREATE POLICY legacy_all ON public.legacy USING (true);
CREATE TABLE public.profiles (id uuid PRIMARY KEY REFERENCES auth.users (id),
                              legacy_id bigint REFERENCES public.legacy (id));
"""
EXTERNAL = ExternalObjects(("auth",), (("public", "legacy"), ("public", "mood")))


def test_a_snapshot_leaves_external_objects_out(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(PLATFORM.encode())
        everything = snapshot(connection)
        owned = snapshot(connection, external=EXTERNAL)

    def names(taken: dict[str, list[tuple[object, ...]]], kind: str) -> set[str]:
        width = 3 if kind in ("columns", "constraints", "triggers", "policies") else (
            1 if kind == "schemas" else 2)  # a schema's row: its name, then its comment
        return {".".join(str(part) for part in row[:width]) for row in taken[kind]}

    assert "auth" in names(everything, "schemas")
    assert "auth" not in names(owned, "schemas")
    assert names(owned, "tables") == {"public.profiles"}
    assert names(owned, "columns") == {"public.profiles.id", "public.profiles.legacy_id"}
    assert names(owned, "constraints") - {"public.profiles.profiles_id_not_null"} == {
        "public.profiles.profiles_pkey", "public.profiles.profiles_id_fkey",
        "public.profiles.profiles_legacy_id_fkey"}  # PostgreSQL 18 lists NOT NULL, too
    assert names(owned, "indexes") == {"public.profiles_pkey"}
    for kind in ("sequences", "triggers", "policies", "enums", "views"):
        assert owned[kind] == [], kind
    assert names(owned, "functions") == {"public.touch()"}, "only what is in auth goes"
    for kind in ("sequences", "triggers", "policies", "enums", "views"):
        assert everything[kind], kind
