"""Lark parse tree → typed AST, checking what the grammar alone cannot (types, values, settings).

One method per grammar rule, named after it. Problems found here are collected as
diagnostics rather than raised, so one file reports all of them at once.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from lark import Token

from . import ast
from .diagnostics import Diagnostic, error
from .source import Span
from .syntax_errors import CONSTRAINT_WORDS
from .types import canonical, edit_distance, suggestion

SPECIAL_VALUES = frozenset({
    "current_timestamp", "current_date", "current_time", "localtime", "localtimestamp",
    "current_user", "session_user", "current_role", "current_catalog", "current_schema",
    "user",
})
SETTINGS = ("lock_timeout", "statement_timeout")
_CONSTRAINT_WORDS: dict[type, str] = {
    ast.NotNull: "not null", ast.Nullable: "null", ast.PrimaryKey: "primary key",
    ast.Unique: "unique", ast.Default: "default", ast.References: "references",
    ast.Identity: "identity", ast.Generated: "generated", ast.Collate: "collate",
}
_DURATION_UNITS = {"ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}


def identifier(token: Token) -> str:
    """A NAME token as PostgreSQL sees it: "Quoted" kept exactly, plain folded to lower case."""
    text = str(token)
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()


def string_value(token: Token) -> str:
    """The text of a 'string' (or a "quoted" enum label) without quotes or doubled quotes."""
    text = str(token)
    quote = text[0]
    return text[1:-1].replace(quote * 2, quote)


def triple_value(token: Token) -> str:
    return str(token)[3:-3]


def _children(items: Sequence[Any], kind: type) -> list[Any]:
    return [item for item in items if isinstance(item, kind)]


def _first(items: Sequence[Any], kind: type) -> Any:
    found = _children(items, kind)
    return found[0] if found else None


def _token(items: Sequence[Any], *types: str) -> Token | None:
    for item in items:
        if isinstance(item, Token) and item.type in types:
            return item
    return None


Meta = Span  # what each rule's method gets: the span of the text it was reduced from


@dataclass(frozen=True, slots=True)
class Filtering:
    """Which tokens a parse tree would leave out: keywords, punctuation. A few terminals
    (`not`, `null`, `with`) are left out by some rules and kept by others."""

    dropped: frozenset[str]
    kept_by_rule: dict[str, frozenset[str]]


class ToAst:
    """Builds `ast` nodes while Lark parses; read `diagnostics` afterwards.

    Lark calls `reduce(rule, children)` for every rule as it reduces it, with every
    token kept (keyword tokens too), so no parse tree is built and no Lark position
    propagation runs: the rule's span comes from its first and last child, and keyword
    tokens are dropped before the rule's method, named after the rule, sees the rest.
    """

    def __init__(self, path: str, filtering: Filtering) -> None:
        self.path = path
        self.filtering = filtering
        self.diagnostics: list[Diagnostic] = []
        # id(result) → (result, span); the result is kept so that its id stays unique.
        self._spans: dict[int, tuple[Any, Span]] = {}

    def reset(self, path: str) -> None:
        """Start on another file: one builder serves every parse of a process."""
        self.path = path
        self.diagnostics = []
        self._spans = {}

    def reducer(self, rule: str) -> Any:
        """The callback Lark calls as it reduces `rule`: span, drop keywords, build the node."""
        drop = self.filtering.dropped - self.filtering.kept_by_rule.get(rule, frozenset())
        method = getattr(self, rule)
        new_span = tuple.__new__
        no_record = (str, int, bool)

        def reduce(children: list[Any]) -> Any:
            spans = self._spans
            first = last = None
            for child in children:
                if type(child) is Token:
                    first = child.line, child.column
                    break
                known = spans.get(id(child))
                if known is not None:
                    first = known[1][1], known[1][2]
                    break
            for child in reversed(children):
                if type(child) is Token:
                    last = child.end_line, child.end_column
                    break
                known = spans.get(id(child))
                if known is not None:
                    last = known[1][3], known[1][4]
                    break
            if first is None or last is None:
                first = last = (1, 1)
            meta = new_span(Span, (self.path, *first, *last))
            result = method(meta, [c for c in children
                                   if type(c) is not Token or c.type not in drop])
            if result is not None and not isinstance(result, no_record):
                spans[id(result)] = (result, meta)
            return result

        return reduce

    # ------------------------------------------------------------ positions and helpers

    @staticmethod
    def span(meta: Meta) -> Span:
        return meta

    def token_span(self, token: Token) -> Span:
        assert token.line is not None
        assert token.column is not None
        assert token.end_line is not None
        assert token.end_column is not None
        return Span(self.path, token.line, token.column, token.end_line, token.end_column)

    def name(self, token: Token) -> ast.Name:
        return ast.Name(identifier(token), self.token_span(token))

    def names(self, items: Sequence[Any]) -> list[ast.Name]:
        return [self.name(t) for t in items if isinstance(t, Token) and t.type == "NAME"]

    def qualified(self, meta: Meta, parts: Sequence[Token]) -> ast.QualifiedName:
        names = [identifier(p) for p in parts]
        schema = names[0] if len(names) == 2 else None
        return ast.QualifiedName(names[-1], schema, self.span(meta))

    def fail(self, code: str, message: str, span: Span) -> None:
        self.diagnostics.append(error(code, message, span))

    # ------------------------------------------------------------ the file

    def start(self, meta: Meta, items: list[Any]) -> ast.MigrationFile:
        header = _first(items, ast.MigrationHeader)
        statements = tuple(i for i in items if not isinstance(i, ast.MigrationHeader))
        if not statements:
            where = header.span if header else Span(self.path, 1, 1, 1, 2)
            self.fail(
                "empty-migration",
                "this migration has no statements: write at least one, such as"
                " `table documents { id bigint identity primary key }`",
                where,
            )
        return ast.MigrationFile(self.path, header, statements)

    def header(self, meta: Meta, items: list[Any]) -> ast.MigrationHeader:
        found: dict[str, ast.Duration] = {}
        for name, duration in items:
            if name.value in found:
                self.fail("duplicate-setting", f"'{name.value}' is set twice", name.span)
            found[name.value] = duration
        return ast.MigrationHeader(
            found.get("lock_timeout"), found.get("statement_timeout"), self.span(meta)
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
            int(digits) * _DURATION_UNITS[unit], str(value), self.token_span(value)
        )

    # ------------------------------------------------------------ extensions and enums

    def create_extension(self, meta: Meta, items: list[Token]) -> ast.CreateExtension:
        return ast.CreateExtension(self.name(items[0]), self.span(meta))

    def drop_extension(self, meta: Meta, items: list[Token]) -> ast.DropExtension:
        return ast.DropExtension(self.name(items[0]), self.span(meta))

    def qname(self, meta: Meta, items: list[Token]) -> ast.QualifiedName:
        return self.qualified(meta, items)

    ref_table = qname
    opclass = qname

    def enum_label(self, meta: Meta, items: list[Token]) -> ast.EnumLabel:
        token = items[0]
        quoted = str(token)[0] in "'\""
        return ast.EnumLabel(string_value(token) if quoted else str(token), self.span(meta))

    def create_enum(self, meta: Meta, items: list[Any]) -> ast.CreateEnum:
        labels = _children(items, ast.EnumLabel)
        seen: set[str] = set()
        for label in labels:
            if label.value in seen:
                self.fail("duplicate-enum-value", f"enum value '{label.value}' is listed twice",
                          label.span)
            seen.add(label.value)
        return ast.CreateEnum(items[0], tuple(labels), self.span(meta))

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
            return ast.AddEnumValue(enum, parts[0], position, neighbor, self.span(meta))
        return ast.RenameEnumValue(enum, parts[0], parts[1], self.span(meta))

    def drop_enum(self, meta: Meta, items: list[Any]) -> ast.DropEnum:
        return ast.DropEnum(items[0], self.span(meta))

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
        return ast.CreateTable(name, tuple(columns), tuple(constraints), self.span(meta))

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
        self._check_column_constraints(constraints)
        for constraint in constraints:
            if isinstance(constraint, ast.References) and len(constraint.columns) > 1:
                self.fail("foreign-key-arity",
                          f"one column cannot reference {len(constraint.columns)} columns: write"
                          " a table-level `foreign key (a, b) references …`", constraint.span)
        return ast.Column(self.name(name), type_, tuple(constraints), self.span(meta))

    def _check_column_constraints(self, constraints: list[Any]) -> None:
        seen: dict[type, Any] = {}
        for constraint in constraints:
            kind = type(constraint)
            if kind in seen and kind is not ast.Check:
                label = _CONSTRAINT_WORDS.get(kind, kind.__name__.lower())
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
        return ast.NotNull(self.span(meta))

    def null(self, meta: Meta, items: list[Any]) -> ast.Nullable:
        return ast.Nullable(self.span(meta))

    def primary_key(self, meta: Meta, items: list[Any]) -> ast.PrimaryKey:
        return ast.PrimaryKey(self.span(meta))

    def unique(self, meta: Meta, items: list[Any]) -> ast.Unique:
        return ast.Unique(self.span(meta))

    def default(self, meta: Meta, items: list[Any]) -> ast.Default:
        return ast.Default(items[0], self.span(meta))

    def check(self, meta: Meta, items: list[Any]) -> ast.Check:
        return ast.Check(self.raw(items[-1]), self.span(meta))

    def referential_action(self, meta: Meta, items: list[Token]) -> tuple[str, str, Span]:
        event, action = items
        return str(event).lower(), " ".join(str(action).lower().split()), self.span(meta)

    def references(self, meta: Meta, items: list[Any]) -> ast.References:
        table = items[0]
        columns = _first(items, list) or []
        actions: dict[str, str] = {}
        for event, action, span in (i for i in items if isinstance(i, tuple)):
            if event in actions:
                self.fail("duplicate-action", f"'on {event}' is given twice", span)
            actions[event] = action
        return ast.References(
            table, tuple(columns),
            cast(ast.ReferentialAction | None, actions.get("delete")),
            cast(ast.ReferentialAction | None, actions.get("update")),
            self.span(meta),
        )

    def identity(self, meta: Meta, items: list[Token]) -> ast.Identity:
        always = any(t.type == "ALWAYS" for t in items)
        return ast.Identity(always, self.span(meta))

    def generated(self, meta: Meta, items: list[Token]) -> ast.Generated:
        return ast.Generated(self.raw(items[-1]), self.span(meta))

    def collate(self, meta: Meta, items: list[Token]) -> ast.Collate:
        return ast.Collate(self.name(items[0]), self.span(meta))

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
               "name": name, "span": self.span(meta)}
        ))

    def primary_key_constraint(self, meta: Meta, items: list[Any]) -> ast.PrimaryKeyConstraint:
        return ast.PrimaryKeyConstraint(None, tuple(items[-1]), self.span(meta))

    def unique_constraint(self, meta: Meta, items: list[Any]) -> ast.UniqueConstraint:
        nulls_distinct = not any(i == "nulls not distinct" for i in items if isinstance(i, str))
        return ast.UniqueConstraint(None, tuple(items[-1]), nulls_distinct, self.span(meta))

    def nulls_distinct(self, meta: Meta, items: list[Any]) -> str:
        return "nulls not distinct" if items else "nulls distinct"

    def check_constraint(self, meta: Meta, items: list[Token]) -> ast.CheckConstraint:
        span = self.span(meta)
        keyword = items[0]
        if keyword.type == "TABLE_CHECK":  # the token starts at the line break before `check`
            offset = len(str(keyword)) - len(str(keyword).lstrip())
            line, column = keyword.line or 1, keyword.column or 1
            for ch in str(keyword)[:offset]:
                line, column = (line + 1, 1) if ch == "\n" else (line, column + 1)
            span = Span(self.path, line, column, span.end_line, span.end_column)
        return ast.CheckConstraint(None, self.raw(items[-1]), span)

    def add_check_constraint(self, meta: Meta, items: list[Token]) -> ast.AddConstraint:
        return ast.AddConstraint(self.check_constraint(meta, items), self.span(meta))

    def foreign_key_constraint(self, meta: Meta, items: list[Any]) -> ast.ForeignKeyConstraint:
        columns, references = items
        target = references.columns
        if target and len(target) != len(columns):
            self.fail("foreign-key-arity",
                      f"the foreign key has {len(columns)} column(s) but references"
                      f" {len(target)}", references.span)
        return ast.ForeignKeyConstraint(None, tuple(columns), references, self.span(meta))

    # ------------------------------------------------------------ alter table

    def alter_table(self, meta: Meta, items: list[Any]) -> ast.AlterTable:
        table, *actions = items
        if not actions:
            self.fail("empty-alter", f"'alter table {table}' changes nothing: add an action such"
                      " as `add column note text`", self.span(meta))
        return ast.AlterTable(table, tuple(actions), self.span(meta))

    def add_column(self, meta: Meta, items: list[Any]) -> ast.AddColumn:
        return ast.AddColumn(items[0], self.span(meta))

    def drop_column(self, meta: Meta, items: list[Token]) -> ast.DropColumn:
        return ast.DropColumn(self.name(items[0]), len(items) > 1, self.span(meta))

    def rename_column(self, meta: Meta, items: list[Token]) -> ast.RenameColumn:
        return ast.RenameColumn(self.name(items[0]), self.name(items[1]), self.span(meta))

    def alter_column(self, meta: Meta, items: list[Any]) -> ast.AlterAction:
        column = self.name(items[0])
        kind, args = items[1]
        span = self.span(meta)
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
        return "set_default", items

    def drop_default(self, meta: Meta, items: list[Any]) -> tuple[str, list[Any]]:
        return "drop_default", []

    def set_not_null(self, meta: Meta, items: list[Any]) -> tuple[str, list[Any]]:
        return "set_not_null", []

    def drop_not_null(self, meta: Meta, items: list[Any]) -> tuple[str, list[Any]]:
        return "drop_not_null", []

    def add_constraint(self, meta: Meta, items: list[Any]) -> ast.AddConstraint:
        return ast.AddConstraint(items[0], self.span(meta))

    def drop_constraint(self, meta: Meta, items: list[Token]) -> ast.DropConstraint:
        return ast.DropConstraint(self.name(items[0]), len(items) > 1, self.span(meta))

    def rename_table(self, meta: Meta, items: list[Any]) -> ast.RenameTable:
        return ast.RenameTable(items[0], self.name(items[1]), self.span(meta))

    def drop_table(self, meta: Meta, items: list[Any]) -> ast.DropTable:
        return ast.DropTable(items[0], len(items) > 1, self.span(meta))

    # ------------------------------------------------------------ indexes

    def create_index(self, meta: Meta, items: list[Any]) -> ast.CreateIndex:
        unique = _token(items, "UNIQUE") is not None
        concurrently = _token(items, "CONCURRENTLY") is not None
        name = self.name(cast(Token, _token(items, "NAME")))
        table = _first(items, ast.QualifiedName)
        method = _first(items, ast.Name)
        elements = _first(items, tuple)
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
            self.span(meta),
        )

    def using(self, meta: Meta, items: list[Token]) -> ast.Name:
        return self.name(items[0])

    def index_elements(self, meta: Meta, items: list[Any]) -> tuple[ast.IndexElement, ...]:
        return tuple(items)

    def index_element(self, meta: Meta, items: list[Any]) -> ast.IndexElement:
        head = items[0]
        column = self.name(head) if head.type == "NAME" else None
        expression = self.raw(head) if head.type == "BACKTICK" else None
        opclass = _first(items, ast.QualifiedName)
        orders = [i for i in items[1:] if isinstance(i, tuple)]
        descending = next((v for k, v in orders if k == "sort"), None)
        nulls_first = next((v for k, v in orders if k == "nulls"), None)
        return ast.IndexElement(column, expression, opclass, descending, nulls_first,
                                self.span(meta))

    def sort_order(self, meta: Meta, items: list[Token]) -> tuple[str, bool]:
        return "sort", items[0].type == "DESC"

    def nulls_order(self, meta: Meta, items: list[Token]) -> tuple[str, bool]:
        return "nulls", items[0].type == "FIRST"

    def index_include(self, meta: Meta, items: list[Any]) -> list[Any]:
        return ["include", self.span(meta), items[0]]

    def index_with(self, meta: Meta, items: list[Any]) -> list[Any]:
        seen: set[str] = set()
        for parameter in items:
            if parameter.name.value in seen:
                self.fail("duplicate-parameter",
                          f"index parameter '{parameter.name.value}' is given twice",
                          parameter.span)
            seen.add(parameter.name.value)
        return ["with", self.span(meta), items]

    def index_param(self, meta: Meta, items: list[Any]) -> ast.IndexParameter:
        name, value = items
        if isinstance(value, Token):
            value = self.literal(meta, [value])
        return ast.IndexParameter(self.name(name), value, self.span(meta))

    def index_where(self, meta: Meta, items: list[Token]) -> list[Any]:
        return ["where", self.span(meta), self.raw(items[0])]

    def rename_index(self, meta: Meta, items: list[Any]) -> ast.RenameIndex:
        return ast.RenameIndex(items[0], self.name(items[1]), self.span(meta))

    def drop_index(self, meta: Meta, items: list[Any]) -> ast.DropIndex:
        concurrently = _token(items, "CONCURRENTLY") is not None
        return ast.DropIndex(items[-1], concurrently, self.span(meta))

    # ------------------------------------------------------------ comments, sql, irreversible

    def comment(self, meta: Meta, items: list[Token]) -> ast.Comment:
        target = cast(Any, str(items[0]).lower())
        parts = [t for t in items[1:] if t.type == "NAME"]
        text_token = items[-1]
        text = string_value(text_token) if text_token.type == "STRING" else None
        span = self.span(meta)
        wanted = (2, 3) if target == "column" else (1, 2)
        if len(parts) not in wanted:
            shape = "table.column or schema.table.column" if target == "column" else (
                f"{target} or schema.{target}")
            self.fail("bad-comment-target", f"comment on {target} names {shape}",
                      self.token_span(parts[0]))
            parts = parts[: wanted[-1]] if len(parts) > wanted[-1] else parts * 2
        column = self.name(parts[-1]) if target == "column" else None
        object_parts = parts[:-1] if target == "column" else parts
        first = self.token_span(object_parts[0])
        last = self.token_span(object_parts[-1])
        object_span = Span(self.path, first.line, first.column, last.end_line, last.end_column)
        names = [identifier(p) for p in object_parts]
        qualified = ast.QualifiedName(names[-1], names[0] if len(names) == 2 else None, object_span)
        return ast.Comment(target, qualified, column, text, span)

    def raw_sql(self, meta: Meta, items: list[Token]) -> ast.RawSql:
        up = triple_value(items[0])
        down = triple_value(items[1]) if len(items) > 1 else None
        if not up.strip():
            self.fail("empty-sql", "this sql block is empty", self.token_span(items[0]))
        return ast.RawSql(up, down, self.span(meta))

    def irreversible(self, meta: Meta, items: list[Token]) -> ast.Irreversible:
        return ast.Irreversible(string_value(items[0]) if items else None, self.span(meta))

    # ------------------------------------------------------------ types

    def type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        base, *bounds = items
        if not bounds:
            return cast(ast.TypeName, base)
        return ast.TypeName(base.name, self.span(meta), base.modifiers, tuple(bounds),
                            base.schema, base.builtin)

    def array_bounds(self, meta: Meta, items: list[Token]) -> int | None:
        return int(items[0]) if items else None

    def type_modifiers(self, meta: Meta, items: list[Token]) -> tuple[int, ...]:
        for item in items:
            if item.type == "SIGNED_INT" or int(item) == 0:
                self.fail("bad-type-modifier",
                          f"a type modifier is a positive whole number, not {item}",
                          self.token_span(item))
        return tuple(int(item) for item in items)

    def type_name(self, meta: Meta, items: list[Token]) -> tuple[ast.QualifiedName, bool]:
        """The name, and whether it was written quoted or qualified (then never a builtin)."""
        explicit = len(items) > 1 or str(items[0]).startswith('"')
        return self.qualified(meta, items), explicit

    def named_type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        name, explicit = items[0]
        modifiers: tuple[int, ...] = items[1] if len(items) > 1 else ()
        span = self.span(meta)
        builtin = canonical(name.name) if name.schema in (None, "pg_catalog") else None
        if builtin is not None and not (explicit and name.schema is None):
            return self._builtin(builtin.name, modifiers, span)
        hint = None if explicit else suggestion(name.name)
        if hint or modifiers:
            did_you_mean = f"; did you mean '{hint}'?" if hint else ""
            self.fail("unknown-type", f"unknown type '{name}'{did_you_mean}", name.span)
            return ast.TypeName(str(name), span, modifiers)
        return ast.TypeName(name.name, span, (), (), name.schema, builtin=False)

    def _builtin(self, name: str, modifiers: tuple[int, ...], span: Span) -> ast.TypeName:
        known = canonical(name)
        assert known is not None
        if len(modifiers) > known.max_modifiers:
            allowed = "no modifiers" if known.max_modifiers == 0 else (
                f"at most {known.max_modifiers} modifier" + "s" * (known.max_modifiers > 1))
            self.fail("bad-type-modifier", f"type '{name}' takes {allowed}", span)
            modifiers = ()
        return ast.TypeName(known.name, span, modifiers)

    def double_precision(self, meta: Meta, items: list[Token]) -> ast.TypeName:
        if len(str(items[0]).split()) == 1:
            self.fail("unknown-type", "unknown type 'double'; did you mean 'double precision'?",
                      self.span(meta))
        return self._builtin("double precision", (), self.span(meta))

    def character_type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        varying = any(isinstance(i, Token) and i.type == "VARYING" for i in items)
        modifiers = _first(items, tuple) or ()
        return self._builtin("character varying" if varying else "character", modifiers,
                             self.span(meta))

    def bit_type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        varying = any(isinstance(i, Token) and i.type == "VARYING" for i in items)
        modifiers = _first(items, tuple) or ()
        return self._builtin("bit varying" if varying else "bit", modifiers, self.span(meta))

    def time_type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        base = str(items[0]).lower()
        modifiers = _first(items, tuple) or ()
        with_zone = any(i == "with" for i in items if isinstance(i, str))
        zone = "with time zone" if with_zone else "without time zone"
        return self._builtin(f"{base} {zone}", modifiers, self.span(meta))

    def time_zone(self, meta: Meta, items: list[Token]) -> str:
        return "with" if items[0].type == "WITH" else "without"

    def interval_type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        fields = _token(items, "INTERVAL_FIELDS")
        modifiers = _first(items, tuple) or ()
        result = self._builtin("interval", modifiers, self.span(meta))
        if fields is None:
            return result
        return ast.TypeName("interval " + " ".join(str(fields).lower().split()), result.span,
                            result.modifiers)

    # ------------------------------------------------------------ values

    def raw(self, token: Token) -> ast.RawExpression:
        sql = str(token)[1:-1]
        if not sql.strip():
            self.fail("empty-expression", "this backtick expression is empty",
                      self.token_span(token))
        return ast.RawExpression(sql, self.token_span(token))

    def raw_expression(self, meta: Meta, items: list[Token]) -> ast.RawExpression:
        return self.raw(items[0])

    def number(self, meta: Meta, items: list[Token]) -> ast.Literal:
        return ast.Literal("number", str(items[0]), self.span(meta))

    def literal(self, meta: Meta, items: list[Any]) -> ast.Literal:
        value = items[0]
        if isinstance(value, ast.Literal):
            return value
        span = self.token_span(value)
        if value.type == "STRING":
            return ast.Literal("string", string_value(value), span)
        if value.type in ("TRUE", "FALSE"):
            return ast.Literal("boolean", str(value).lower(), span)
        if value.type == "NULL":
            return ast.Literal("null", "null", span)
        if value.type == "NAME":
            return ast.Literal("string", identifier(value), span)
        return ast.Literal("number", str(value), span)

    def function_name(self, meta: Meta, items: list[Token]) -> ast.QualifiedName:
        return self.qualified(meta, items)

    def function_call(self, meta: Meta, items: list[Any]) -> ast.FunctionCall:
        name, *arguments = items
        return ast.FunctionCall(name, tuple(a for a in arguments if a is not None),
                                self.span(meta))

    def special_value(self, meta: Meta, items: list[Token]) -> ast.SpecialValue:
        word = identifier(items[0])
        if str(items[0]).startswith('"'):
            text = word.replace("'", "''")
            self.fail("unknown-value", f"{items[0]} is a name in double quotes; a string value"
                      f" takes single quotes: '{text}'", self.token_span(items[0]))
        elif word not in SPECIAL_VALUES:
            close = difflib.get_close_matches(word, SPECIAL_VALUES, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            self.fail(
                "unknown-value",
                f"'{items[0]}' is not a value: {hint}write a function call with parentheses"
                " like now(), a literal like 'text' or 0, or SQL in backticks",
                self.token_span(items[0]),
            )
        return ast.SpecialValue(word, self.span(meta))
