"""Registry entries (diagnostic_codes.py) for the front end: syntax, and files as files."""

from __future__ import annotations

from .diagnostic_codes import Code, Group

_S = Group.SYNTAX
_F = Group.FILES

CODES: tuple[Code, ...] = (
    Code("syntax", _S, "error", "text the grammar cannot read at this place",
         "read the message: it names what was found and what could come there; a column"
         " named like a keyword goes in double quotes",
         example="""\
table documents {
    id bigint identity primary key,
}
"""),
    Code("unknown-keyword", _S, "error",
         "a word that is close to a keyword or statement but is not one (a typo)",
         "write the keyword the message suggests",
         example="""\
tabel documents {
    id bigint identity primary key
}
"""),
    Code("unterminated", _S, "error",
         "a string, quoted name, backtick expression or `\"\"\"` block that is never closed",
         "close it on the same line (strings, names, backticks) or before the end of the"
         " file (`\"\"\"`); write `''` for a quote inside a string",
         example="""\
comment on table documents is 'Fetched documents
"""),
    Code("unclosed-brace", _S, "error", "a `{` with no `}` before the next statement or the"
         " end of the file", "add the `}` that ends the block",
         example="""\
table documents {
    id bigint identity primary key
"""),
    Code("missing-value", _S, "error", "`default` with no value after it",
         "write the value on the same line: `default 0`, `default now()`, `default 'en'` or"
         " an expression in backticks",
         example="""\
table documents {
    language text default
    title    text
}
"""),
    Code("bad-number", _S, "error", "a number that is not one (`2x`, `1e5`, `.5`)",
         "write a whole number or a decimal with digits on both sides of the point; other"
         " forms go in backticks",
         example="""\
table documents {
    price numeric(10, 2x)
}
"""),
    Code("bad-type-modifier", _S, "error",
         "a type modifier that is not a positive whole number, or more than the type takes",
         "give the type the modifiers PostgreSQL accepts: `varchar(200)`, `numeric(10, 2)`",
         example="""\
table documents {
    id    bigint identity primary key
    title varchar(0)
}
"""),
    Code("unknown-value", _S, "error", "a bare word used as a value, a name in double"
         " quotes where a string belongs, or a cast (`'doc'::kind`) outside backticks",
         "quote strings with single quotes (`'draft'`), call functions with parentheses"
         " (`now()`), put other SQL in backticks (`` `'doc'::kind` ``)",
         example="""\
table documents {
    id     bigint identity primary key
    status text default draft
}
"""),
    Code("nested-too-deep", _S, "error", "function calls nested more than 100 deep in a value",
         "write an expression that deep as SQL in backticks",
         example="table documents {\n    id    bigint identity primary key\n    total numeric"
                 f" default {'f(' * 101}{')' * 101}\n}}\n"),
    Code("empty-expression", _S, "error", "a backtick expression with nothing in it",
         "write the SQL expression between the backticks, or leave the clause out",
         example="""\
table documents {
    id    bigint identity primary key
    price numeric check ``
}
"""),
    Code("empty-sql", _S, "error", "a `sql` block with no SQL in it",
         "write the statements to run, or remove the block",
         example='sql """"""\n'),
    Code("view-data", _S, "error", "`with data` or `with no data` after a plain view",
         "only a materialized view holds rows: write `materialized view`, or leave it out",
         example='view answers as """select 42 as answer""" with no data\n'),
    Code("view-option", _S, "error", "a view option PostgreSQL does not have, a value it"
         " does not take, one given twice, options on a materialized view, or an `alter view`"
         " that changes nothing",
         "write security_invoker or security_barrier as true or false, and check_option as"
         " local or cascaded (or `with local check option` after the query)",
         example='view answers with (security_definer = true) as """select 42 as answer"""\n'),
    Code("empty-migration", _S, "error", "a migration file without a statement",
         "write at least one statement, or delete the file",
         example="-- nothing yet\n"),
    Code("empty-alter", _S, "error", "an `alter table` block without an action, or an"
         " `alter policy` without a clause",
         "add an action such as `add column note text` (to a policy: `rename to`, `to`,"
         " `using` or `with check`), or remove the statement",
         example="""\
table documents {
    id bigint identity primary key
}
alter table documents {
}
"""),
    Code("unknown-setting", _S, "error", "a `migration { }` header setting that does not exist",
         "use `lock_timeout` or `statement_timeout`",
         example="""\
migration {
    lock_timout 5s
}
table documents {
    id bigint identity primary key
}
"""),
    Code("bad-duration", _S, "error", "a header setting's duration without a unit",
         "add the unit: `ms`, `s`, `min`, `h` or `d` (`5s`, `500ms`)",
         example="""\
migration {
    lock_timeout 5
}
table documents {
    id bigint identity primary key
}
"""),
    Code("duplicate-setting", _S, "error", "a header setting given twice",
         "keep one of them",
         example="""\
migration {
    lock_timeout 5s
    lock_timeout 1s
}
table documents {
    id bigint identity primary key
}
"""),
    Code("duplicate-option", _S, "error",
         "an index clause (`include`, `with`, `where`, `build`) given twice",
         "merge them into one clause",
         example="""\
table documents {
    id    bigint identity primary key
    title text
}
index documents_title on documents (title) where `title <> ''` where `id > 0`
"""),
    Code("duplicate-parameter", _S, "error", "an index parameter given twice in `with (…)`",
         "keep one of them",
         example="""\
extension vector
table items {
    id        bigint identity primary key
    embedding vector(3)
}
index items_embedding on items using hnsw (embedding vector_cosine_ops) with (m = 16, m = 24)
"""),
    Code("duplicate-action", _S, "error",
         "`on delete` or `on update` given twice for one foreign key", "keep one of them",
         example="""\
table users {
    id bigint identity primary key
}
table documents {
    id      bigint identity primary key
    user_id bigint references users (id) on delete cascade on delete set null
}
"""),
    Code("duplicate-constraint", _S, "error",
         "a column constraint given twice for one column (only `check` may repeat)",
         "keep one of them",
         example="""\
table documents {
    id    bigint identity primary key
    title text not null not null
}
"""),
    Code("conflicting-constraints", _S, "error", "column constraints that contradict each"
         " other: `not null` with `null`, `identity` with `default`",
         "keep the one you mean",
         example="""\
table documents {
    id    bigint identity primary key
    title text not null null
}
"""),
    Code("bad-comment-target", _S, "error",
         "`comment on column` without `table.column`, or another `comment on` with too many"
         " name parts", "name a column as `table.column` or `schema.table.column`, a schema by"
         " its one name, anything else as `name` or `schema.name`",
         example="""\
table documents {
    id    bigint identity primary key
    title text
}
comment on column title is 'The title'
"""),
    Code("encoding", _F, "error", "a migration file that is not valid UTF-8",
         "save the file as UTF-8 (pgshift never guesses another encoding)",
         situation="a migration saved in Latin-1 or Windows-1252 with an accented letter"
                   " (`é` as the byte 0xe9): the caret points at the first byte that is not"
                   " UTF-8"),
    Code("nul-character", _F, "error", "a NUL character (U+0000) in a migration file",
         "remove it: PostgreSQL can store a NUL in no name, string or statement",
         situation="a file holding a NUL byte, such as a binary file renamed to .shift or"
                   " text pasted from a tool that pads with NULs"),
    Code("bad-file-name", _F, "error",
         "a file in migrations/ whose name is not `VERSION_description.shift`",
         "rename it like `0.0.2_add_language.shift`: numbers separated by dots, `_`, then a"
         " description of letters, digits, `_` or `-`",
         situation="`migrations/add_language.shift` (no version) or"
                   " `migrations/0.0.2-add_language.shift` (a `-` after the version)"),
    Code("duplicate-version", _F, "error", "two migration files with the same version",
         "give one of them the next free version (`0.0.01` and `0.0.1` are the same)",
         situation="`migrations/0.0.2_add_language.shift` and"
                   " `migrations/0.0.2_add_notes.shift`, written on two branches"),
    Code("history-in-the-past", _F, "error", "a new migration whose version sorts before the"
         " newest one generated/ was already built from",
         "give it a version after the newest one (`pgshift new` does): a database that"
         " applied the newer migration would never run it",
         situation="generated/ holds 0.0.3, and a branch adds"
                   " `migrations/0.0.2_add_notes.shift`"),
    Code("no-migrations", _F, "error", "the project has no migrations directory",
         "run `pgshift init`, or point `--project` (or `migrations` in [tool.pgshift]) at"
         " the right directory",
         situation="`pgshift compile` run in a directory without `migrations/`"),
    Code("bad-sequence-option", _S, "error", "a sequence option PostgreSQL's CREATE SEQUENCE"
         " refuses: given twice, a type that is not smallint, integer or bigint, an increment"
         " of zero, a value out of the type's range, a minvalue not below the maxvalue, a"
         " start outside them, a cache below 1",
         "keep one of each option, with values inside the bounds the sequence ends up with",
         example="""\
sequence invoice_numbers start with 0 minvalue 1
"""),
    Code("bad-partition", _S, "error", "a partition PostgreSQL refuses: a key column named"
         " twice, a bound of the wrong form or length for the partition key, a second"
         " default partition, a partition of a table that is not partitioned, or what"
         " PostgreSQL does not do on a partitioned table (`index concurrently`, a key `using"
         " index`)",
         "write the bound as the partitioned table's strategy takes it: `for values from (…)"
         " to (…)` (range), `for values in (…)` (list), `for values with (modulus M,"
         " remainder R)` (hash), or `default`",
         example="""\
table events {
    id         bigint not null
    created_at timestamptz not null
} partition by range (created_at)
partition events_2026 of events for values in ('2026-01-01')
"""),
)
