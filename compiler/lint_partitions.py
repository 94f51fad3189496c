"""The safety lint's rules on partitions of an existing partitioned table.

`partition NAME of TABLE` (CREATE TABLE … PARTITION OF) and DETACH PARTITION without
CONCURRENTLY take ACCESS EXCLUSIVE on the partitioned table: every query on any of its
partitions waits for them, and the lock waits behind every query already running. ATTACH
PARTITION and DETACH … CONCURRENTLY take only SHARE UPDATE EXCLUSIVE there. A default
partition is scanned, under ACCESS EXCLUSIVE, by every new bound (its rows must not
belong to it). The rules register themselves into lint.py's RULES as lint.py is imported.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..dsl import ast
from ..dsl.source import Span
from ..runner.locks import what_it_blocks
from .context import Context
from .lint import RULES, Change, Rule, lint_rule
from .lint_codes import register
from .model import Key
from .partitions import default_partition

PARTITION_RULES = (
    Rule("partition-blocks", "a partition made with `partition … of`, or detached without"
                             " `concurrently`, on an existing partitioned table: ACCESS"
                             " EXCLUSIVE on the whole table"),
    Rule("default-partition-scan", "a partition made or attached while the table has a"
                                   " default partition, which is scanned under ACCESS"
                                   " EXCLUSIVE"),
)
for _rule_of_partitions in PARTITION_RULES:
    RULES[_rule_of_partitions.code] = _rule_of_partitions
register(PARTITION_RULES)


def _default_partition(ctx: Context, parent: Key) -> str | None:
    table = ctx.model.tables.get(parent)
    default = default_partition(ctx, table) if table is not None else None
    return default.name if default is not None else None


@lint_rule(ast.CreatePartition)
def _partition_of(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.CreatePartition)
    parent = ctx.key(node.parent)
    yield ("partition-blocks",
           f"making partition '{node.name}' takes ACCESS EXCLUSIVE on '{node.parent}':"
           f" {what_it_blocks('ACCESS EXCLUSIVE')} on every partition, and waits behind"
           " every query already running",
           f"make it a table first (`table {node.name} {{ … }}` with the columns, the"
           " indexes, and a check of its bound), then `alter table"
           f" {node.parent} {{ attach partition {node.name} … }}`, which takes SHARE UPDATE"
           " EXCLUSIVE", node.span)
    if node.bound.kind != "default":
        yield from _default_scan(ctx, parent, str(node.name), node.span)


@lint_rule(ast.AttachPartition)
def _attach(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.AttachPartition)
    if change.table is not None and node.bound.kind != "default":
        yield from _default_scan(ctx, change.table.key, str(node.name), node.span)


def _default_scan(ctx: Context, parent: Key, name: str,
                  span: Span) -> Iterator[tuple[str, str, str, Span]]:
    default = _default_partition(ctx, parent)
    if default is None:
        return
    yield ("default-partition-scan",
           f"the default partition '{default}' is scanned for rows of '{name}' under ACCESS"
           f" EXCLUSIVE: {what_it_blocks('ACCESS EXCLUSIVE')} on it for the whole scan",
           f"keep '{default}' empty (move its rows to their partitions first) so that the"
           " scan is quick; or give it a validated check constraint that excludes the new"
           " bound, which spares the scan (a `sql` block: pgshift changes a partition only"
           " through its table)", span)


@lint_rule(ast.DetachPartition)
def _detach(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.DetachPartition)
    if node.concurrently or change.table is None:
        return
    table = change.table.name
    default = _default_partition(ctx, change.table.key)
    how = (f"`detach partition {node.name} concurrently` takes SHARE UPDATE EXCLUSIVE"
           " (reads and writes go on; it runs outside a transaction)" if default is None else
           f"PostgreSQL detaches concurrently only from a table without a default partition"
           f" ('{default}'); detach in a quiet moment, with a short `lock_timeout`")
    yield ("partition-blocks",
           f"detaching partition '{node.name}' takes ACCESS EXCLUSIVE on '{table}':"
           f" {what_it_blocks('ACCESS EXCLUSIVE')} on every partition, and waits behind"
           " every query already running", how, node.span)
