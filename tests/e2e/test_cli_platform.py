"""Rebuilding a schema written for a platform: `scratch_setup` (a SQL script run in every
scratch database before any migration) and the scratch server (`scratch_database_url`,
PGSHIFT_SCRATCH_DATABASE_URL, --scratch-database-url).

The platform is played by the test server: a role (Supabase's `anon`, here with a name of
its own, since roles are cluster-wide and the server is shared) and `uuid_generate_v4()`,
which the live database has and a bare server does not. The live database's function is
defined otherwise than the setup script's stand-in, as a platform's real one would be.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from tests.e2e.cli_database_support import INITIAL, Project, as_uri, execute, with_password

SESSIONS = """\
table sessions {{
    id uuid primary key default uuid_generate_v4()
}}
sql \"\"\"grant select on documents to {role}\"\"\"
down \"\"\"revoke select on documents from {role}\"\"\"
"""
# How the platform defines it (the live database), and the setup script's stand-in.
PLATFORM_FUNCTION = """\
CREATE FUNCTION public.uuid_generate_v4() RETURNS uuid LANGUAGE plpgsql VOLATILE
    AS $$ BEGIN RETURN gen_random_uuid(); END $$
"""
SETUP = """\
-- What the platform provides. Roles are cluster-wide: made once per server, so only if missing.
DO $$
BEGIN
    CREATE ROLE {role} NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
CREATE FUNCTION public.uuid_generate_v4() RETURNS uuid LANGUAGE sql VOLATILE
    AS $$ SELECT gen_random_uuid() $$;
"""
# Leaves the scratch database's name where the test can read it after the run.
RECORD_DATABASE = """\
DO $$ BEGIN EXECUTE format('COMMENT ON ROLE %I IS %L', '{role}', current_database()); END $$;
"""


@pytest.fixture
def role(project: Project, server_url: str) -> Iterator[str]:
    """The platform's role on the test server, dropped afterwards with its grants."""
    name = f"anon_{uuid.uuid4().hex[:8]}"
    execute(server_url, f"CREATE ROLE {name} NOLOGIN")
    yield name
    execute(project.url, f"DROP OWNED BY {name}")
    execute(server_url, f"DROP ROLE IF EXISTS {name}")


def _platform_project(project: Project, role: str) -> None:
    """The live database as the platform gives it, migrated; the migrations compiled."""
    execute(project.url, PLATFORM_FUNCTION)
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.write("0.0.2_sessions.shift", SESSIONS.format(role=role))
    project.compile()
    project.ok("up")


def _configure(project: Project, **settings: str) -> None:
    """Put settings in [tool.pgshift] (before its lint table)."""
    pyproject = project.root / "pyproject.toml"
    lines = "".join(f'{key} = "{value}"\n' for key, value in settings.items())
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace("[tool.pgshift]\n", f"[tool.pgshift]\n{lines}", 1),
                         encoding="utf-8")


def _script(project: Project, text: str) -> Path:
    path = project.root / "db" / "platform.sql"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _databases(server_url: str) -> set[str]:
    with psycopg.connect(server_url) as connection:
        return {row[0] for row in connection.execute("SELECT datname FROM pg_database")}


def _role_exists(server_url: str, name: str) -> bool:
    with psycopg.connect(server_url) as connection:
        return connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                  [name]).fetchone() is not None


def test_drift_on_the_embedded_server_needs_the_setup_script(project: Project,
                                                              role: str) -> None:
    """The embedded server is bare: without the script the build fails and says where to
    make what is missing; with it, no drift, run after run (the role made once); a script
    that makes the role unconditionally fails the second time, naming itself."""
    _platform_project(project, role)

    bare = project.run("drift")

    assert bare.returncode == 14, bare.stdout + bare.stderr
    assert "failed during the expected-schema build" in bare.stderr
    assert "42883" in bare.stderr
    assert "uuid_generate_v4()" in bare.stderr
    assert "scratch_setup" in bare.stderr

    _script(project, SETUP.format(role=role))
    _configure(project, scratch_setup="db/platform.sql")
    first, second = project.run("drift"), project.run("drift")

    for result in (first, second):
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no drift" in result.stdout
        assert "scratch database on the embedded PostgreSQL" in result.stderr

    execute(project.url, "ALTER TABLE sessions ADD COLUMN hotfix text")
    drifted = project.run("drift")

    assert drifted.returncode == 19, drifted.stdout + drifted.stderr
    assert "+ column public.sessions.hotfix" in drifted.stdout
    assert "uuid_generate_v4" not in drifted.stdout, "the platform's function is not drift"

    _script(project, f"CREATE ROLE {role} NOLOGIN;\n" + PLATFORM_FUNCTION)
    again = project.run("drift")

    assert again.returncode == 5, again.stdout + again.stderr
    assert "the scratch_setup script db/platform.sql failed" in again.stderr
    assert "42710" in again.stderr
    assert f'role "{role}" already exists' in again.stderr
    assert "make one only when it is missing" in again.stderr


