"""Objects declared `external` on a real database: `up` leaves them alone, `drift` and
`verify` build the migrations in a bare scratch database with stand-ins for them, and
leave them (and the rest of an external schema) out of the comparison."""

from __future__ import annotations

import json

from tests.e2e.cli_database_support import Project, execute

# What a platform such as Supabase has made before the project's first migration: far
# more than the migrations declare, in a schema of its own.
PLATFORM = """
CREATE SCHEMA auth;
CREATE TYPE auth.aal_level AS ENUM ('aal1', 'aal2', 'aal3');
CREATE TABLE auth.users (
    instance_id uuid,
    id uuid NOT NULL,
    email character varying(255),
    created_at timestamptz DEFAULT now(),
    CONSTRAINT users_pk PRIMARY KEY (id)
);
CREATE TABLE auth.sessions (
    id bigserial PRIMARY KEY,
    user_id uuid REFERENCES auth.users (id),
    aal auth.aal_level
);
CREATE INDEX users_instance_id_idx ON auth.users (instance_id);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT NULL::uuid $$;
CREATE TABLE public.legacy (id serial PRIMARY KEY, code text UNIQUE);
"""
DECLARATIONS = """\
external table auth.users {
    id uuid primary key
}
external enum auth.aal_level ('aal1', 'aal2', 'aal3')
external table legacy {
    id   integer primary key
    code text unique
}
"""
PROFILES = """\
table profiles {
    id        uuid primary key references auth.users (id) on delete cascade
    level     auth.aal_level not null default 'aal1'
    legacy_id integer references legacy (id)
}
"""


def _project(project: Project) -> None:
    execute(project.url, PLATFORM)
    project.write("0.0.0_platform.shift", DECLARATIONS)
    project.write("0.0.1_profiles.shift", PROFILES)
    project.compile()


def test_drift_leaves_what_is_external_out(project: Project) -> None:
    _project(project)
    project.ok("up")

    clean = project.run("drift")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "no drift" in clean.stdout

    execute(project.url, "ALTER TABLE auth.users ADD COLUMN phone text;"
                         " CREATE TABLE auth.identities (id bigint);"
                         " ALTER TABLE legacy ADD COLUMN note text;"
                         " ALTER TABLE profiles ADD COLUMN hotfix text")
    drifted = project.run("drift", "--json")
    assert drifted.returncode == 19, drifted.stdout + drifted.stderr
    differences = json.loads(drifted.stdout)["differences"]
    assert [(d["kind"], d["name"], d["change"]) for d in differences] == [
        ("column", "public.profiles.hotfix", "unexpected")]


def test_up_makes_nothing_external_and_down_drops_nothing_external(project: Project) -> None:
    _project(project)
    project.ok("up")
    assert project.version() == "0.0.1"
    project.ok("down", "2")
    tables = _tables(project)
    assert {"auth.users", "auth.sessions", "public.legacy"} <= tables
    assert "public.profiles" not in tables


def test_verify_builds_on_stand_ins(project: Project) -> None:
    project.write("0.0.0_platform.shift", DECLARATIONS)
    project.write("0.0.1_profiles.shift", PROFILES)
    project.compile()

    result = project.run("verify")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified 2 migrations" in result.stdout


def test_up_without_the_platform_fails_where_the_external_table_is_needed(
        project: Project) -> None:
    project.write("0.0.0_platform.shift", DECLARATIONS)
    project.write("0.0.1_profiles.shift", PROFILES)
    project.compile()

    failed = project.run("up")

    assert failed.returncode == 14, failed.stdout + failed.stderr
    assert "auth" in failed.stderr
    assert project.version() == "0.0.0", "the declarations alone apply: they hold no SQL"


def _tables(project: Project) -> set[str]:
    import psycopg

    with psycopg.connect(project.url) as connection:
        rows = connection.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables"
            " WHERE table_schema IN ('auth', 'public')").fetchall()
    return {row[0] for row in rows}
