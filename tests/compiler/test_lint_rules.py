"""Every lint rule, proven four ways, with squawk as the oracle.

For each rule: a migration that triggers it; the safe version, which does not; the same
unsafe migration with `-- pgshift: allow CODE`, which is silent; and the unsafe change on
a table created in that same migration, which the rules about locks leave alone (a table
no application has seen yet) and the rules about the schema's design do not.

squawk (PyPI squawk-cli) lints SQL text. Run on the Up SQL pgshift emits for each unsafe
migration, every rule it reports must have its pgshift counterpart among pgshift's
findings, but for the few squawk rules listed in SQUAWK_NOT_APPLICABLE, with why.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pgshift.compiler.history import compile_texts
from pgshift.compiler.lint import RULES

BASE = """\
extension vector

table users {
    id  bigint identity primary key
}

table documents {
    id         bigint identity primary key
    user_id    bigint
    title      text not null
    body       text
    slug       text
    words      bigint
    embedding  vector(3)
}

index documents_body on documents (body)

materialized view user_ids as \"\"\"select id from users\"\"\"
unique index user_ids_id on user_ids (id)

table events {
    id bigint not null
    at date not null
} partition by range (at)
partition events_2025 of events for values from ('2025-01-01') to ('2026-01-01')

table logs {
    kind text not null
} partition by list (kind)
partition logs_other of logs default
"""

EVENTS_2026 = """\
table events_2026 {
    id bigint not null
    at date not null
}
alter table events {
    attach partition events_2026 for values from ('2026-01-01') to ('2027-01-01')
}
"""
NEW_EVENTS = """\
table visits {
    id bigint not null
    at date not null
} partition by range (at)
partition visits_other of visits default
"""

# A check proves body NOT NULL, validated before the migration under test.
BODY_PROVEN = """\
alter table documents {
    add constraint documents_body_present check `body is not null` not valid
}
"""
BODY_VALIDATED = """\
alter table documents {
    validate constraint documents_body_present
}
"""

NEW_TABLE = """\
table notes {
    id        bigint identity primary key
    user_id   bigint
    title     text
    body      text
    words     bigint
    embedding vector(3)
}
index notes_body on notes (body)
"""


@dataclass(frozen=True, slots=True)
class Proof:
    unsafe: str
    safe: str | None  # None: a change with no safe form but accepting it (data loss)
    on_new_table: str
    safe_history: tuple[str, ...] = ()  # what the safe version needs before it


PROOFS: dict[str, Proof] = {
    "index-blocks-writes": Proof(
        "index documents_title on documents (title)\n",
        "index concurrently documents_title on documents (title)\n",
        NEW_TABLE + "index notes_title on notes (title)\n"),
    "drop-index-blocks": Proof(
        "drop index documents_body\n",
        "drop index concurrently documents_body\n",
        NEW_TABLE + "drop index notes_body\n"),
    "refresh-blocks-reads": Proof(
        "refresh materialized view user_ids\n",
        "refresh materialized view user_ids concurrently\n",
        'materialized view ids as """select id from documents"""\n'
        "refresh materialized view ids\n"),
    "type-change-rewrites": Proof(
        "alter table documents {\n    alter column body type varchar(100)\n}\n",
        "alter table documents {\n    alter column body type varchar\n}\n",
        NEW_TABLE + "alter table notes {\n    alter column body type varchar(100)\n}\n"),
    "set-not-null-scans": Proof(
        "alter table documents {\n    alter column body set not null\n}\n",
        "alter table documents {\n    alter column body set not null\n}\n",
        NEW_TABLE + "alter table notes {\n    alter column body set not null\n}\n",
        safe_history=(BODY_PROVEN, BODY_VALIDATED)),
    "constraint-scans": Proof(
        "alter table documents {\n    add check `words >= 0`\n"
        "    add foreign key (user_id) references users (id)\n}\n",
        "alter table documents {\n    add check `words >= 0` not valid\n"
        "    add foreign key (user_id) references users (id) not valid\n}\n",
        NEW_TABLE + "alter table notes {\n    add check `words >= 0`\n"
                    "    add foreign key (user_id) references users (id)\n}\n"),
    "unique-builds-index": Proof(
        "alter table documents {\n    add constraint documents_slug_key unique (slug)\n}\n",
        "unique index concurrently documents_slug_key on documents (slug)\n"
        "alter table documents {\n"
        "    add constraint documents_slug_key unique using index documents_slug_key\n}\n",
        NEW_TABLE + "alter table notes {\n    add unique (title)\n}\n"),
    "volatile-default": Proof(
        "alter table documents {\n    add column token uuid default gen_random_uuid()\n}\n",
        "alter table documents {\n    add column token uuid\n}\n",
        NEW_TABLE + "alter table notes {\n"
                    "    add column token uuid default gen_random_uuid()\n}\n"),
    "not-null-without-default": Proof(
        "alter table documents {\n    add column language text not null\n}\n",
        "alter table documents {\n    add column language text not null default 'en'\n}\n",
        NEW_TABLE + "alter table notes {\n    add column language text not null\n}\n"),
    "drop-column": Proof(
        "alter table documents {\n    drop column body\n}\n",
        None,
        NEW_TABLE + "alter table notes {\n    drop column body\n}\n"),
    "drop-table": Proof(
        "drop table documents\n",
        None,
        NEW_TABLE + "drop table notes\n"),
    "rename-column": Proof(
        "alter table documents {\n    rename column body to content\n}\n",
        "alter table documents {\n    add column content text\n}\n",
        NEW_TABLE + "alter table notes {\n    rename column body to content\n}\n"),
    "rename-table": Proof(
        "rename table documents to articles\n",
        "table articles {\n    id bigint identity primary key\n}\n",
        NEW_TABLE + "rename table notes to remarks\n"),
    "int-key": Proof(
        "table tags {\n    id integer primary key\n}\n",
        "table tags {\n    id bigint primary key\n}\n",
        "table tags {\n    id integer primary key\n}\n"),
    "timestamp-without-time-zone": Proof(
        "alter table documents {\n    add column seen_at timestamp\n}\n",
        "alter table documents {\n    add column seen_at timestamptz\n}\n",
        NEW_TABLE + "alter table notes {\n    add column seen_at timestamp\n}\n"),
    "char-column": Proof(
        "alter table documents {\n    add column code char(3)\n}\n",
        "alter table documents {\n    add column code text\n}\n",
        NEW_TABLE + "alter table notes {\n    add column code char(3)\n}\n"),
    "serial-column": Proof(
        "table tags {\n    id bigserial primary key\n}\n",
        "table tags {\n    id bigint identity primary key\n}\n",
        "table tags {\n    id bigserial primary key\n}\n"),
    "raw-sql": Proof(
        'sql """UPDATE documents SET words = 0 WHERE words IS NULL""" down """"""\n',
        "alter table documents {\n    alter column words set default 0\n}\n",
        NEW_TABLE + 'sql """UPDATE notes SET words = 0""" down """"""\n'),
    "row-security-without-policy": Proof(
        "alter table documents {\n    enable row level security\n}\n",
        "alter table documents {\n    enable row level security\n}\n"
        "policy documents_read on documents for select using `true`\n",
        NEW_TABLE + "alter table notes {\n    enable row level security\n}\n"),
    "partition-blocks": Proof(
        "partition events_2026 of events for values from ('2026-01-01') to ('2027-01-01')\n",
        EVENTS_2026,
        NEW_EVENTS + "partition visits_2026 of visits for values from ('2026-01-01') to"
        " ('2027-01-01')\n"),
    "default-partition-scan": Proof(
        "partition logs_info of logs for values in ('info')\n",
        EVENTS_2026,
        NEW_EVENTS + EVENTS_2026.replace("events", "visits")),
    "security-definer-search-path": Proof(
        'function touch() returns int language sql security definer as """select 1"""\n',
        "function touch() returns int language sql security definer set search_path ="
        ' pg_catalog, pg_temp as """select 1"""\n',
        NEW_TABLE + 'function touch() returns int language sql security definer as'
        ' """select 1"""\n'),
}

# squawk rule → the pgshift rules that answer it.
SQUAWK_TO_PGSHIFT: dict[str, set[str]] = {
    "require-concurrent-index-creation": {"index-blocks-writes"},
    "require-concurrent-index-deletion": {"drop-index-blocks"},
    "changing-column-type": {"type-change-rewrites"},
    "adding-not-nullable-field": {"set-not-null-scans"},
    "constraint-missing-not-valid": {"constraint-scans", "unique-builds-index"},
    "adding-foreign-key-constraint": {"constraint-scans"},
    "disallowed-unique-constraint": {"unique-builds-index"},
    "adding-field-with-default": {"volatile-default"},
    "adding-required-field": {"not-null-without-default"},
    "ban-drop-column": {"drop-column"},
    "ban-drop-table": {"drop-table"},
    "renaming-column": {"rename-column"},
    "renaming-table": {"rename-table"},
    "prefer-bigint-over-int": {"int-key"},
    "prefer-bigint-over-smallint": {"int-key"},
    "prefer-identity": {"serial-column", "int-key"},
    "prefer-timestamp-tz": {"timestamp-without-time-zone"},
    "ban-char-field": {"char-column"},
}
SQUAWK_NOT_APPLICABLE = {
    "prefer-robust-stmts": "IF [NOT] EXISTS would hide drift; pgshift knows from the history"
                           " what exists, and reruns nothing that was recorded",
    "require-lock-timeout": "the runner sets lock_timeout for every statement, not the SQL",
    "require-statement-timeout": "the runner sets statement_timeout when one is configured",
    "prefer-text-field": "varchar(n) is a design choice; widening it is catalog only, which"
                         " pgshift knows (type-change-rewrites fires when it is not)",
}


def _codes(*migrations: str) -> list[str]:
    files = [("0.0.1_base.shift", BASE)]
    files += [(f"0.0.{n}_step.shift", text) for n, text in enumerate(migrations, 2)]
    history = compile_texts(files)
    assert not history.errors, history.errors
    newest = files[-1][0]
    return [d.code for d in history.diagnostics
            if d.file == newest and (d.code in RULES or d.code == "unknown-rule")]


def _up_sql(*migrations: str) -> str:
    files = [("0.0.1_base.shift", BASE)]
    files += [(f"0.0.{n}_step.shift", text) for n, text in enumerate(migrations, 2)]
    history = compile_texts(files)
    return "".join(f"{sql};\n" for sql in history.migrations[-1].up)


def test_every_rule_has_its_proof() -> None:
    assert set(PROOFS) == set(RULES)


@pytest.mark.parametrize("code", sorted(PROOFS))
def test_the_unsafe_change_is_found(code: str) -> None:
    assert code in _codes(PROOFS[code].unsafe)


@pytest.mark.parametrize("code", sorted(c for c in PROOFS if PROOFS[c].safe is not None))
def test_the_safe_version_is_not(code: str) -> None:
    proof = PROOFS[code]
    assert proof.safe is not None
    assert code not in _codes(*proof.safe_history, proof.safe)


@pytest.mark.parametrize("code", sorted(PROOFS))
def test_an_allow_comment_silences_it(code: str) -> None:
    allowed = f"-- pgshift: allow {code} (read and accepted)\n{PROOFS[code].unsafe}"
    assert code not in _codes(allowed)
    assert "unknown-rule" not in _codes(allowed)


@pytest.mark.parametrize("code", sorted(PROOFS))
def test_a_table_of_the_same_migration(code: str) -> None:
    """Rules about locks leave a table the migration creates alone; design rules do not."""
    found = code in _codes(PROOFS[code].on_new_table)
    assert found is not RULES[code].existing_only


def test_an_hnsw_build_is_named_the_worst_case() -> None:
    history = compile_texts([
        ("0.0.1_base.shift", BASE),
        ("0.0.2_step.shift", "index documents_embedding on documents using hnsw"
                             " (embedding vector_cosine_ops)\n")])
    [finding] = [d for d in history.diagnostics if d.code == "index-blocks-writes"]
    assert "an hnsw build over a large vector table takes minutes to hours" in finding.message


def test_an_allow_comment_naming_no_rule_is_reported() -> None:
    codes = _codes("-- pgshift: allow index-blocks-write\n"
                   "index documents_title on documents (title)\n")
    assert codes.count("unknown-rule") == 1
    assert "index-blocks-writes" in codes


def test_an_allow_comment_covers_its_statement_only() -> None:
    codes = _codes("-- pgshift: allow index-blocks-writes\n"
                   "index documents_title on documents (title)\n"
                   "index documents_slug on documents (slug)\n")
    assert codes == ["index-blocks-writes"]


def _squawk(sql: str, tmp_path: Path) -> set[str]:
    script = tmp_path / "up.sql"
    script.write_text(sql)
    squawk = Path(sys.executable).parent / "squawk"
    result = subprocess.run([str(squawk), "--pg-version", "18", "--reporter", "json",
                             str(script)], capture_output=True, text=True, check=False)
    assert result.returncode in (0, 1), result.stderr
    return {finding["rule_name"] for finding in json.loads(result.stdout or "[]")}


# pgshift rules squawk has no counterpart for: it does not lint what a sql block means,
# nor row-level security, nor functions, nor partitions.
BEYOND_SQUAWK = {"raw-sql", "refresh-blocks-reads", "row-security-without-policy",
                 "security-definer-search-path", "partition-blocks", "default-partition-scan"}


@pytest.mark.parametrize("code", sorted(PROOFS))
def test_what_squawk_flags_pgshift_flags_too(code: str, tmp_path: Path) -> None:
    proof = PROOFS[code]
    flagged = _squawk(_up_sql(proof.unsafe), tmp_path)
    found = set(_codes(proof.unsafe))
    unknown = flagged - SQUAWK_TO_PGSHIFT.keys() - SQUAWK_NOT_APPLICABLE.keys()
    assert not unknown, f"squawk rules this test does not know: {unknown}"
    missed = {rule for rule in flagged & SQUAWK_TO_PGSHIFT.keys()
              if not SQUAWK_TO_PGSHIFT[rule] & found}
    assert not missed, f"squawk flags {missed}; pgshift found only {found}"
    if code not in BEYOND_SQUAWK:
        assert flagged & SQUAWK_TO_PGSHIFT.keys(), "squawk sees nothing: the case proves nothing"
