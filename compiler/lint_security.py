"""The safety lint's rule on row-level security, read once the whole migration is folded.

`enable row level security` on a table the application already reads is an outage when
the table has no policy: PostgreSQL then lets every role but the table's owner (and
superusers, and roles with BYPASSRLS) read no row of it and write none. The policies are
usually written after the `enable`, further down the same migration, so the rule looks at
the table as the migration leaves it, not as the statement does. lint.py registers the
rule (RULES), notes each `enable` on an existing table in the Context and reports what
`unguarded_tables` yields once the migration's last statement is built.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..dsl.source import Span
from .context import Context
from .model import TableModel


def _still_unguarded(ctx: Context, table: TableModel) -> bool:
    """The table is still there (under any name), with row-level security and no policy."""
    return ctx.model.tables.get(table.key) is table and table.row_security and (
        not table.policies)


def unguarded_tables(ctx: Context) -> Iterator[tuple[str, str, str, Span]]:
    """A finding for each `enable row level security` on an existing table that the
    migration leaves without a policy."""
    for table, span in ctx.row_security_enabled:
        if not _still_unguarded(ctx, table):
            continue
        yield ("row-security-without-policy",
               f"table '{table.name}' gets row level security and no policy: from the moment"
               " this migration commits, every role but its owner (the application's role,"
               " usually) reads no row of it and writes none",
               "write the policies the application needs in the same migration, such as"
               f" `policy {table.name}_read on {table.name} for select to ROLE` with its"
               " `using` condition; if only the owner uses the table, accept it with"
               " `-- pgshift: allow row-security-without-policy`",
               span)
