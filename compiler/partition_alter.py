"""`alter table PARTITION { … }`: the check constraints a partition has of its own.

A partition's columns, keys, indexes and the checks it shares with its table change
through its table. What it may have alone is a check constraint: the one that proved a
table's rows fit its bound before `attach partition` (dropped once attached), or one on
the default partition that keeps a coming bound's rows out of it (so that making the new
partition need not scan it). These are added, validated and dropped here, with the same
steps as a table's, run on a stand-in table of the partition's columns and checks; every
other action is refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from ..dsl import ast
from .context import Context, Step, StepError
from .model import PartitionModel, TableModel

ActionBuilder = Callable[[Context, TableModel, ast.AlterAction], Step]


def _stand_in(ctx: Context, partition: PartitionModel) -> TableModel:
    parent = ctx.model.tables[partition.parent]
    return TableModel(partition.schema, partition.name,
                      {name: dataclasses.replace(column)
                       for name, column in parent.columns.items()},
                      dict(partition.checks))


def _own(ctx: Context, partition: PartitionModel, action: ast.AlterAction) -> None:
    """Refuse what a partition does not have alone."""
    parent = ctx.model.tables[partition.parent]
    through = (f"'{partition.name}' is a partition of '{parent.name}': change it through"
               f" '{parent.name}' (`alter table {parent.name} {{ … }}`)")
    if isinstance(action, ast.AddConstraint):
        if not isinstance(action.constraint, ast.CheckConstraint):
            raise ctx.error("partition-own", f"{through}; a partition has only check"
                            " constraints of its own", action.span)
    elif isinstance(action, ast.DropConstraint | ast.ValidateConstraint):
        if action.name.value not in partition.checks:
            shared = action.name.value in parent.constraints
            raise ctx.error("partition-own", f"{through}" + (
                f"; '{action.name.value}' is its table's" if shared else
                f"; it has no check constraint '{action.name.value}' of its own"),
                action.name.span)
    else:
        raise ctx.error("partition-own", f"{through}; a partition has only check"
                        " constraints of its own", action.span)


def alter_partition(ctx: Context, s: ast.AlterTable,
                    actions: Mapping[type, ActionBuilder]) -> list[Step]:
    """Each action on the partition's own checks, as `alter table` does them on a table."""
    partition = ctx.model.partitions[ctx.key(s.table)]
    steps: list[Step] = []
    for action in s.actions:
        try:
            _own(ctx, partition, action)
            stand_in = _stand_in(ctx, partition)
            steps.append(actions[type(action)](ctx, stand_in, action))
        except StepError:
            continue
        partition.checks = {name: c for name, c in stand_in.constraints.items()
                            if c.kind == "check"}
    return steps
