"""Manager.run when the history table cannot be created or read: a TableError that names
the table and PostgreSQL's error, changes nothing and frees the migration lock.
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pgshift.runner.errors import TableError
from pgshift.runner.manager import new_migration_manager
from tests.runner import runner_support as support
from tests.runner.manager_support import Opener, logged


def test_table_error_when_the_history_table_cannot_be_created(
        open_migrator: Opener, admin: psycopg.Connection[Any], database_url: str,
        server_url: str) -> None:
    role = f"pgshift_no_create_{uuid.uuid4().hex[:12]}"
    admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'no-create'").format(
        sql.Identifier(role)))
    try:
        admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        before = support.state_of(admin)
        limited = open_migrator(make_conninfo(database_url, user=role, password="no-create"))
        manager = new_migration_manager(limited)

        with pytest.raises(TableError) as raised:
            manager.run(logged("0.0.2"))

        text = str(raised.value)
        assert int(raised.value.exit_code) == 12
        assert "public.schema_migrations" in text
        assert "42501" in text
        assert "permission denied for schema public" in text
        assert support.state_of(admin) == before
        assert not support.table_exists(admin)
        assert support.lock_is_free(database_url)
        limited.close()
    finally:
        with support.connect(server_url) as superuser:
            superuser.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_table_error_when_the_history_table_cannot_be_read(
        open_migrator: Opener, admin: psycopg.Connection[Any], database_url: str,
        server_url: str) -> None:
    new_migration_manager(open_migrator()).run(logged())
    role = f"pgshift_no_select_{uuid.uuid4().hex[:12]}"
    admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'no-select'").format(
        sql.Identifier(role)))
    try:
        before = support.state_of(admin)
        limited = open_migrator(make_conninfo(database_url, user=role, password="no-select"))

        with pytest.raises(TableError) as raised:
            new_migration_manager(limited).run(logged("0.0.2"))

        assert int(raised.value.exit_code) == 12
        assert "public.schema_migrations" in str(raised.value)
        assert "permission denied" in str(raised.value)
        assert support.state_of(admin) == before
        assert support.lock_is_free(database_url)
        limited.close()
    finally:
        with support.connect(server_url) as superuser:
            superuser.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_table_error_claims_no_position_in_an_unshown_statement(
        open_migrator: Opener, admin: psycopg.Connection[Any], database_url: str,
        server_url: str) -> None:
    role = f"pgshift_no_create_{uuid.uuid4().hex[:12]}"
    admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'no-create'").format(
        sql.Identifier(role)))
    try:
        admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        limited = open_migrator(make_conninfo(database_url, user=role, password="no-create"))
        with pytest.raises(TableError) as raised:
            limited.ensure_table()
        limited.close()
    finally:
        with support.connect(server_url) as superuser:
            superuser.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
    assert "of the statement" not in str(raised.value)
