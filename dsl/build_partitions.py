"""Rules for declarative partitioning: the partition key of `table … partition by` and the
bounds of `partition NAME of PARENT`.

What the statement alone decides is checked here: a key column named twice, a hash
modulus below 1 and a remainder not below it, a range bound of another length than its
other end."""

from __future__ import annotations

from typing import Any, cast

from lark import Token

from . import ast
from .build_base import Builder, Meta, token_of


class PartitionRules(Builder):
    def create_partitioned_table(self, meta: Meta, items: list[Any]) -> ast.CreatePartitionedTable:
        table = items[0]
        strategy = next(t for t in items if isinstance(t, Token)
                        and t.type == "PARTITION_STRATEGY")
        key = items[-1]
        seen: set[str] = set()
        for column in key:
            if column.value in seen:
                self.fail("bad-partition", f"column '{column.value}' is named twice in the"
                          " partition key", column.span)
            seen.add(column.value)
        return ast.CreatePartitionedTable(table, cast(Any, str(strategy).lower()), key, meta)

    def partition_key(self, meta: Meta, items: list[Token]) -> tuple[ast.Name, ...]:
        return tuple(self.names(items))

    def create_partition(self, meta: Meta, items: list[Any]) -> ast.CreatePartition:
        name, parent = (i for i in items if isinstance(i, ast.QualifiedName))
        bound = items[-1]
        return ast.CreatePartition(name, parent, bound, meta)

    def partition_name(self, meta: Meta, items: list[Token]) -> ast.QualifiedName:
        return self.qualified(meta, items)

    def attach_partition(self, meta: Meta, items: list[Any]) -> ast.AttachPartition:
        name, bound = items
        return ast.AttachPartition(name, bound, meta)

    def detach_partition(self, meta: Meta, items: list[Any]) -> ast.DetachPartition:
        return ast.DetachPartition(items[0], token_of(items, "CONCURRENTLY") is not None, meta)

    def range_bound(self, meta: Meta, items: list[Any]) -> ast.PartitionBound:
        low, high = items
        if len(low) != len(high):
            self.fail("bad-partition", f"the lower bound has {len(low)} values and the upper"
                      f" bound {len(high)}: give one per column of the partition key", meta)
        return ast.PartitionBound("range", (low, high), meta)

    def list_bound(self, meta: Meta, items: list[Any]) -> ast.PartitionBound:
        return ast.PartitionBound("list", (items[0],), meta)

    def hash_bound(self, meta: Meta, items: list[Any]) -> ast.PartitionBound:
        numbers = [t for t in items if isinstance(t, Token) and t.type == "INT"]
        modulus, remainder = (int(str(t)) for t in numbers)
        if modulus < 1:
            self.fail("bad-partition", "a hash partition's modulus is at least 1", meta)
        elif remainder >= modulus:
            self.fail("bad-partition", f"remainder {remainder} is not below modulus"
                      f" {modulus}", meta)
        values = tuple(ast.BoundValue(str(t), self.token_span(t)) for t in numbers)
        return ast.PartitionBound("hash", (values,), meta)

    def default_bound(self, meta: Meta, items: list[Any]) -> ast.PartitionBound:
        return ast.PartitionBound("default", (), meta)

    def bound_values(self, meta: Meta, items: list[Any]) -> tuple[ast.BoundValue, ...]:
        return tuple(items)

    def bound_value(self, meta: Meta, items: list[Token]) -> ast.BoundValue:
        token = items[0]
        text = str(token)
        if token.type in ("TRUE", "FALSE", "NULL", "BOUND_LIMIT"):
            text = text.upper()
        return ast.BoundValue(text, meta)
