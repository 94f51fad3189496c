"""Rules for the file and its other statements: header, extensions, enums, indexes,
comments, sql blocks and `irreversible`."""

from __future__ import annotations

import difflib
from typing import Any, cast

from lark import Token

from . import ast
from .build_base import (
    DURATION_UNITS,
    SETTINGS,
    Meta,
    children_of,
    first_of,
    identifier,
    string_value,
    token_of,
    triple_value,
)
from .build_types import TypeRules
from .source import Span


class StatementRules(TypeRules):
    # ------------------------------------------------------------ the file

    def start(self, meta: Meta, items: list[Any]) -> ast.MigrationFile:
        header = first_of(items, ast.MigrationHeader)
        statements = tuple(i for i in items if not isinstance(i, ast.MigrationHeader))
        if not statements:
            where = header.span if header else Span(self.path, 1, 1, 1, 2)
            self.fail(
                "empty-migration",
                "this migration has no statements: write at least one, such as"
                " `table documents { id bigint identity primary key }`",
                where,
            )
        return ast.MigrationFile(self.path, header, statements, tuple(self.expressions))

    def header(self, meta: Meta, items: list[Any]) -> ast.MigrationHeader:
        found: dict[str, ast.Duration] = {}
        for name, duration in items:
            if name.value in found:
                self.fail("duplicate-setting", f"'{name.value}' is set twice", name.span)
            found[name.value] = duration
        return ast.MigrationHeader(
            found.get("lock_timeout"), found.get("statement_timeout"), meta
        )

    def setting(self, meta: Meta, items: list[Token]) -> tuple[ast.Name, ast.Duration | None]:
        key, value = items
        name = self.name(key)
        if name.value not in SETTINGS:
            close = difflib.get_close_matches(name.value, SETTINGS, n=1)
            known = f"; known settings: {', '.join(SETTINGS)}"
            hint = f"; did you mean '{close[0]}'?" if close else known
            self.fail("unknown-setting", f"unknown setting '{key}'{hint}", name.span)
            return name, None
        if value.type != "DURATION":
            self.fail(
                "bad-duration",
                f"{name.value} takes a duration with a unit, like 5s, 500ms or 1min",
                self.token_span(value),
            )
            return name, None
        digits = str(value).rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = str(value)[len(digits):]
        return name, ast.Duration(
            int(digits) * DURATION_UNITS[unit], str(value), self.token_span(value)
        )

    # ------------------------------------------------------------ schemas, extensions, enums

    def create_schema(self, meta: Meta, items: list[Token]) -> ast.CreateSchema:
        return ast.CreateSchema(self.name(items[0]), meta)

    def drop_schema(self, meta: Meta, items: list[Token]) -> ast.DropSchema:
        return ast.DropSchema(self.name(items[0]), meta)

    def external(self, meta: Meta, items: list[Any]) -> ast.External:
        return ast.External(items[0], meta)

    def external_type(self, meta: Meta, items: list[Any]) -> ast.ExternalType:
        return ast.ExternalType(items[0], meta)

    def create_extension(self, meta: Meta, items: list[Token]) -> ast.CreateExtension:
        schema = self.name(items[1]) if len(items) > 1 else None
        return ast.CreateExtension(self.name(items[0]), meta, schema)

    def drop_extension(self, meta: Meta, items: list[Token]) -> ast.DropExtension:
        return ast.DropExtension(self.name(items[0]), meta)

    def qname(self, meta: Meta, items: list[Token]) -> ast.QualifiedName:
        return self.qualified(meta, items)

    ref_table = qname
    opclass = qname

    def enum_label(self, meta: Meta, items: list[Token]) -> ast.EnumLabel:
        token = items[0]
        quoted = str(token)[0] in "'\""
        return ast.EnumLabel(string_value(token) if quoted else str(token), meta)

    def create_enum(self, meta: Meta, items: list[Any]) -> ast.CreateEnum:
        labels = children_of(items, ast.EnumLabel)
        seen: set[str] = set()
        for label in labels:
            if label.value in seen:
                self.fail("duplicate-enum-value", f"enum value '{label.value}' is listed twice",
                          label.span)
            seen.add(label.value)
        return ast.CreateEnum(items[0], tuple(labels), meta)

    def enum_position(self, meta: Meta, items: list[Any]) -> tuple[str, ast.EnumLabel]:
        return str(items[0]).lower(), items[1]

    def add_enum_value(self, meta: Meta, items: list[Any]) -> Any:
        return ("add", meta, items)

    def rename_enum_value(self, meta: Meta, items: list[Any]) -> Any:
        return ("rename", meta, items)

    def alter_enum(self, meta: Meta, items: list[Any]) -> ast.AddEnumValue | ast.RenameEnumValue:
        enum, (kind, _, parts) = items
        if kind == "add":
            position, neighbor = parts[1] if len(parts) > 1 else (None, None)
            return ast.AddEnumValue(enum, parts[0], position, neighbor, meta)
        return ast.RenameEnumValue(enum, parts[0], parts[1], meta)

    def drop_enum(self, meta: Meta, items: list[Any]) -> ast.DropEnum:
        return ast.DropEnum(items[0], meta)

    # ------------------------------------------------------------ indexes

    def create_index(self, meta: Meta, items: list[Any]) -> ast.CreateIndex:
        unique = token_of(items, "UNIQUE") is not None
        concurrently = token_of(items, "CONCURRENTLY") is not None
        name = self.name(cast(Token, token_of(items, "NAME")))
        table = first_of(items, ast.QualifiedName)
        method = first_of(items, ast.Name)
        elements = first_of(items, tuple)
        options: dict[str, tuple[Span, Any]] = {}
        for kind, span, value in (i for i in items if isinstance(i, list)):
            if kind in options:
                self.fail("duplicate-option", f"'{kind}' is given twice for this index", span)
            options[kind] = (span, value)
        return ast.CreateIndex(
            name, table, unique, concurrently, method, elements,
            tuple(options.get("include", (None, ()))[1]),
            tuple(options.get("with", (None, ()))[1]),
            options.get("where", (None, None))[1],
            meta,
            tuple(options.get("build", (None, ()))[1]),
        )

    def using(self, meta: Meta, items: list[Token]) -> ast.Name:
        return self.name(items[0])

    def index_elements(self, meta: Meta, items: list[Any]) -> tuple[ast.IndexElement, ...]:
        return tuple(items)

    def index_element(self, meta: Meta, items: list[Any]) -> ast.IndexElement:
        head = items[0]
        column = self.name(head) if head.type == "NAME" else None
        expression = self.raw(head) if head.type == "BACKTICK" else None
        opclass = first_of(items, ast.QualifiedName)
        orders = [i for i in items[1:] if isinstance(i, tuple)]
        descending = next((v for k, v in orders if k == "sort"), None)
        nulls_first = next((v for k, v in orders if k == "nulls"), None)
        return ast.IndexElement(column, expression, opclass, descending, nulls_first,
                                meta)

    def sort_order(self, meta: Meta, items: list[Token]) -> tuple[str, bool]:
        return "sort", items[0].type == "DESC"

    def nulls_order(self, meta: Meta, items: list[Token]) -> tuple[str, bool]:
        return "nulls", items[0].type == "FIRST"

    def index_include(self, meta: Meta, items: list[Any]) -> list[Any]:
        return ["include", meta, items[0]]

    def index_with(self, meta: Meta, items: list[Any]) -> list[Any]:
        seen: set[str] = set()
        for parameter in items:
            if parameter.name.value in seen:
                self.fail("duplicate-parameter",
                          f"index parameter '{parameter.name.value}' is given twice",
                          parameter.span)
            seen.add(parameter.name.value)
        return ["with", meta, items]

    def index_param(self, meta: Meta, items: list[Any]) -> ast.IndexParameter:
        name, value = items
        if isinstance(value, Token):
            value = self.literal(meta, [value])
        return ast.IndexParameter(self.name(name), value, meta)

    def index_build(self, meta: Meta, items: list[Any]) -> list[Any]:
        with_parameters = self.index_with(meta, items)
        return ["build", meta, with_parameters[2]]

    def index_where(self, meta: Meta, items: list[Token]) -> list[Any]:
        return ["where", meta, self.raw(items[0])]

    def rename_index(self, meta: Meta, items: list[Any]) -> ast.RenameIndex:
        return ast.RenameIndex(items[0], self.name(items[1]), meta)

    def drop_index(self, meta: Meta, items: list[Any]) -> ast.DropIndex:
        concurrently = token_of(items, "CONCURRENTLY") is not None
        return ast.DropIndex(items[-1], concurrently, meta)

    # ------------------------------------------------------------ comments, sql, irreversible

    def comment(self, meta: Meta, items: list[Token]) -> ast.Comment:
        target = cast(Any, " ".join(str(items[0]).lower().split()))
        parts = [t for t in items[1:] if t.type == "NAME"]
        text_token = items[-1]
        text = string_value(text_token) if text_token.type == "STRING" else None
        span = meta
        wanted = (2, 3) if target == "column" else (1,) if target == "schema" else (1, 2)
        if len(parts) not in wanted:
            shape = "table.column or schema.table.column" if target == "column" else (
                "one name" if target == "schema" else f"{target} or schema.{target}")
            self.fail("bad-comment-target", f"comment on {target} names {shape}",
                      self.token_span(parts[0]))
            parts = parts[: wanted[-1]] if len(parts) > wanted[-1] else parts * 2
        column = self.name(parts[-1]) if target == "column" else None
        object_parts = parts[:-1] if target == "column" else parts
        object_span = self.token_span(object_parts[0], object_parts[-1])
        names = [identifier(p) for p in object_parts]
        qualified = ast.QualifiedName(names[-1], names[0] if len(names) == 2 else None, object_span)
        return ast.Comment(target, qualified, column, text, span)

    def comment_function(self, meta: Meta, items: list[Any]) -> ast.CommentOnFunction:
        last = items[-1]
        text = string_value(last) if isinstance(last, Token) and last.type == "STRING" else None
        return ast.CommentOnFunction(items[0], tuple(children_of(items, ast.TypeName)), text,
                                     meta)

    def raw_sql(self, meta: Meta, items: list[Token]) -> ast.RawSql:
        up = triple_value(items[0])
        down = triple_value(items[1]) if len(items) > 1 else None
        if not up.strip():
            self.fail("empty-sql", "this sql block is empty", self.token_span(items[0]))
        return ast.RawSql(up, down, meta, self.token_span(items[0]),
                          self.token_span(items[1]) if len(items) > 1 else None)

    def irreversible(self, meta: Meta, items: list[Token]) -> ast.Irreversible:
        return ast.Irreversible(string_value(items[0]) if items else None, meta)
