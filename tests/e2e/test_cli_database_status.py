"""The read-only commands on a real database: `status` and `history` (human and `--json`),
and `drift`."""

from __future__ import annotations

import json

import psycopg

from tests.e2e.cli_database_support import (
    APPLIED_KEYS,
    INITIAL,
    PENDING_KEYS,
    STATUS_KEYS,
    UNIQUE_TITLE_CONCURRENTLY,
    Project,
    execute,
)

# ------------------------------------------------------------------ status and history

def test_status_of_a_new_database_lists_everything_pending(three: Project) -> None:
    document = three.status()
    assert set(document) == STATUS_KEYS
    assert document["current_version"] is None
    assert document["dirty"] is False
    assert document["applied"] == []
    assert document["pending"] == [
        {"version": "0.0.1", "description": "initial schema"},
        {"version": "0.0.2", "description": "add language"},
        {"version": "0.0.3", "description": "title index"},
    ]
    for entry in document["pending"]:
        assert set(entry) == PENDING_KEYS


def test_status_is_read_only(three: Project) -> None:
    three.ok("status")
    three.ok("history")
    with psycopg.connect(three.url) as connection:
        row = connection.execute("SELECT to_regclass('public.schema_migrations')").fetchone()
    assert row == (None,), "status/history must not create the history table"


def test_status_human(three: Project) -> None:
    three.ok("up", "--to", "0.0.2")
    out = three.ok("status").stdout
    assert "0.0.2 (clean)" in out
    assert "***" in out, "the database line shows the masked password"
    applied, pending = out.split("pending:")
    assert "0.0.1" in applied
    assert "initial schema" in applied
    assert "add language" in applied
    assert "0.0.3" in pending
    assert "title index" in pending
    assert "0.0.3" not in applied


def test_status_json_has_exactly_the_documented_shape(three: Project) -> None:
    three.ok("up", "--to", "0.0.2")
    document = three.status()
    assert set(document) == STATUS_KEYS
    assert isinstance(document["database"], str)
    assert "***" in document["database"]
    assert three.secret not in document["database"]
    assert document["current_version"] == "0.0.2"
    assert document["dirty"] is False
    assert [a["version"] for a in document["applied"]] == ["0.0.1", "0.0.2"]
    for entry in document["applied"]:
        assert set(entry) == APPLIED_KEYS
        assert isinstance(entry["description"], str)
        assert len(entry["checksum"]) == 64
        assert isinstance(entry["applied_at"], str)
        assert entry["applied_at"][:4].isdigit()
        assert isinstance(entry["execution_ms"], int)
        assert entry["execution_ms"] >= 0
        assert entry["applied_by"]
    assert document["pending"] == [{"version": "0.0.3", "description": "title index"}]


def test_history_human_and_json(three: Project) -> None:
    three.ok("up")
    out = three.ok("history").stdout
    for version in ("0.0.1", "0.0.2", "0.0.3"):
        assert version in out
    assert "dirty" not in out.replace("STATE", "")

    document = json.loads(three.ok("history", "--json").stdout)
    assert "***" in document["database"]
    assert [row["version"] for row in document["history"]] == ["0.0.1", "0.0.2", "0.0.3"]
    for row in document["history"]:
        assert set(row) >= APPLIED_KEYS
        assert row["dirty"] is False
        assert row["failed_statement"] is None
    status = three.status()
    assert [row["checksum"] for row in document["history"]] == [
        a["checksum"] for a in status["applied"]]


# ------------------------------------------------------------------ drift

def test_drift_names_what_was_changed_by_hand(three: Project) -> None:
    three.ok("up")
    clean = three.run("drift")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "no drift" in clean.stdout
    with psycopg.connect(three.url, autocommit=True) as connection:
        connection.execute("ALTER TABLE documents ADD COLUMN hotfix text")
        connection.execute("DROP INDEX documents_title")
    drifted = three.run("drift")
    assert drifted.returncode == 19, drifted.stdout + drifted.stderr
    assert "+ column public.documents.hotfix" in drifted.stdout
    assert "- index public.documents_title is missing" in drifted.stdout
    document = json.loads(three.run("drift", "--json").stdout)
    assert document["drifted"] is True
    assert {(d["kind"], d["name"], d["change"]) for d in document["differences"]} >= {
        ("column", "public.documents.hotfix", "unexpected"),
        ("index", "public.documents_title", "missing")}
    assert three.version() == "0.0.3", "drift changes nothing"


def test_drift_says_dirty_first_and_reports_an_invalid_index(project: Project) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.compile()
    project.ok("up")
    execute(project.url, "INSERT INTO documents (title) VALUES ('a'), ('a')")
    project.write("0.0.2_unique_title.shift", UNIQUE_TITLE_CONCURRENTLY)
    project.compile()
    failed = project.run("up", "--no-rollback")  # leaves the INVALID index, dirty at 0.0.2
    assert failed.returncode == 14, failed.stderr

    drifted = project.run("drift")
    assert drifted.returncode == 13, drifted.stdout + drifted.stderr
    assert "dirty at version 0.0.2" in drifted.stderr
    assert "pgshift repair" in drifted.stderr

    project.ok("force", "0.0.1")  # settled by hand, the INVALID index left behind
    drifted = project.run("drift")
    assert drifted.returncode == 19, drifted.stdout + drifted.stderr
    assert "documents_title_unique" in drifted.stdout
    assert "INVALID" in drifted.stdout
