"""The locks and the work the compiler claims for each statement, held to a real server.

Each case is a short history whose last migration holds the changes under test. The
history before it is applied; then each statement of the last migration's Up, and then
of its Down, runs in a transaction of its own, and before its COMMIT pg_locks says which
table locks the session holds. For every table locked in more than ACCESS SHARE, the
strongest mode held must be the mode the compiler declared, and every declared table must
be locked. A statement declared to rewrite must give its table a new relfilenode, and
one declared not to must not. Concurrent statements cannot run in a transaction: they
run alone, and only their declared mode is checked.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pgshift.compiler.history import compile_texts
from pgshift.compiler.statement import Statement
from pgshift.runner.locks import (
    ACCESS_EXCLUSIVE,
    ACCESS_SHARE,
    CONFLICTS,
    SHARE_UPDATE_EXCLUSIVE,
    mode_of,
)

BASE = """\
extension vector

enum document_status ("draft", "published")

table users {
    id     bigint identity primary key
    email  text not null
}

table documents {
    id         bigint identity primary key
    user_id    bigint references users (id)
    title      varchar(100) not null
    body       text
    slug       text
    words      integer
    amount     numeric(10, 2)
    status     document_status not null default 'draft'
    embedding  vector(3)
    check `words >= 0`
}

index documents_title on documents (title)
unique index documents_slug_unique on documents (slug)
comment on table documents is 'fetched documents'
"""

CASES: dict[str, str] = {
    "functions and triggers": """
function touch() returns trigger language plpgsql as \"\"\"begin return new; end\"\"\"
trigger documents_touch before update on documents for each row execute function touch()
trigger documents_clear after truncate on documents for each statement execute function touch()
drop trigger documents_clear on documents
function touch() returns trigger language plpgsql stable as \"\"\"begin return old; end\"\"\"
""",
    "drop a table with triggers": """
function touch() returns trigger language plpgsql as \"\"\"begin return new; end\"\"\"
trigger users_touch before update on users for each row execute function touch()
alter table documents { drop constraint documents_user_id_fkey }
drop table users
""",
    "row level security and policies": """
alter table documents {
    enable row level security
    force row level security
}
policy documents_owner on documents for update to public, current_user
    using `user_id = 1` with check `exists (select 1 from users u where u.id = user_id)`
policy documents_all on documents as restrictive
alter policy documents_all on documents rename to documents_every to public using `true`
drop policy documents_every on documents
alter table documents { no force row level security }
""",
    "grant and revoke": """
grant select, insert on documents to public
revoke insert on table documents from public
grant create on schema public to public
sequence invoice_numbers
grant usage, update on sequence invoice_numbers to public
grant usage on sequence documents_id_seq to public
function answer(n integer) returns integer language sql as \"\"\"select n\"\"\"
revoke execute on function answer(integer) from public
view titles as \"\"\"select title from documents\"\"\"
grant select on titles to public
""",
    "drop a table with row level security": """
alter table users { enable row level security }
policy users_self on users for select using `email = current_user`
alter table documents { drop constraint documents_user_id_fkey }
drop table users
""",
    "create table with a foreign key": """
table notes {
    id           bigint identity primary key
    document_id  bigint not null references documents (id) on delete cascade
}
""",
    "add columns of every kind": """
alter table documents {
    add column language text not null default 'en'
    add column fetched_at timestamptz default now()
    add column token uuid default gen_random_uuid()
    add column serial_number bigint identity
    add column doubled integer generated always as `words * 2` stored
    add column reviewer_id bigint references users (id)
    add column code text unique check `code <> ''`
}
""",
    "drop and rename columns": """
alter table documents {
    drop column user_id
    rename column body to content
    drop column embedding
}
""",
    "type changes": """
alter table documents {
    alter column title type varchar(200)
    alter column amount type numeric(12, 2)
    alter column words type bigint
    alter column body type varchar(10)
    alter column slug type varchar
}
""",
    "defaults and not null": """
alter table documents {
    alter column body set default ''
    alter column status drop default
    alter column body set not null
    alter column title drop not null
}
""",
    "constraints, the blocking way": """
alter table documents {
    add constraint documents_amount_positive check `amount > 0`
    add foreign key (user_id) references users (id)
    add constraint documents_title_key unique (title)
    drop constraint documents_words_check
    drop constraint documents_user_id_fkey
}
""",
    "constraints, the safe way": """