def test_a_scratch_server_is_used_and_left_without_its_database(
        project: Project, role: str, server_url: str) -> None:
    """scratch_database_url names the test server, by a URL with a password: drift, verify
    and baseline build there, each scratch database dropped, the password never shown."""
    _platform_project(project, role)
    _script(project, SETUP.format(role=role) + RECORD_DATABASE.format(role=role))
    scratch_url = as_uri(with_password(server_url)[0])
    _configure(project, scratch_setup="db/platform.sql", scratch_database_url=scratch_url)

    drift = project.run("drift")

    assert drift.returncode == 0, drift.stdout + drift.stderr
    assert "no drift" in drift.stdout
    assert "using a scratch database on postgresql://" in drift.stderr
    assert ":***@" in drift.stderr
    assert "(scratch_database_url in [tool.pgshift])" in drift.stderr
    assert "embedded" not in drift.stderr
    with psycopg.connect(server_url) as connection:
        row = connection.execute("SELECT shobj_description(oid, 'pg_authid') FROM pg_roles"
                                 " WHERE rolname = %s", [role]).fetchone()
    assert row is not None
    assert str(row[0]).startswith("pgshift_scratch_")
    assert row[0] not in _databases(server_url), "the scratch database is dropped"

    verified = project.run("verify", with_url=False)

    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "verified 2 migrations" in verified.stdout

    project.ok("force", "none")
    recorded = project.run("baseline", "0.0.2")

    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    assert "the live schema holds what they create" in recorded.stdout
    assert "uuid_generate_v4" not in recorded.stdout, "the platform's function is left out"


def test_the_flag_beats_the_environment_and_neither_shows_a_password(
        project: Project, role: str, server_url: str) -> None:
    _platform_project(project, role)
    _script(project, SETUP.format(role=role))
    _configure(project, scratch_setup="db/platform.sql")
    good = as_uri(with_password(server_url)[0])
    missing = as_uri(make_conninfo(with_password(server_url)[0],
                                   dbname="pgshift_no_such_database"))

    failed = project.run("drift", env={"PGSHIFT_SCRATCH_DATABASE_URL": missing})

    assert failed.returncode == 5, failed.stdout + failed.stderr
    assert "cannot create a scratch database on postgresql://" in failed.stderr
    assert ":***@" in failed.stderr

    flagged = project.run("drift", "--scratch-database-url", good,
                          env={"PGSHIFT_SCRATCH_DATABASE_URL": missing})

    assert flagged.returncode == 0, flagged.stdout + flagged.stderr
    assert "(--scratch-database-url)" in flagged.stderr


def test_a_failing_script_is_named_with_its_line_and_leaves_nothing(
        project: Project, server_url: str) -> None:
    """The script runs as one transaction: the role it made before the failure is gone,
    and so is the scratch database; the error points into the file."""
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.compile()
    project.ok("up")
    made = f"anon_{uuid.uuid4().hex[:8]}"
    path = _script(project, SETUP.format(role=made)
                   + "CREATE SCHEMA auth;\nSELECT *\n  FROM auth.no_such_table;\n")
    _configure(project, scratch_setup="db/platform.sql",
               scratch_database_url=as_uri(with_password(server_url)[0]))
    before = _databases(server_url)

    try:
        result = project.run("drift")
    finally:
        execute(server_url, f"DROP ROLE IF EXISTS {made}")

    assert result.returncode == 5, result.stdout + result.stderr
    assert "the scratch_setup script db/platform.sql failed in the scratch database" \
        in result.stderr
    assert ("db/platform.sql:12:8:\n      FROM auth.no_such_table;\n" + " " * 11 + "^\n"
            in result.stderr)
    assert 'ERROR 42P01 (UndefinedTable): relation "auth.no_such_table" does not exist' \
        in result.stderr
    assert not _role_exists(server_url, made), "the script's transaction was rolled back"
    assert _databases(server_url) <= before, "the scratch database is dropped"

    path.unlink()
    unread = project.run("drift")

    assert unread.returncode == 5, unread.stdout + unread.stderr
    assert "scratch_setup db/platform.sql cannot be read: No such file" in unread.stderr


def test_a_blank_scratch_server_setting_is_bad_configuration(project: Project) -> None:
    _configure(project, scratch_database_url=" ")

    result = project.run("drift")

    assert result.returncode == 5, result.stdout + result.stderr
    assert "[tool.pgshift] scratch_database_url must be a database URL" in result.stderr
