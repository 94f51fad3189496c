"""The safety lint's rules in the registry of diagnostic codes (dsl/diagnostic_codes.py),
which docs/errors.md lists beside the compiler's codes: one example per rule and what to
do about it. The rules themselves, code and summary, are compiler/lint.py RULES, which
registers them through `register` as it is imported; docs/safety.md says why each matters.

An example is `.shift` text that produces its rule's finding. Rules that fire only on a
table an earlier migration created need that migration first: a line `-- migration 0.0.2`
starts the next file (as in tests/compiler/shift_cases.py).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..dsl.diagnostic_codes import Code, Group, register_rules

if TYPE_CHECKING:
    from .lint import Rule


@dataclass(frozen=True, slots=True)
class LintExample:
    example: str
    fix: str


_DOCUMENTS = """\
table documents {
    id      bigint identity primary key
    user_id bigint
    title   text
    body    text
    slug    text
}
-- migration 0.0.2
"""
_EVENTS = """\
table events {
    id bigint not null
    at date not null
} partition by range (at)
-- migration 0.0.2
"""
_USERS = """\
table users {
    id bigint identity primary key
}
"""

EXAMPLES: dict[str, LintExample] = {
    "index-blocks-writes": LintExample(
        _DOCUMENTS + "index documents_title on documents (title)\n",
        "build it `concurrently`: `index concurrently documents_title on documents (title)`"),
    "drop-index-blocks": LintExample(
        "table documents {\n    id   bigint identity primary key\n    body text\n}\n"
        "index documents_body on documents (body)\n-- migration 0.0.2\n"
        "drop index documents_body\n",
        "drop it `concurrently`: `drop index concurrently documents_body`"),
    "refresh-blocks-reads": LintExample(
        'materialized view answers as """select 42 as answer"""\n'
        "-- migration 0.0.2\nrefresh materialized view answers\n",
        "add a unique index on its columns, then `refresh materialized view answers"
        " concurrently`"),
    "type-change-rewrites": LintExample(
        _DOCUMENTS + "alter table documents {\n    alter column body type varchar(100)\n}\n",
        "for a real change of type, add a column of the new type, fill it in batches, move"
        " the application to it, then drop the old one"),
    "set-not-null-scans": LintExample(
        _DOCUMENTS + "alter table documents {\n    alter column body set not null\n}\n",
        "add a check `body is not null` `not valid`, validate it in a later migration, then"
        " `set not null` (catalog only once the check proves it)"),
    "constraint-scans": LintExample(
        _USERS + _DOCUMENTS + "alter table documents {\n"
        "    add foreign key (user_id) references users (id)\n}\n",
        "add it `not valid`, then `validate constraint` in a later migration, which lets"
        " reads and writes go on"),
    "unique-builds-index": LintExample(
        _DOCUMENTS + "alter table documents {\n"
        "    add constraint documents_slug_key unique (slug)\n}\n",
        "build the index first with `unique index concurrently`, then add the constraint"
        " `unique using index`"),
    "volatile-default": LintExample(
        _DOCUMENTS + "alter table documents {\n"
        "    add column token uuid default gen_random_uuid()\n}\n",
        "add the column without the default, then fill it in batches"),
    "not-null-without-default": LintExample(
        _DOCUMENTS + "alter table documents {\n    add column language text not null\n}\n",
        "give it a default (`not null default 'en'`), or add it nullable and fill it first"),
    "drop-column": LintExample(
        _DOCUMENTS + "alter table documents {\n    drop column body\n}\n",
        "release the application without the column first, then drop it and accept the"
        " finding with `-- pgshift: allow drop-column`"),
    "drop-table": LintExample(
        _DOCUMENTS + "drop table documents\n",
        "release the application without the table first, then drop it and accept the"
        " finding with `-- pgshift: allow drop-table`"),
    "rename-column": LintExample(
        _DOCUMENTS + "alter table documents {\n    rename column body to content\n}\n",
        "add the new column, write both, move the reads, then drop the old one"),
    "rename-table": LintExample(
        _DOCUMENTS + "rename table documents to articles\n",
        "create the new table, write both, move the reads, then drop the old one"),
    "int-key": LintExample(
        "table tags {\n    id integer primary key\n}\n",
        "make it bigint: `id bigint identity primary key`"),
    "timestamp-without-time-zone": LintExample(
        "table visits {\n    id      bigint identity primary key\n    seen_at timestamp\n}\n",
        "use `timestamptz`"),
    "char-column": LintExample(
        "table countries {\n    id   bigint identity primary key\n    code char(2)\n}\n",
        "use `text` (with a check on its length if it matters)"),
    "serial-column": LintExample(
        "table tags {\n    id bigserial primary key\n}\n",
        "use an identity column: `id bigint identity primary key`"),
    "raw-sql": LintExample(
        _DOCUMENTS + 'sql """UPDATE documents SET title = \'\' WHERE title IS NULL"""'
        ' down """"""\n',
        "write the change in the language where it can say it; otherwise check the block's"
        " locks and its `down` yourself (`pgshift verify` runs the down) and accept it with"
        " `-- pgshift: allow raw-sql`"),
    "partition-blocks": LintExample(
        _EVENTS + "partition events_2027 of events for values from ('2027-01-01') to"
        " ('2028-01-01')\n",
        "make the table with `table events_2027 { … }`, its indexes and a check of its bound,"
        " then `alter table events { attach partition events_2027 for values … }`"),
    "default-partition-scan": LintExample(
        _EVENTS + "partition events_other of events default\n-- migration 0.0.3\n"
        "table events_2027 {\n    id bigint not null\n    at date not null\n}\n"
        "alter table events {\n    attach partition events_2027 for values from"
        " ('2027-01-01') to ('2028-01-01')\n}\n",
        "keep the default partition empty, or give it a check constraint that excludes the"
        " new bound"),
    "security-definer-search-path": LintExample(
        'function rename_document(id bigint, title text) returns void language sql security'
        ' definer as """update public.documents set title = $2 where id = $1"""\n',
        "add `set search_path = pg_catalog, pg_temp` (name the function's own objects with"
        " their schema), or `set search_path = ''` and qualify every name"),
    "row-security-without-policy": LintExample(
        _DOCUMENTS + "alter table documents { enable row level security }\n",
        "write the policies the application needs in the same migration, after the `enable`:"
        " `policy documents_read on documents for select to app` with the `using`"
        " condition that picks its rows"),
}


def register(rules: Collection[Rule]) -> None:
    """Each rule's code into the registry, with its summary, example and fix."""
    missing = [rule.code for rule in rules if rule.code not in EXAMPLES]
    assert not missing, f"lint rules without an example in compiler/lint_codes.py: {missing}"
    register_rules(Code(rule.code, Group.LINT, "lint", rule.summary, EXAMPLES[rule.code].fix,
                        example=EXAMPLES[rule.code].example) for rule in rules)