alter table documents {
    add constraint documents_amount_positive check `amount > 0` not valid
    add constraint documents_owner_fk foreign key (user_id) references users (id) not valid
    validate constraint documents_amount_positive
    validate constraint documents_owner_fk
    add constraint documents_body_present check `body is not null` not valid
}
alter table documents {
    validate constraint documents_body_present
    alter column body set not null
    add constraint documents_slug_key unique using index documents_slug_unique
}
""",
    "indexes": """
index documents_body on documents (body)
rename index documents_title to documents_title_lookup
comment on index documents_title_lookup is 'by title'
drop index documents_slug_unique
""",
    "tables": """
comment on column documents.body is 'the text'
rename table documents to articles
drop table articles
""",
    "schemas": """
schema rag
table rag.notes {
    id bigint identity primary key
}
drop table rag.notes
drop schema rag
""",
    "partitions": """
table events {
    id         bigint identity
    created_at timestamptz not null
    primary key (id, created_at)
} partition by range (created_at)
partition events_2026 of events for values from ('2026-01-01') to ('2027-01-01')
partition events_other of events default
partition events_2027 of events for values from ('2027-01-01') to ('2028-01-01')
drop table events_2026
""",
    "attach and detach partitions": """
table chunks {
    id          bigint not null
    document_id bigint not null references documents (id)
    created_at  date not null
    primary key (id, created_at)
} partition by range (created_at)
index chunks_created on chunks (created_at)
partition chunks_2025 of chunks for values from ('2025-01-01') to ('2026-01-01')
partition chunks_2026 of chunks for values from ('2026-01-01') to ('2027-01-01')
partition chunks_other of chunks default
table chunks_2027 {
    id          bigint not null
    document_id bigint not null
    created_at  date not null
    constraint chunks_2027_key primary key (id, created_at)
}
index chunks_2027_created on chunks_2027 (created_at)
alter table chunks {
    attach partition chunks_2027 for values from ('2027-01-01') to ('2028-01-01')
    detach partition chunks_2025
}
alter table chunks_other {
    add constraint chunks_other_past check `created_at < '2025-01-01'` not valid
    validate constraint chunks_other_past
    add constraint chunks_other_known check `id > 0`
}
alter table chunks_other {
    drop constraint chunks_other_known
}
drop table chunks_2027
""",
    "detach a partition concurrently": """
table chunks {
    id          bigint not null
    created_at  date not null
} partition by range (created_at)
partition chunks_2025 of chunks for values from ('2025-01-01') to ('2026-01-01')
alter table chunks {
    detach partition chunks_2025 concurrently
}
""",
    "sequences": """
sequence document_numbers as integer start with 100 cache 10 owned by documents.words
sequence spare increment by -1
alter table documents {
    alter column words set default nextval('document_numbers')
}
drop sequence spare
""",
    "views": """
view recent as \"\"\"select id, title from documents\"\"\"
comment on view recent is 'the newest'
view recent with (security_invoker = true) as \"\"\"select id, title, slug from documents\"\"\"
alter view recent set (security_barrier = true, check_option = local)
alter view recent reset (security_invoker)
drop view recent
""",
    "comments on objects": """
materialized view counted as \"\"\"select count(*) as n from documents\"\"\"
comment on materialized view counted is 'how many'
sequence spare
comment on sequence spare is 'unused'
schema rag
comment on schema rag is 'retrieval'
comment on schema public is 'application'
function add_one(x integer) returns integer language sql as \"\"\"select x + 1\"\"\"
comment on function add_one(integer) is 'adds one'
function add_one(y integer) returns integer language sql as \"\"\"select y + 1\"\"\"
""",
    "triggers on views": """
view recent as \"\"\"select id, title from documents\"\"\"
function recent_write() returns trigger language plpgsql as \"\"\"begin return new; end\"\"\"
trigger recent_write instead of insert on recent for each row execute function recent_write()
view recent as \"\"\"select id, title, slug from documents\"\"\"
drop trigger recent_write on recent
""",
    "materialized views": """
