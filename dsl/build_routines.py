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
        written = token_of(items, "ARGUMENT_MODE")
        mode = cast(Any, str(written).lower() if written is not None else "in")
        name, kind, *default = items[1:] if written is not None else items
        return ast.FunctionArgument(self.name(name), kind, default[0] if default else None,
                                    meta, mode)

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

    def routine_parallel(self, meta: Meta, items: list[Token]) -> tuple[str, Meta, str]:
        return ("parallel", meta, str(items[0]).lower())

    def setting_name(self, meta: Meta, items: list[Token]) -> str:
        return ".".join(n.value for n in self.names(items))

    def routine_setting(self, meta: Meta, items: list[Any]) -> ast.FunctionSetting:
        values = tuple(self.name(v) if isinstance(v, Token) and v.type == "NAME" else
                       self.literal(meta, [v]) for v in items[1:])
        return ast.FunctionSetting(items[0], values, meta)

    def create_function(self, meta: Meta, items: list[Any]) -> ast.CreateFunction:
        returns: ast.TypeName | None = None
        setof = False
        table: tuple[ast.ReturnsColumn, ...] = ()
        for item in items[1:-1]:
            if isinstance(item, ast.TypeName) and returns is None and not table:
                returns = item
            elif isinstance(item, tuple) and item and item[0] == "setof":
                returns, setof = item[1], True
            elif isinstance(item, tuple) and item and isinstance(item[0], ast.ReturnsColumn):
                table = item
        options, settings = self._options(items, "function")
        body = items[-1]
        return ast.CreateFunction(
            items[0], self._arguments(items), returns, setof, table,
            self._language(options, meta, "function"), options.get("volatility", (None, None))[1],
            "strict" in options, bool(options.get("security", (None, False))[1]),
            triple_value(body), meta, self.token_span(body),
            options.get("parallel", (None, None))[1], settings)

    def create_procedure(self, meta: Meta, items: list[Any]) -> ast.CreateProcedure:
        options, settings = self._options(items, "procedure")
        body = items[-1]
        return ast.CreateProcedure(
            items[0], self._arguments(items), self._language(options, meta, "procedure"),
            bool(options.get("security", (None, False))[1]), settings, triple_value(body),
            meta, self.token_span(body))

    def _arguments(self, items: list[Any]) -> tuple[ast.FunctionArgument, ...]:
        arguments = tuple(children_of(items, ast.FunctionArgument))
        seen: set[str] = set()
        for argument in arguments:
            if argument.name.value in seen:
                self.fail("duplicate-column", f"argument '{argument.name.value}' is listed"
                          " twice", argument.name.span)
            seen.add(argument.name.value)
        return arguments

    def _options(self, items: list[Any], what: str
                 ) -> tuple[dict[str, tuple[Any, Any]], tuple[ast.FunctionSetting, ...]]:
        """A routine's options by kind, each once (and its `set`s, each setting once)."""
        options: dict[str, tuple[Any, Any]] = {}
        settings: list[ast.FunctionSetting] = []
        for item in items[1:-1]:
            if isinstance(item, tuple) and item and item[0] in (
                    "language", "security", "parallel"):
                self._option(options, item[0], item[1], item[2], what)
            elif isinstance(item, ast.FunctionSetting):
                if any(item.name.lower() == seen.name.lower() for seen in settings):
                    self.fail("duplicate-option", f"'set {item.name}' is given twice for this"
                              f" {what}", item.span)
                settings.append(item)
            elif isinstance(item, Token) and item.type in ("VOLATILITY", "STRICT"):
                kind = "volatility" if item.type == "VOLATILITY" else "strict"
                self._option(options, kind, self.token_span(item), str(item).lower(), what)
        return options, tuple(settings)

    def _language(self, options: dict[str, tuple[Any, Any]], meta: Meta,
                  what: str) -> ast.Name | None:
        language: ast.Name | None = options.get("language", (None, None))[1]
        if language is None:
            self.fail("missing-value", f"a {what} names its language: write `language"
                      " plpgsql` or `language sql` before `as`", meta)
        return language

    def _option(self, options: dict[str, tuple[Any, Any]], kind: str, span: Any,
                value: Any, what: str) -> None:
        if kind in options:
            self.fail("duplicate-option", f"'{kind}' is given twice for this {what}", span)
        options[kind] = (span, value)

    def drop_function(self, meta: Meta, items: list[Any]) -> ast.DropFunction:
        return ast.DropFunction(items[0], tuple(children_of(items, ast.TypeName)), meta)

    def drop_procedure(self, meta: Meta, items: list[Any]) -> ast.DropProcedure:
        return ast.DropProcedure(items[0], tuple(children_of(items, ast.TypeName)), meta)

    def external_function(self, meta: Meta, items: list[Any]) -> ast.ExternalFunction:
        returned = items[-1]
        setof = isinstance(returned, tuple)
        types = tuple(children_of(items[1:-1], ast.TypeName))
        return ast.ExternalFunction(items[0], types, returned[1] if setof else returned, setof,
                                    meta)

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
