"""Registry entries (diagnostic_codes.py) for the compiler's checks against the schema the
earlier migrations built, beyond the tables' (diagnostic_codes_tables.py, listed before
these on the page): schemas, enums, extensions and external objects; what pgshift cannot
derive a Down for, and the text of expressions and `sql` blocks; indexes and pgvector;
functions and triggers; sequences; row security and grants; partitions."""

from __future__ import annotations

from .diagnostic_codes import Code, Group

_C = Group.SCHEMA
_DOCUMENTS = """\
table documents {
    id    bigint identity primary key
    title text
}
"""
_ITEMS = """\
extension vector
table items {
    id        bigint identity primary key
    embedding vector(3)
}
"""

_DOCUMENTS_RLS = """\
table documents {
    id bigint identity primary key
}
alter table documents {
    enable row level security
}
alter table documents {
    enable row level security
}
"""

_TOUCH = _DOCUMENTS + '''\
function touch() returns trigger language plpgsql as """begin return new; end"""
'''

CODES: tuple[Code, ...] = (
    Code("enum-in-use", _C, "error", "an enum dropped while a column still has it as its type",
         "change that column's type, or drop it, first",
         example="""\
enum document_status ('draft', 'published')
table documents {
    id     bigint identity primary key
    status document_status
}
drop enum document_status
"""),
    Code("schema-in-use", _C, "error", "a schema dropped while it still holds a table, index,"
         " enum or extension", "drop or move what it holds first: pgshift drops only an empty"
         " schema (Down could not bring back what CASCADE dropped)",
         example="""\
schema rag
table rag.documents {
    id bigint identity primary key
}
drop schema rag
"""),
    Code("external-object", _C, "error", "a statement that would make, change or drop an"
         " object declared `external`, or make something in an external schema",
         "change it where it is managed (the platform, the other tool), or in a `sql` block;"
         " put the migrations' own objects in their own schemas",
         example="""\
external table auth.users {
    id uuid primary key
}
alter table auth.users {
    add column nickname text
}
"""),
    Code("external-declaration", _C, "error", "an external table that declares a default, a"
         " check, a reference, an identity or a generated column",
         "declare only what the migrations reference: the columns with their types, `not"
         " null`, `primary key` and `unique`",
         example="""\
external table auth.users {
    id         uuid primary key
    created_at timestamptz default now()
}
"""),
    Code("extension-in-use", _C, "error",
         "an extension (vector, citext) dropped while a column still has one of its types",
         "drop those columns (or tables) first",
         example=_ITEMS + "drop extension vector\n"),
    Code("enum-value-in-same-migration", _C, "error",
         "an enum value used in the migration that adds it",
         "use the value in a later migration: PostgreSQL cannot use a new enum value in the"
         " transaction that added it",
         example="""\
enum document_status ('draft')
table documents {
    id     bigint identity primary key
    status document_status
}
-- migration 0.0.2
irreversible 'enum values cannot be removed'
alter enum document_status add value 'published'
alter table documents {
    alter column status set default 'published'
}
"""),
    Code("irreversible", _C, "error", "a change pgshift cannot derive a Down for, in a"
         " migration not marked `irreversible`",
         "add `irreversible 'why'` to the migration to accept that it has no Down, or write"
         " the change so that it can be undone (a `sql` block takes a `down \"\"\"…\"\"\"`)",
         example="""\
enum document_status ('draft', 'published')
-- migration 0.0.2
alter enum document_status add value 'archived'
"""),
    Code("lossy-down", _C, "warning", "a type change with `using`, whose Down converts back"
         " with a plain cast that may not restore the values",
         "check that the cast back restores every value; if it cannot, mark the migration"
         " `irreversible`",
         example="""\
table documents {
    id    bigint identity primary key
    words text
}
alter table documents {
    alter column words type integer using `words::integer`
}
"""),
    Code("bad-expression", _C, "error", "a backtick expression that is not one expression: a"
         " `;`, a comment, an unbalanced bracket or an unterminated string",
         "keep one expression inside the backticks; statements go in a `sql` block",
         example="""\
table documents {
    id    bigint identity primary key
    price numeric check `price > 0); DROP TABLE users; --`
}
"""),
    Code("transaction-control", _C, "error",
         "BEGIN, COMMIT, ROLLBACK or a savepoint in a `sql` block",
         "remove it: pgshift runs each migration in a transaction of its own; an index built"
         " or dropped while writes go on is `index concurrently` or `drop index concurrently`",
         example=_DOCUMENTS + '''\
sql """
    UPDATE documents SET title = '';
    COMMIT;
""" down """"""
'''),
    Code("unique-index-method", _C, "error", "a unique index with a method other than btree",
         "make it a btree index, or drop `unique`",
         example=_DOCUMENTS + "unique index documents_title on documents using gin (title)\n"),
    Code("index-build-option", _C, "error", "a `build (…)` option that is unknown or out of"
         " range", "use `memory = '2GB'` (a size in quotes) and `workers = N` (0 to 64)",
         example=_DOCUMENTS
         + "index documents_title on documents (title) build (threads = 4)\n"),
    Code("index-parameter", _C, "error", "an hnsw or ivfflat parameter that is unknown or out"
         " of pgvector's range", "hnsw takes `m` (2 to 100) and `ef_construction` (4 to 1000,"
         " at least twice m); ivfflat takes `lists` (1 to 32,768)",
         example=_ITEMS + "index items_embedding on items using hnsw (embedding vector_cosine_ops)"
                          " with (m = 200)\n"),
    Code("vector-opclass", _C, "error", "a vector index's operator class missing, unknown,"
         " for another type or method, or a pgvector class on a non-vector index",
         "name the class that fits the column's type, the method and the distance the"
         " queries use: `vector_cosine_ops`, `halfvec_l2_ops`, … (docs/language.md, pgvector)",
         example=_ITEMS + "index items_embedding on items using hnsw (embedding)\n"),
    Code("vector-dimension", _C, "error", "a vector dimension beyond what pgvector stores or"
         " indexes, or a vector index on a column without a dimension",
         "declare the dimension (`vector(1536)`); index at most 2,000 dimensions of vector,"
         " 4,000 of halfvec (a halfvec column, or a smaller embedding, fits)",
         example="""\
extension vector
table items {
    id        bigint identity primary key
    embedding vector(3072)
}
index items_embedding on items using hnsw (embedding vector_cosine_ops)
"""),
    Code("vector-index-type", _C, "error", "an hnsw or ivfflat index on a column that is not a"
         " vector type, or a type change of a column such an index covers",
         "index a vector, halfvec, sparsevec or bit column; to change its type, drop the"
         " index first and create it again after",
         example="""\
extension vector
table items {
    id   bigint identity primary key
    body text
}
index items_body on items using hnsw (body vector_cosine_ops)
"""),
    Code("vector-index-unique", _C, "error", "a unique hnsw or ivfflat index",
         "drop `unique`: a vector index cannot enforce uniqueness",
         example=_ITEMS + "unique index items_embedding on items using hnsw"
                          " (embedding vector_cosine_ops)\n"),
    Code("vector-index-columns", _C, "error", "an hnsw or ivfflat index over several columns",
         "index one vector column per index",
         example="""\
extension vector
table items {
    id        bigint identity primary key
    embedding vector(3)
    preview   vector(3)
}
index items_both on items using hnsw (embedding vector_cosine_ops, preview vector_cosine_ops)
"""),
    Code("function-in-use", _C, "error", "a function dropped, or changed in a way only DROP"
         " and CREATE can (its return type, an argument's name, a default removed), while a"
         " trigger executes it or a default, generated column, check or index calls it",
         "drop or change what uses it first, and create it again once the function is back",
         example=_TOUCH + "trigger documents_touch before update on documents for each row"
         " execute function touch()\ndrop function touch()\n"),
    Code("trigger-function", _C, "error", "a trigger that executes a function not declared"
         " `returns trigger`, or a function `returns trigger` declared with arguments",
         "declare the function `returns trigger`; a trigger function takes no arguments (its"
         " `execute function f('a')` strings reach it as TG_ARGV)",
         example=_DOCUMENTS + "function title_of() returns text language sql as"
         ' """select \'x\'"""\ntrigger documents_touch before update on documents for each'
         " row execute function title_of()\n"),
    Code("function-signature", _C, "error", "a function's arguments PostgreSQL would"
         " refuse (or a procedure's `out` argument): a default on an `out` argument, a"
         " `variadic` one that is not the last input or not an array, `out` arguments with"
         " `returns table`, or a `returns` that is not what the `out` and `inout` arguments"
         " make (their one type, or `record`)",
         "give defaults to input arguments only; make `variadic` the last input, of an array"
         " type; with `out` arguments, return `record` (or the one `out` argument's type)",
         example="function split_name(whole text, out first text, out last text) returns"
         " text language sql as \"\"\"select split_part(whole, ' ', 1),"
         " split_part(whole, ' ', 2)\"\"\"\n"),
    Code("bad-trigger", _C, "error", "a trigger PostgreSQL would refuse: `instead of` on a"
         " table, or a `truncate` trigger `for each row`; on a view, a row-level `before` or"
         " `after` trigger, a `truncate` one, or an `instead of` one for each statement or"
         " with `when` or `update of`; any trigger on a materialized view",
         "use `before` or `after` on a table and `instead of … for each row` on a view"
         " (`before` or `after` there only `for each statement`); write `for each statement`"
         " for `truncate`",
         example=_TOUCH + "trigger documents_touch instead of insert on documents for each row"
         " execute function touch()\n"),
    Code("sequence-in-use", _C, "error", "a sequence dropped while a column default still"
         " takes its values, or a table or column dropped that owns a sequence (`owned by`),"
         " which PostgreSQL would drop along with it",
         "drop or change the default first; drop the owned sequence before its table or column",
         example="""\
sequence invoice_numbers
table invoices {
    number bigint default nextval('invoice_numbers')
}
drop sequence invoice_numbers
"""),
    Code("row-security-unchanged", _C, "error", "`enable row level security` on a table"
         " where it is enabled already (or `disable`, `force`, `no force` where it is so):"
         " PostgreSQL accepts it, but its Down would change what it never changed",
         "remove the action: the table is already as it asks",
         example=_DOCUMENTS_RLS),
    Code("policy-clause", _C, "error", "`using` in a policy for insert, or `with check` in"
         " one for select or delete: PostgreSQL refuses both (there is no old row to test, or"
         " no new one)",
         "move the condition to the clause the command has: `with check` for insert, `using`"
         " for select and delete",
         example="""\
table documents {
    id       bigint identity primary key
    owner_id text
}
policy documents_insert on documents for insert using `owner_id = current_user`
"""),
    Code("bad-privilege", _C, "error", "a privilege the object does not have (a table or"
         " view has select, insert, update, delete, truncate, references and trigger; a"
         " schema usage and create; a sequence usage, select and update; a function"
         " execute), `all`, or one named twice",
         "name the privileges one by one, each once: `all` would grant what PostgreSQL's"
         " version holds, which Down could not revoke exactly",
         example="table documents {\n    id bigint primary key\n}\n"
         "grant all on documents to public\n"),
    Code("privilege-unchanged", _C, "error", "a grant of a privilege the role holds already,"
         " or a revoke of one it does not hold, as far as the migrations know (what they"
         " granted, PUBLIC's USAGE on schema `public`, and PUBLIC's EXECUTE on every new"
         " function)",
         "remove it: it changes nothing, and its Down would revoke or grant what the migration"
         " never did; a privilege granted outside the migrations is revoked in a `sql` block",
         example="table documents {\n    id bigint primary key\n}\n"
         "revoke select on documents from public\n"),
    Code("grant-to-owner", _C, "error", "a grant or revoke naming `current_user`,"
         " `current_role` or `session_user`: the role that runs the migrations owns what they"
         " make",
         "name the roles that use the objects; the owner holds every privilege already",
         example="table documents {\n    id bigint primary key\n}\n"
         "grant select on documents to current_user\n"),
    Code("partition-key", _C, "error", "a primary key or unique constraint of a partitioned"
         " table that leaves out a column of its partition key, or a key column dropped or"
         " retyped", "add the partition key's columns to the key (`primary key (id,"
         " created_at)`); a key column stays as long as the table is partitioned by it",
         example="""\
table events {
    id         bigint identity primary key
    created_at timestamptz not null
} partition by range (created_at)
"""),
    Code("has-partitions", _C, "error", "a partitioned table dropped while it still has"
         " partitions, which PostgreSQL would drop with it",
         "drop each partition first (`drop table events_2026`): Down then makes each again",
         example="""\
table events {
    id         bigint not null
    created_at timestamptz not null
} partition by range (created_at)
partition events_2026 of events for values from ('2026-01-01') to ('2027-01-01')
drop table events
"""),
    Code("partition-own", _C, "error", "a change to one partition that only its partitioned"
         " table can make: a partition has its table's columns, keys and indexes, and only"
         " check constraints of its own",
         "change the partitioned table (`alter table events { … }`), which changes every"
         " partition; a check constraint of the partition's own is added, validated and"
         " dropped on it",
         example="""\
table events {
    id         bigint not null
    created_at timestamptz not null
} partition by range (created_at)
partition events_2026 of events for values from ('2026-01-01') to ('2027-01-01')
alter table events_2026 {
    add column note text
}
"""),
)
