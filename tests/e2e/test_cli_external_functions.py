"""`external function` on a real database: `up` and `down` leave the platform's function
alone; `drift` and `verify` build the migrations in a bare scratch database on a stand-in
for it (a trigger executes it, a default calls it) and leave it, every overload of its
name, out of the comparison."""

from __future__ import annotations

import json

from tests.e2e.cli_database_support import Project, execute

# The platform's functions, in `public` (which the migrations own) and in a schema of its
# own: with bodies and overloads the declarations do not say.
PLATFORM = """
CREATE FUNCTION public.current_tenant() RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT '00000000-0000-0000-0000-000000000001'::uuid $$;
CREATE FUNCTION public.current_tenant(fallback uuid) RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT fallback $$;
CREATE SCHEMA audit;
CREATE TABLE audit.changes (relation text, operation text);
CREATE FUNCTION audit.log_change() RETURNS trigger LANGUAGE plpgsql AS $$
begin
    insert into audit.changes values (tg_table_name, tg_op);
    return null;
end
$$;
"""
DECLARATIONS = """\
external function current_tenant() returns uuid
external function audit.log_change() returns trigger
"""
NOTES = """\
table notes {
    id     bigint identity primary key
    tenant uuid not null default `current_tenant()`
    body   text
}
trigger notes_audit after insert or delete on notes for each row
    execute function audit.log_change()
"""


def _project(project: Project) -> None:
    project.write("0.0.0_platform.shift", DECLARATIONS)
    project.write("0.0.1_notes.shift", NOTES)
    project.compile()


def test_up_uses_the_platform_s_functions_and_drift_leaves_them_out(project: Project) -> None:
    execute(project.url, PLATFORM)
    _project(project)
    project.ok("up")
    execute(project.url, "INSERT INTO notes (body) VALUES ('x')")

    clean = project.run("drift")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "no drift" in clean.stdout

    execute(project.url, "CREATE OR REPLACE FUNCTION audit.log_change() RETURNS trigger"
                         " LANGUAGE plpgsql AS $$ begin return null; end $$;"
                         " CREATE FUNCTION public.hotfix() RETURNS int LANGUAGE sql"
                         " AS $$ SELECT 1 $$")
    drifted = project.run("drift", "--json")
    assert drifted.returncode == 19, drifted.stdout + drifted.stderr
    differences = json.loads(drifted.stdout)["differences"]
    assert [(d["kind"], d["name"], d["change"]) for d in differences] == [
        ("function", "public.hotfix()", "unexpected")]

    project.ok("down", "2")
    execute(project.url, "SELECT public.current_tenant(),"
                         " 'audit.log_change()'::regprocedure")  # both still there


def test_verify_builds_on_stand_ins_for_them(project: Project) -> None:
    _project(project)

    result = project.run("verify")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified 2 migrations" in result.stdout
