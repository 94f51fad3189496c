"""`pgshift pull` of a schema that uses a platform's objects: the table its foreign keys
point at and the enum its column has, in a schema not pulled, are written as `external`
declarations, so the pulled file says those foreign keys and that column in the language
and compiles without the platform; `up` then rebuilds it on a database that has the
platform, and pulling that copy writes the same text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgshift.commands.scratch import throwaway_database
from pgshift.runner.catalog import snapshot
from pgshift.runner.externals import ExternalObjects
from tests.e2e.cli_database_support import Project, execute, with_password

PLATFORM = """
CREATE SCHEMA auth;
CREATE TYPE auth.aal_level AS ENUM ('aal1', 'aal2');
CREATE TABLE auth.users (
    instance_id uuid,
    id uuid NOT NULL PRIMARY KEY,
    email varchar(255),
    phone text UNIQUE,
    tenant int NOT NULL,
    UNIQUE (tenant, email)
);
"""
APPLICATION = """
CREATE TABLE profiles (
    id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
    phone text REFERENCES auth.users (phone),
    tenant int NOT NULL,
    email varchar(255),
    level auth.aal_level,
    FOREIGN KEY (tenant, email) REFERENCES auth.users (tenant, email)
);
"""
PULLED = Path("migrations") / "0.0.1_initial_schema.shift"
DECLARED = """\
external enum auth.aal_level ('aal1', 'aal2')

external table auth.users {
    id     uuid primary key
    email  varchar(255)
    phone  text unique
    tenant integer not null
    unique (tenant, email)
}
"""


@pytest.fixture
def target_url(server_url: str) -> Iterator[str]:
    with throwaway_database(server_url, "pgshift_target") as url:
        yield with_password(url)[0]


def _public(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as connection:
        return snapshot(connection, ignore_tables=("schema_migrations",),
                        external=ExternalObjects(("auth",)))


def test_pull_declares_what_it_uses_from_outside_as_external(
        project: Project, target_url: str, tmp_path: Path) -> None:
    execute(project.url, PLATFORM + APPLICATION)
    pulled = project.run("pull")
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    text = (project.root / PULLED).read_text(encoding="utf-8")
    assert DECLARED in text, text
    assert 'sql """' not in text, text
    assert "references auth.users (id) on delete cascade" in text, text
    project.compile()

    execute(target_url, PLATFORM)
    applied = project.run("up", url=target_url)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert _public(target_url) == _public(project.url)

    again = Project(tmp_path / "again", target_url, project.secret)
    again.root.mkdir()
    assert again.run("init", with_url=False).returncode == 0
    assert again.run("pull").returncode == 0
    assert (again.root / PULLED).read_text(encoding="utf-8") == text
