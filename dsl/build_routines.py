"""Rules for functions and triggers: `function`, `drop function`, `trigger`, `drop
trigger`. Types in a signature are read by their own rules (see shift.lark), and made the
same TypeName a column's type is, with PostgreSQL's pseudo-types (`trigger`, `void`, …)
known by name."""

from __future__ import annotations

from typing import Any, cast

from lark import Token

from . import ast
from .build_base import Meta, children_of, first_of, string_value, token_of, triple_value
from .build_types import TypeRules

# Types a function may take or return that no column can have.
PSEUDO_TYPES = frozenset({
    "trigger", "event_trigger", "void", "record", "anyelement", "anyarray", "anynonarray",
    "anyenum", "anyrange", "anymultirange", "anycompatible", "anycompatiblearray",
    "anycompatiblenonarray", "anycompatiblerange", "anycompatiblemultirange", "internal",
    "cstring",
})

_ARRAY = "[]"


class RoutineRules(TypeRules):
    # ------------------------------------------------------------ types in a signature

    def routine_type_name(self, meta: Meta, items: list[Token]) -> tuple[ast.QualifiedName, bool]:
        return self.type_name(meta, items)

    def routine_array(self, meta: Meta, items: list[Token]) -> str:
        return _ARRAY

    def routine_type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        bounds = tuple(None for item in items if item == _ARRAY and not isinstance(item, Token))
        head = items[0]
        words = [str(i).lower() for i in items if isinstance(i, Token)]
        if isinstance(head, tuple):
            name, explicit = head
            if not explicit and name.name in PSEUDO_TYPES:
                base = ast.TypeName(name.name, meta)
            else:
                base = self.named_type(meta, [head])
        elif head.type == "DOUBLE_PRECISION":
            base = self.double_precision(meta, [head])
        elif head.type in ("CHARACTER", "BIT"):
            kind = "character" if head.type == "CHARACTER" else "bit"
            varying = token_of(items, "VARYING") is not None
            base = self._builtin(f"{kind} varying" if varying else kind, (), meta)
        elif head.type in ("TIME", "TIMESTAMP"):
            with_zone = token_of(items, "TIME_ZONE") is not None and "without" not in words
            zone = "with time zone" if with_zone else "without time zone"
            base = self._builtin(f"{words[0]} {zone}", (), meta)
        else:
            base = self._builtin("interval", (), meta)
        return ast.TypeName(base.name, meta, base.modifiers, bounds, base.schema, base.builtin)

    # ------------------------------------------------------------ functions

    def routine_argument(self, meta: Meta, items: list[Any]) -> ast.FunctionArgument:
        default = items[2] if len(items) > 2 else None
        return ast.FunctionArgument(self.name(items[0]), items[1], default, meta)

    def routine_default(self, meta: Meta, items: list[Any]) -> ast.Expression:
        return self.shallow(items[0])

    def returns_setof(self, meta: Meta, items: list[Any]) -> tuple[str, ast.TypeName]:
        return ("setof", items[1])

    def returns_table(self, meta: Meta, items: list[Any]) -> tuple[ast.ReturnsColumn, ...]:
        columns = tuple(children_of(items, ast.ReturnsColumn))
        seen: set[str] = set()
        for column in columns:
            if column.name.value in seen:
                self.fail("duplicate-column", f"column '{column.name.value}' is listed twice",
                          column.name.span)
            seen.add(column.name.value)
        return columns

    def routine_column(self, meta: Meta, items: list[Any]) -> ast.ReturnsColumn:
        return ast.ReturnsColumn(self.name(items[0]), items[1], meta)

    def routine_language(self, meta: Meta, items: list[Token]) -> tuple[str, Meta, ast.Name]:
        return ("language", meta, self.name(items[0]))

    def routine_security(self, meta: Meta, items: list[Token]) -> tuple[str, Meta, bool]:
        return ("security", meta, items[0].type == "DEFINER")

    def create_function(self, meta: Meta, items: list[Any]) -> ast.CreateFunction:
        name = items[0]
        arguments = tuple(children_of(items, ast.FunctionArgument))
        seen: set[str] = set()
        for argument in arguments:
            if argument.name.value in seen:
                self.fail("duplicate-column", f"argument '{argument.name.value}' is listed"
                          " twice", argument.name.span)
            seen.add(argument.name.value)
        returns: ast.TypeName | None = None
        setof = False
        table: tuple[ast.ReturnsColumn, ...] = ()
        options: dict[str, tuple[Any, Any]] = {}
        body = items[-1]
        for item in items[1:-1]:
            if isinstance(item, ast.TypeName) and returns is None and not table:
                returns = item
            elif isinstance(item, tuple) and item and item[0] == "setof":
                returns, setof = item[1], True
            elif isinstance(item, tuple) and item and isinstance(item[0], ast.ReturnsColumn):
                table = item
            elif isinstance(item, tuple) and item and item[0] in ("language", "security"):
                self._option(options, item[0], item[1], item[2])
            elif isinstance(item, Token) and item.type in ("VOLATILITY", "STRICT"):
                kind = "volatility" if item.type == "VOLATILITY" else "strict"
                self._option(options, kind, self.token_span(item), str(item).lower())
        language = options.get("language", (None, None))[1]
        if language is None:
            self.fail("missing-value", "a function names its language: write `language"
                      " plpgsql` or `language sql` before `as`", meta)
        volatility = options.get("volatility", (None, None))[1]
        return ast.CreateFunction(
            name, arguments, returns, setof, table, language, volatility,
            "strict" in options, bool(options.get("security", (None, False))[1]),
            triple_value(body), meta, self.token_span(body))

    def _option(self, options: dict[str, tuple[Any, Any]], kind: str, span: Any,
                value: Any) -> None:
        if kind in options:
            self.fail("duplicate-option", f"'{kind}' is given twice for this function", span)
        options[kind] = (span, value)

    def drop_function(self, meta: Meta, items: list[Any]) -> ast.DropFunction:
        return ast.DropFunction(items[0], tuple(children_of(items, ast.TypeName)), meta)

    # ------------------------------------------------------------ triggers

    def trigger_columns(self, meta: Meta, items: list[Token]) -> list[ast.Name]:
        return self.names(items)

    def trigger_event(self, meta: Meta, items: list[Any]) -> ast.TriggerEvent:
        kind = cast(Any, str(items[0]).lower())
        columns = first_of(items, list) or []
        return ast.TriggerEvent(kind, tuple(columns), meta)

    def trigger_when(self, meta: Meta, items: list[Token]) -> ast.RawExpression:
        return self.raw(items[0])

    def create_trigger(self, meta: Meta, items: list[Any]) -> ast.CreateTrigger:
        name = self.name(items[0])
        timing = cast(Any, " ".join(str(items[1]).lower().split()))
        events = tuple(children_of(items, ast.TriggerEvent))
        seen: set[str] = set()
        for event in events:
            if event.kind in seen:
                self.fail("duplicate-option", f"event '{event.kind}' is listed twice",
                          event.span)
            seen.add(event.kind)
        table, function = children_of(items, ast.QualifiedName)
        for_each = cast(Any, str(cast(Token, token_of(items, "ROW_OR_STATEMENT"))).lower())
        when = first_of(items, ast.RawExpression)
        arguments = tuple(string_value(i) for i in items
                          if isinstance(i, Token) and i.type == "STRING")
        return ast.CreateTrigger(name, timing, events, table, for_each, when, function,
                                 arguments, meta)

    def drop_trigger(self, meta: Meta, items: list[Any]) -> ast.DropTrigger:
        return ast.DropTrigger(self.name(items[0]), items[1], meta)
