"""Rules for tables: columns, column and table constraints, and `alter table` actions."""

from __future__ import annotations

import itertools
from typing import Any, cast

from lark import Token

from . import ast
from .build_base import (
    CONSTRAINT_LABELS,
    CONSTRAINT_WORDS,
    Meta,
    first_of,
)
from .build_types import TypeRules
from .source import Span
from .types import edit_distance


class TableRules(TypeRules):
    # ------------------------------------------------------------ tables

    def create_table(self, meta: Meta, items: list[Any]) -> ast.CreateTable:
        name, *body = items
        columns = [i for i in body if isinstance(i, ast.Column)]
        constraints = [i for i in body if not isinstance(i, ast.Column)]
        self._check_misspelt_keywords(columns)
        seen: dict[str, ast.Column] = {}
        for column in columns:
            if column.name.value in seen:
                self.fail("duplicate-column",
                          f"column '{column.name.value}' is defined twice in table '{name}'",
                          column.name.span)
            seen[column.name.value] = column
        return ast.CreateTable(name, tuple(columns), tuple(constraints), meta)

    def _check_misspelt_keywords(self, columns: list[ast.Column]) -> None:
        """`id bigint nott null` parses as two columns; a "column" that starts on the line
        of the one before and is named like a constraint keyword is a typo of that keyword."""
        for before, column in itertools.pairwise(columns):
            word = column.name.value
            if column.name.span.line != before.span.end_line or len(word) < 3:
                continue
            close = sorted((edit_distance(word, k), k) for k in CONSTRAINT_WORDS)[0]
            if 0 < close[0] <= (1 if len(word) < 6 else 2):
                self.fail("unknown-keyword", f"unknown keyword '{word}'; did you mean"
                          f" '{close[1]}'?", column.name.span)

    def column(self, meta: Meta, items: list[Any]) -> ast.Column:
        name, type_, *constraints = items
        if len(constraints) > 1:  # one alone can neither repeat nor conflict
            self._check_column_constraints(constraints)
        for constraint in constraints:
            if isinstance(constraint, ast.References) and len(constraint.columns) > 1:
                self.fail("foreign-key-arity",
                          f"one column cannot reference {len(constraint.columns)} columns: write"
                          " a table-level `foreign key (a, b) references …`", constraint.span)
        return ast.Column(self.name(name), type_, tuple(constraints), meta)

    def _check_column_constraints(self, constraints: list[Any]) -> None:
        seen: dict[type, Any] = {}
        for constraint in constraints:
            kind = type(constraint)
            if kind in seen and kind is not ast.Check:
                label = CONSTRAINT_LABELS.get(kind, kind.__name__.lower())
                self.fail("duplicate-constraint", f"'{label}' is given twice for this column",
                          constraint.span)
            seen[kind] = constraint
        if ast.NotNull in seen and ast.Nullable in seen:
            self.fail("conflicting-constraints", "a column cannot be both 'not null' and 'null'",
                      seen[ast.Nullable].span)
        if ast.Identity in seen and ast.Default in seen:
            self.fail("conflicting-constraints",
                      "an identity column cannot also have a default", seen[ast.Default].span)

    def not_null(self, meta: Meta, items: list[Any]) -> ast.NotNull:
        return ast.NotNull(meta)

    def null(self, meta: Meta, items: list[Any]) -> ast.Nullable:
        return ast.Nullable(meta)

    def primary_key(self, meta: Meta, items: list[Any]) -> ast.PrimaryKey:
        return ast.PrimaryKey(meta)

    def unique(self, meta: Meta, items: list[Any]) -> ast.Unique:
        return ast.Unique(meta)

    def default(self, meta: Meta, items: list[Any]) -> ast.Default:
        return ast.Default(self.shallow(items[0]), meta)

    def check(self, meta: Meta, items: list[Any]) -> ast.Check:
        return ast.Check(self.raw(items[-1]), meta)

    def referential_action(self, meta: Meta, items: list[Token]) -> tuple[str, str, Span]:
        event, action = items
        return str(event).lower(), " ".join(str(action).lower().split()), meta

    def references(self, meta: Meta, items: list[Any]) -> ast.References:
        table = items[0]
        columns = first_of(items, list) or []
        actions: dict[str, str] = {}
        for event, action, span in (i for i in items if isinstance(i, tuple)):
            if event in actions:
                self.fail("duplicate-action", f"'on {event}' is given twice", span)
            actions[event] = action
        return ast.References(
            table, tuple(columns),
            cast(ast.ReferentialAction | None, actions.get("delete")),
            cast(ast.ReferentialAction | None, actions.get("update")),
            meta,
        )

    def identity(self, meta: Meta, items: list[Token]) -> ast.Identity:
        always = any(t.type == "ALWAYS" for t in items)
        return ast.Identity(always, meta)

    def generated(self, meta: Meta, items: list[Token]) -> ast.Generated:
        return ast.Generated(self.raw(items[-1]), meta)

    def collate(self, meta: Meta, items: list[Token]) -> ast.Collate:
        return ast.Collate(self.name(items[0]), meta)

    # ------------------------------------------------------------ table constraints

    def include_list(self, meta: Meta, items: list[Token]) -> list[ast.Name]:
        return self.column_list(meta, items)

    def column_list(self, meta: Meta, items: list[Token]) -> list[ast.Name]:
        names = self.names(items)
        seen: set[str] = set()
        for name in names:
            if name.value in seen:
                self.fail("duplicate-column", f"column '{name.value}' is listed twice", name.span)
            seen.add(name.value)
        return names

    def constraint_name(self, meta: Meta, items: list[Token]) -> ast.Name:
        return self.name(items[0])

    def table_constraint(self, meta: Meta, items: list[Any]) -> ast.TableConstraint:
        name: ast.Name | None = items[0] if len(items) == 2 else None
        constraint = items[-1]
        return cast(ast.TableConstraint, type(constraint)(
            **{**{f: getattr(constraint, f) for f in constraint.__dataclass_fields__},
               "name": name, "span": meta}
        ))

    def primary_key_constraint(self, meta: Meta, items: list[Any]) -> ast.PrimaryKeyConstraint:
        return ast.PrimaryKeyConstraint(None, tuple(items[-1]), meta)

    def unique_constraint(self, meta: Meta, items: list[Any]) -> ast.UniqueConstraint:
        nulls_distinct = not any(i == "nulls not distinct" for i in items if isinstance(i, str))
        return ast.UniqueConstraint(None, tuple(items[-1]), nulls_distinct, meta)

    def nulls_distinct(self, meta: Meta, items: list[Any]) -> str:
        return "nulls not distinct" if items else "nulls distinct"

    def check_constraint(self, meta: Meta, items: list[Token]) -> ast.CheckConstraint:
        span = meta
        keyword = items[0]
        if keyword.type == "TABLE_CHECK":  # the token starts at the line break before `check`
            assert keyword.start_pos is not None
            start = keyword.start_pos + len(keyword) - len(keyword.lstrip())
            span = self.span_between(start, start)._replace(end_line=span.end_line,
                                                            end_column=span.end_column)
        return ast.CheckConstraint(None, self.raw(items[-1]), span)

    def add_check_constraint(self, meta: Meta, items: list[Token]) -> ast.AddConstraint:
        not_valid = items[-1].type == "NOT_VALID"
        check = self.check_constraint(meta, items[:-1] if not_valid else items)
        return ast.AddConstraint(check, meta, not_valid)

    def foreign_key_constraint(self, meta: Meta, items: list[Any]) -> ast.ForeignKeyConstraint:
        columns, references = items
        target = references.columns
        if target and len(target) != len(columns):
            self.fail("foreign-key-arity",
                      f"the foreign key has {len(columns)} column(s) but references"
                      f" {len(target)}", references.span)
        return ast.ForeignKeyConstraint(None, tuple(columns), references, meta)

    # ------------------------------------------------------------ alter table

    def alter_table(self, meta: Meta, items: list[Any]) -> ast.AlterTable:
        table, *actions = items
        if not actions:
            self.fail("empty-alter", f"'alter table {table}' changes nothing: add an action such"
                      " as `add column note text`", meta)
        return ast.AlterTable(table, tuple(actions), meta)

    def add_column(self, meta: Meta, items: list[Any]) -> ast.AddColumn:
        return ast.AddColumn(items[0], meta)

    def drop_column(self, meta: Meta, items: list[Token]) -> ast.DropColumn:
        return ast.DropColumn(self.name(items[0]), len(items) > 1, meta)

    def rename_column(self, meta: Meta, items: list[Token]) -> ast.RenameColumn:
        return ast.RenameColumn(self.name(items[0]), self.name(items[1]), meta)

    def alter_column(self, meta: Meta, items: list[Any]) -> ast.AlterAction:
        column = self.name(items[0])
        kind, args = items[1]
        span = meta
        if kind == "type":
            return ast.AlterColumnType(column, args[0], args[1], span)
        if kind == "set_default":
            return ast.SetDefault(column, args[0], span)
        if kind == "drop_default":
            return ast.DropDefault(column, span)
        if kind == "set_not_null":
            return ast.SetNotNull(column, span)
        return ast.DropNotNull(column, span)

    def set_type(self, meta: Meta, items: list[Any]) -> tuple[str, list[Any]]:
        using = self.raw(items[1]) if len(items) > 1 else None
        return "type", [items[0], using]

    def set_default(self, meta: Meta, items: list[Any]) -> tuple[str, list[Any]]:
        return "set_default", [self.shallow(items[0])]

    def drop_default(self, meta: Meta, items: list[Any]) -> tuple[str, list[Any]]:
        return "drop_default", []

    def set_not_null(self, meta: Meta, items: list[Any]) -> tuple[str, list[Any]]:
        return "set_not_null", []

    def drop_not_null(self, meta: Meta, items: list[Any]) -> tuple[str, list[Any]]:
        return "drop_not_null", []

    def add_constraint(self, meta: Meta, items: list[Any]) -> ast.AddConstraint:
        return ast.AddConstraint(items[0], meta, len(items) > 1)

    def add_constraint_using_index(self, meta: Meta,
                                   items: list[Any]) -> ast.AddConstraintUsingIndex:
        *named, kind, index = items
        return ast.AddConstraintUsingIndex(named[0] if named else None, kind, self.name(index),
                                           meta)

    def index_key(self, meta: Meta, items: list[Token]) -> str:
        return "unique" if items[0].type == "UNIQUE" else "primary key"

    def validate_constraint(self, meta: Meta, items: list[Token]) -> ast.ValidateConstraint:
        return ast.ValidateConstraint(self.name(items[0]), meta)

    def drop_constraint(self, meta: Meta, items: list[Token]) -> ast.DropConstraint:
        return ast.DropConstraint(self.name(items[0]), len(items) > 1, meta)

    def rename_table(self, meta: Meta, items: list[Any]) -> ast.RenameTable:
        return ast.RenameTable(items[0], self.name(items[1]), meta)

    def drop_table(self, meta: Meta, items: list[Any]) -> ast.DropTable:
        return ast.DropTable(items[0], len(items) > 1, meta)
