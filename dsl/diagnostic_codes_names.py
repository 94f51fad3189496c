"""Registry entries (diagnostic_codes.py) for names and types: what a statement names must
exist, what it creates must not, and every name must fit PostgreSQL; and `unknown-rule`, an
allow comment naming no lint rule (listed with the lint's rules on the page)."""

from __future__ import annotations

from .diagnostic_codes import Code, Group

_N = Group.NAMES
_DOCUMENTS = """\
table documents {
    id    bigint identity primary key
    title text
}
"""

CODES: tuple[Code, ...] = (
    Code("unknown-type", _N, "error",
         "a type that is neither PostgreSQL's nor an enum created so far",
         "use PostgreSQL's name for the type (the message suggests one), or create the enum"
         " in this or an earlier migration",
         example="""\
table documents {
    id   bigint identity primary key
    body string
}
"""),
    Code("unknown-table", _N, "error", "a table that no statement so far created (or that"
         " was dropped or renamed)", "check the spelling and the schema; create the table in"
         " this or an earlier migration",
         example="""\
alter table documents {
    add column language text
}
"""),
    Code("unknown-column", _N, "error", "a column the table does not have",
         "check the spelling (the message suggests a close name); add the column first",
         example=_DOCUMENTS + "index documents_titel on documents (titel)\n"),
    Code("unknown-function", _N, "error", "a function that does not exist with those argument"
         " types (a function is known by its name and argument types)",
         "check the name and the argument types, or create the function first",
         example="drop function touch(integer)\n"),
    Code("unknown-trigger", _N, "error", "a trigger the table does not have",
         "check the trigger's name and its table (a trigger's name is its table's own)",
         example=_DOCUMENTS + "drop trigger documents_touch on documents\n"),
    Code("unknown-index", _N, "error", "an index that does not exist",
         "check the name and the schema: an index lives in its table's schema",
         example=_DOCUMENTS + "drop index documents_title\n"),
    Code("unknown-view", _N, "error", "a view or materialized view that does not exist, or"
         " one of the other kind (`drop view` of a materialized view)",
         "check the name and the schema, and write `materialized` for a materialized view",
         example="drop view recent_documents\n"),
    Code("unknown-constraint", _N, "error", "a constraint the table does not have",
         "use the constraint's name as pgshift gave it (PostgreSQL's default names:"
         " `documents_pkey`, `documents_slug_key`, `documents_price_check`, …); `pgshift sql`"
         " shows them",
         example=_DOCUMENTS + """\
alter table documents {
    drop constraint documents_title_key
}
"""),
    Code("unknown-schema", _N, "error", "a schema that no migration so far created, named"
         " by an object put in it, by `extension X with schema S` or by `drop schema`",
         "add `schema NAME` in this or an"
         " earlier migration; `public` is PostgreSQL's own and never dropped",
         example="""\
table rag.documents {
    id bigint identity primary key
}
"""),
    Code("unknown-enum", _N, "error", "an enum that no statement so far created",
         "check the spelling and the schema", example="drop enum document_status\n"),
    Code("unknown-enum-value", _N, "error", "a value the enum does not have",
         "check the spelling and the case: enum values are case-sensitive strings",
         example="""\
enum document_status ('draft', 'published')
alter enum document_status rename value 'archived' to 'old'
"""),
    Code("unknown-extension", _N, "error", "an extension dropped that was never created",
         "drop only extensions a migration created", example="drop extension pg_trgm\n"),
    Code("unknown-index-method", _N, "error", "an index method PostgreSQL and pgvector do not"
         " have", "use btree, hash, gin, gist, brin, spgist, hnsw or ivfflat",
         example=_DOCUMENTS + "index documents_title on documents using btre (title)\n"),
    Code("duplicate-column", _N, "error",
         "a column defined or listed twice, or added to a table that already has it",
         "rename or remove one of them",
         example="""\
table documents {
    id    bigint identity primary key
    title text
    title varchar(200)
}
"""),
    Code("duplicate-name", _N, "error", "a name already taken: tables, indexes and sequences"
         " share one namespace per schema, constraints one per table",
         "choose another name, or drop or rename what holds it first",
         example=_DOCUMENTS + "index documents on documents (title)\n"),
    Code("history-table-name", _N, "error", "a table, index, constraint, sequence or enum"
         " given the name of pgshift's history table (`history_table` in [tool.pgshift], by default"
         " public.schema_migrations)", "name it otherwise, or keep pgshift's history in"
         " another table: `history_table = \"pgshift_migrations\"` in [tool.pgshift] (for a"
         " database that already has a history, the table it is in)",
         example="""\
table schema_migrations {
    version text primary key
}
"""),
    Code("duplicate-enum-value", _N, "error", "an enum value listed twice or added again",
         "remove the repeated value",
         example="enum document_status ('draft', 'published', 'draft')\n"),
    Code("duplicate-schema", _N, "error", "a schema created twice, or `public` created",
         "create each schema once, in the first migration that needs it",
         example="schema rag\nschema rag\n"),
    Code("reserved-schema-name", _N, "error",
         "a schema named `pg_…`, a prefix PostgreSQL keeps for its own schemas",
         "choose a name that does not begin with `pg_`", example="schema pg_documents\n"),
    Code("duplicate-extension", _N, "error", "an extension created twice",
         "create each extension once, in the first migration that needs it",
         example="extension vector\nextension vector\n"),
    Code("identifier-too-long", _N, "error", "a name over 63 bytes, which PostgreSQL would"
         " silently cut short", "choose a name of at most 63 bytes (UTF-8)",
         example="""\
table documents_fetched_from_the_public_web_by_the_nightly_crawler_job {
    id bigint identity primary key
}
"""),
    Code("constraint-index", _N, "error",
         "an index dropped or renamed that belongs to a unique or primary key constraint",
         "drop or rename the constraint (`alter table … { drop constraint … }`) instead",
         example="""\
table documents {
    id   bigint identity primary key
    slug text unique
}
drop index documents_slug_key
"""),
    Code("extension-required", _N, "error",
         "a type or index method of an extension the migrations never created",
         "add `extension vector` (or the extension named) in this or an earlier migration",
         example="""\
table items {
    id        bigint identity primary key
    embedding vector(3)
}
"""),
    Code("unknown-rule", Group.LINT, "warning",
         "a `-- pgshift: allow CODE` comment naming no lint rule, so it allows nothing",
         "fix the code's spelling; `pgshift lint --rules` lists the rules, and only they can"
         " be allowed",
         example="-- pgshift: allow index-blocks-write\n" + _DOCUMENTS),
    Code("unknown-sequence", _N, "error", "a standalone sequence that no statement so far"
         " created (a serial or identity column's own sequence is its table's)",
         "check the name; a column's sequence goes away with its column",
         example="""\
drop sequence invoice_numbers
"""),
    Code("unknown-role", _N, "error", "a role a policy or a grant names that is neither"
         " `public`, the session's own (`current_user`, `current_role`, `session_user`, in a"
         " policy) nor declared `external role`",
         "roles are the cluster's, made by the platform: declare the role with `external role"
         " NAME` in this or an earlier migration (a scratch build makes a stand-in for it)",
         example=_DOCUMENTS + "policy documents_read on documents for select to authenticated"
         " using `true`\n"),
    Code("unknown-policy", _N, "error", "a policy the table does not have",
         "check the policy's name and its table (a policy's name is its table's own)",
         example=_DOCUMENTS + "drop policy documents_read on documents\n"),
    Code("duplicate-policy", _N, "error", "a policy made on a table that has one of the name",
         "choose another name, or drop the old policy first",
         example=_DOCUMENTS + "policy documents_read on documents\n"
         "policy documents_read on documents\n"),
    Code("duplicate-role", _N, "error", "a role declared `external` twice, declared under a"
         " name PostgreSQL keeps (`public`, `current_user`, …), or named twice in one policy",
         "declare each role once; name each role once",
         example="external role authenticated\nexternal role authenticated\n"),
)
