"""Registry entries (diagnostic_codes.py) for the compiler's checks against the schema the
earlier migrations built, what PostgreSQL would refuse halfway through a deploy said at
compile time: those of views, tables, columns, keys and constraints. The other objects'
are in diagnostic_codes_objects.py, listed after these on the page."""

from __future__ import annotations

from .diagnostic_codes import Code, Group

_C = Group.SCHEMA
_DOCUMENTS = """\
table documents {
    id    bigint identity primary key
    title text
}
"""
_USERS = """\
table users {
    id bigint identity primary key
}
"""

CODES: tuple[Code, ...] = (
    Code("view-query", _C, "error", "a view's query that PostgreSQL's parser refuses, or that"
         " is not one SELECT", "write one SELECT (or VALUES) without a trailing statement",
         example='view answers as """select 42 as answer; select 43"""\n'),
    Code("view-depends", _C, "error", "a table or column that a view reads dropped, retyped or"
         " renamed, or a view that another view reads dropped or replaced",
         "drop the view first and create it again after the change (its query as the"
         " change needs it)", example=_DOCUMENTS + """\
view titles as \"\"\"select id, title from documents\"\"\"
alter table documents {
    drop column title
}
"""),
    Code("view-check-option", _C, "error", "a check option on a view PostgreSQL cannot"
         " update by itself (a join, an aggregate, DISTINCT, GROUP BY, LIMIT, UNION, …)",
         "leave out the check option (`alter view … reset (check_option)` for one the view"
         " keeps), or make the query read one table or updatable view with plain columns",
         example=_DOCUMENTS + 'view counted as """select count(*) as n from documents"""'
                 " with check option\n"),
    Code("view-index", _C, "error", "an index on a plain view, which holds no rows",
         "index the tables the view reads, or make it a `materialized view`",
         example='view answers as """select 42 as answer"""\n'
                 "index answers_answer on answers (answer)\n"),
    Code("refresh-concurrently", _C, "error", "`refresh materialized view … concurrently`"
         " where PostgreSQL would refuse it", "refresh without `concurrently`",
         example='materialized view answers as """select 42 as answer"""\n'
                 "refresh materialized view answers concurrently\n"),
    Code("no-primary-key", _C, "error", "a foreign key without a column list to a table that"
         " has no primary key", "name the referenced columns: `references tags (name)`",
         example="""\
table tags {
    name text unique
}
table documents {
    id  bigint identity primary key
    tag text references tags
}
"""),
    Code("foreign-key-arity", _C, "error", "a foreign key whose two column lists differ in"
         " length, or a column that references several columns",
         "list as many referenced columns as referencing ones; a key of several columns is a"
         " table constraint, `foreign key (a, b) references t (x, y)`",
         example="""\
table users {
    id    bigint identity primary key
    email text
    unique (id, email)
}
table documents {
    id      bigint identity primary key
    user_id bigint
    foreign key (user_id) references users (id, email)
}
"""),
    Code("foreign-key-target", _C, "error",
         "a foreign key to columns that are not the primary key or a unique constraint",
         "reference the primary key, or add a unique constraint on those columns first",
         example="""\
table users {
    id    bigint identity primary key
    email text
}
table documents {
    id     bigint identity primary key
    author text references users (email)
}
"""),
    Code("foreign-key-type", _C, "error", "a foreign key between columns of different types,"
         " or a type change of a column in a foreign key",
         "give both columns the same type; to change it, drop the foreign key, change both"
         " columns and add it back",
         example=_USERS + """\
table documents {
    id      bigint identity primary key
    user_id integer references users (id)
}
"""),
    Code("multiple-primary-keys", _C, "error", "a second primary key on one table",
         "keep one primary key; make the other columns `unique`",
         example="""\
table documents {
    id   bigint identity primary key
    slug text primary key
}
"""),
    Code("identity-type", _C, "error", "an identity column that is not smallint, integer or"
         " bigint", "make it bigint, or drop `identity` and give the column a default",
         example="""\
table documents {
    id text identity primary key
}
"""),
    Code("identity-default", _C, "error", "a default set on an identity column",
         "an identity column takes its values from its sequence: drop `identity` first, or"
         " leave the default out",
         example=_DOCUMENTS + """\
alter table documents {
    alter column id set default 0
}
"""),
    Code("identity-not-null", _C, "error", "`drop not null` on an identity column, which is"
         " always NOT NULL", "leave it NOT NULL, or drop `identity` first",
         example="""\
table documents {
    id    bigint identity
    title text
}
alter table documents {
    alter column id drop not null
}
"""),
    Code("primary-key-not-null", _C, "error",
         "`drop not null` on a column of the primary key, which keeps it NOT NULL",
         "drop the primary key first, or leave the column NOT NULL",
         example=_DOCUMENTS + """\
alter table documents {
    alter column id drop not null
}
"""),
    Code("still-referenced", _C, "error", "a table, column or constraint dropped while a"
         " foreign key of another table still needs it",
         "drop that foreign key first, or add `cascade`, which drops it too",
         example=_USERS + """\
table documents {
    id      bigint identity primary key
    user_id bigint references users (id)
}
drop table users
"""),
    Code("still-used", _C, "error", "a column dropped or retyped while a generated column"
         " still computes from it (or a trigger names it; or, dropped, a policy names it)",
         "drop the generated column first (or add `cascade` to the drop), and add it back"
         " after a type change; drop the trigger or policy first",
         example="""\
table documents {
    id    bigint identity primary key
    title text
    slug  text generated always as `lower(title)` stored
}
alter table documents {
    drop column title
}
"""),
    Code("not-valid-kind", _C, "error", "`not valid` on a unique or primary key constraint",
         "only a check or a foreign key can be added `not valid`: build a unique index"
         " `concurrently`, then add the constraint `using index`",
         example=_DOCUMENTS + """\
alter table documents {
    add unique (title) not valid
}
"""),
    Code("validate-kind", _C, "error", "`validate constraint` on a unique or primary key"
         " constraint, which is always valid", "validate only a check or a foreign key that"
         " was added `not valid`",
         example="""\
table documents {
    id   bigint identity primary key
    slug text
    constraint documents_slug_key unique (slug)
}
alter table documents {
    validate constraint documents_slug_key
}
"""),
    Code("already-valid", _C, "error", "`validate constraint` on a constraint that is"
         " already valid", "remove the `validate`: the constraint was not added `not valid`,"
         " or an earlier migration validated it",
         example=_DOCUMENTS + """\
alter table documents {
    add constraint documents_title_check check `title <> ''`
}
alter table documents {
    validate constraint documents_title_check
}
"""),
    Code("index-not-adoptable", _C, "error", "`unique using index` or `primary key using"
         " index` with an index that cannot back a constraint",
         "use a unique b-tree index on plain columns in their default order, with no"
         " `where` and no `include`, on the same table",
         example=_DOCUMENTS + """\
index documents_title on documents (title)
alter table documents {
    add unique using index documents_title
}
"""),
)