materialized view stats as \"\"\"select id, words from documents\"\"\"
unique index stats_id on stats (id)
refresh materialized view stats concurrently
refresh materialized view stats
materialized view empty as \"\"\"select id from documents\"\"\" with no data
refresh materialized view empty
drop materialized view stats
""",
    "types": """
irreversible 'an enum value cannot be removed'
alter enum document_status add value 'archived'
alter enum document_status rename value 'draft' to 'new'
""",
}


def _strongest(modes: set[str]) -> str:
    return max(modes, key=lambda mode: len(CONFLICTS[mode]))


def _locks_held(connection: psycopg.Connection[Any]) -> dict[int, set[str]]:
    """Relation locks this session holds, by oid (a table dropped meanwhile included)."""
    rows = connection.execute(
        "SELECT relation::bigint, mode FROM pg_locks WHERE pid = pg_backend_pid()"
        " AND locktype = 'relation'").fetchall()
    held: dict[int, set[str]] = {}
    for oid, mode in rows:
        held.setdefault(oid, set()).add(mode_of(mode))
    return held


def _tables(connection: psycopg.Connection[Any]) -> dict[tuple[str, str], tuple[int, int]]:
    """Each user table's (partitioned ones included: their relfilenode is 0), view's and
    materialized view's (schema, name) → (oid, relfilenode)."""
    rows = connection.execute(
        "SELECT n.nspname, c.relname, c.oid::bigint, c.relfilenode FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm')"
        " AND n.nspname NOT IN ('pg_catalog', 'information_schema')").fetchall()
    return {(schema, name): (oid, node) for schema, name, oid, node in rows}


def _check(connection: psycopg.Connection[Any], statement: Statement) -> list[str]:
    """Run one statement; what it did that its declaration does not say. A table the
    statement itself creates is left out: nobody else can see it yet."""
    if statement.concurrently:
        connection.execute(statement.sql.encode())
        # DETACH PARTITION … CONCURRENTLY ends, in its second transaction, with ACCESS
        # EXCLUSIVE on the partition it detaches (ALTER TABLE's documentation)
        detached = statement.sql.partition(" DETACH PARTITION ")[2].split(" ")[0]
        return [f"{lock.describe()}: a concurrent statement takes SHARE UPDATE EXCLUSIVE"
                for lock in statement.locks if lock.mode != SHARE_UPDATE_EXCLUSIVE and not (
                    lock.mode == ACCESS_EXCLUSIVE and lock.table == detached)]
    declared = {(lock.schema, lock.table): lock.mode for lock in statement.locks}
    before = _tables(connection)
    names = {oid: name for name, (oid, _) in before.items()}
    with connection.transaction():
        connection.execute(statement.sql.encode())
        held = {names[oid]: modes for oid, modes in _locks_held(connection).items()
                if oid in names}
    after = dict(_tables(connection).values())
    problems = []
    for table, modes in held.items():
        strongest = _strongest(modes)
        if strongest != ACCESS_SHARE and declared.get(table) != strongest:
            problems.append(f"holds {strongest} on {table}, declared {declared.get(table)}")
    problems += [f"declared {mode} on {table}, which it does not lock"
                 for table, mode in declared.items() if table not in held]
    rewritten = {name for name, (oid, node) in before.items()
                 if oid in after and after[oid] != node}
    claimed = {(lock.schema, lock.table) for lock in statement.locks} \
        if statement.work == "rewrite" else set()
    if rewritten != claimed:
        problems.append(f"rewrote {sorted(rewritten)}, declared {sorted(claimed)}")
    return problems


@pytest.mark.parametrize("case", sorted(CASES))
def test_declared_locks_and_rewrites_match_postgresql(case: str, database_url: str) -> None:
    history = compile_texts([("0.0.1_base.shift", BASE), ("0.0.2_case.shift", CASES[case])])
    assert not history.errors, history.errors
    base, changes = history.migrations
    problems = []
    with psycopg.connect(database_url, autocommit=True) as connection:
        with connection.transaction():
            for sql in base.up:
                connection.execute(sql.encode())
        for direction, statements in (("up", changes.up_statements),
                                      ("down", changes.down_statements or ())):
            for statement in statements:
                problems += [f"{direction}: {statement.sql.splitlines()[0]}: {problem}"
                             for problem in _check(connection, statement)]
    assert problems == [], "\n".join(problems)
