"""Rules for column types and values: canonical type names, literals, function calls."""

from __future__ import annotations

import difflib
from typing import Any, cast

from lark import Token

from . import ast
from .build_base import (
    SPECIAL_VALUES,
    Builder,
    Meta,
    first_of,
    identifier,
    string_value,
    token_of,
)
from .source import Span
from .types import BuiltinType, canonical, suggestion

# How deeply bare function calls may nest in a value. PostgreSQL has no need of more, and
# the compiler reads values recursively: a file of any depth gets this error instead.
MAX_CALL_DEPTH = 100


class TypeRules(Builder):
    # ------------------------------------------------------------ types

    def type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        if len(items) == 1:  # no array bounds: most columns
            return cast(ast.TypeName, items[0])
        base, *bounds = items
        return ast.TypeName(base.name, meta, base.modifiers, tuple(bounds),
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
        span = meta
        builtin = canonical(name.name) if name.schema in (None, "pg_catalog") else None
        if builtin is not None and not (explicit and name.schema is None):
            return self._known(builtin, modifiers, span)
        hint = None if explicit else suggestion(name.name)
        if hint or modifiers:
            did_you_mean = f"; did you mean '{hint}'?" if hint else ""
            self.fail("unknown-type", f"unknown type '{name}'{did_you_mean}", name.span)
            return ast.TypeName(str(name), span, modifiers)
        return ast.TypeName(name.name, span, (), (), name.schema, builtin=False)

    def _builtin(self, name: str, modifiers: tuple[int, ...], span: Span) -> ast.TypeName:
        known = canonical(name)
        assert known is not None
        return self._known(known, modifiers, span)

    def _known(self, known: BuiltinType, modifiers: tuple[int, ...], span: Span) -> ast.TypeName:
        name = known.name
        if len(modifiers) > known.max_modifiers:
            allowed = "no modifiers" if known.max_modifiers == 0 else (
                f"at most {known.max_modifiers} modifier" + "s" * (known.max_modifiers > 1))
            self.fail("bad-type-modifier", f"type '{name}' takes {allowed}", span)
            modifiers = ()
        return ast.TypeName(known.name, span, modifiers)

    def double_precision(self, meta: Meta, items: list[Token]) -> ast.TypeName:
        if len(str(items[0]).split()) == 1:
            self.fail("unknown-type", "unknown type 'double'; did you mean 'double precision'?",
                      meta)
        return self._builtin("double precision", (), meta)

    def character_type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        varying = any(isinstance(i, Token) and i.type == "VARYING" for i in items)
        modifiers = first_of(items, tuple) or ()
        return self._builtin("character varying" if varying else "character", modifiers,
                             meta)

    def bit_type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        varying = any(isinstance(i, Token) and i.type == "VARYING" for i in items)
        modifiers = first_of(items, tuple) or ()
        return self._builtin("bit varying" if varying else "bit", modifiers, meta)

    def time_type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        base = str(items[0]).lower()
        modifiers = first_of(items, tuple) or ()
        with_zone = any(i == "with" for i in items if isinstance(i, str))
        zone = "with time zone" if with_zone else "without time zone"
        return self._builtin(f"{base} {zone}", modifiers, meta)

    def time_zone(self, meta: Meta, items: list[Token]) -> str:
        return "with" if items[0].type == "WITH" else "without"

    def interval_type(self, meta: Meta, items: list[Any]) -> ast.TypeName:
        fields = token_of(items, "INTERVAL_FIELDS")
        modifiers = first_of(items, tuple) or ()
        result = self._builtin("interval", modifiers, meta)
        if fields is None:
            return result
        return ast.TypeName("interval " + " ".join(str(fields).lower().split()), result.span,
                            result.modifiers)

    # ------------------------------------------------------------ values

    def raw_expression(self, meta: Meta, items: list[Token]) -> ast.RawExpression:
        return self.raw(items[0])

    def number(self, meta: Meta, items: list[Token]) -> ast.Literal:
        return ast.Literal("number", str(items[0]), meta)

    setting_number = number  # a function's `set NAME = 1` (shift.lark says why apart)

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
        given = tuple(a for a in arguments if a is not None)
        depth = 1 + max((a.depth for a in given if isinstance(a, ast.FunctionCall)), default=0)
        return ast.FunctionCall(name, given, meta, depth)

    def shallow(self, value: ast.Expression) -> ast.Expression:
        """A default's value, refused (at its outermost call) when its calls nest deeper
        than MAX_CALL_DEPTH."""
        if isinstance(value, ast.FunctionCall) and value.depth > MAX_CALL_DEPTH:
            self.fail("nested-too-deep", f"function calls nested more than {MAX_CALL_DEPTH}"
                      f" levels deep ({value.depth:,}): write an expression this deep as SQL"
                      " in backticks", value.name.span)
        return value

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
        return ast.SpecialValue(word, meta)
