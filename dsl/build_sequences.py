"""Rules for standalone sequences: `sequence NAME [as T] [increment by N] [start with N]
[minvalue N | no minvalue] [maxvalue N | no maxvalue] [cache N] [[no] cycle]
[owned by table.column]` and `drop sequence NAME`.

What the statement alone decides is checked here, as PostgreSQL's CREATE SEQUENCE would:
an option given twice, a type that is no integer type, an increment of zero, bounds that
leave no value, a start outside them, a cache below 1."""

from __future__ import annotations

from typing import Any, cast

from lark import Token

from . import ast
from .build_base import Builder, Meta, identifier

# The types a sequence may have, as PostgreSQL names them.
SEQUENCE_TYPES = {"smallint": "smallint", "int2": "smallint", "integer": "integer",
                  "int": "integer", "int4": "integer", "bigint": "bigint", "int8": "bigint"}
TYPE_RANGES = {"smallint": (-(2**15), 2**15 - 1), "integer": (-(2**31), 2**31 - 1),
               "bigint": (-(2**63), 2**63 - 1)}


def sequence_bounds(type_name: str, increment: int, minvalue: int | None,
                    maxvalue: int | None) -> tuple[int, int]:
    """The bounds PostgreSQL takes: those given, else 1 and the type's largest value for an
    ascending sequence, the type's smallest value and -1 for a descending one."""
    low, high = TYPE_RANGES[type_name]
    if minvalue is None:
        minvalue = 1 if increment > 0 else low
    if maxvalue is None:
        maxvalue = high if increment > 0 else -1
    return minvalue, maxvalue


def _number(token: Token) -> int:
    return int(str(token))


class SequenceRules(Builder):
    def create_sequence(self, meta: Meta, items: list[Any]) -> ast.CreateSequence:
        name = items[0]
        options: dict[str, ast.SequenceOption] = {}
        owner: ast.SequenceOwner | None = None
        for item in items[1:]:
            if isinstance(item, ast.SequenceOwner):
                if owner is not None:
                    self.fail("bad-sequence-option", "`owned by` is given twice: keep one",
                              item.span)
                owner = item
                continue
            if item.kind in options:
                self.fail("bad-sequence-option", f"`{item.kind}` is given twice: keep one",
                          item.span)
                continue
            options[item.kind] = item
        self._check_values(options)
        return ast.CreateSequence(name, tuple(options.values()), owner, meta)

    def _check_values(self, options: dict[str, ast.SequenceOption]) -> None:
        def value(kind: str) -> int | None:
            option = options.get(kind)
            return option.value if option is not None and isinstance(option.value, int) and (
                not isinstance(option.value, bool)) else None

        type_option = options.get("as")
        type_name = str(type_option.value) if type_option is not None else "bigint"
        if type_name not in TYPE_RANGES:
            return
        increment = value("increment")
        if increment == 0:
            self.fail("bad-sequence-option", "a sequence's increment cannot be zero",
                      options["increment"].span)
            return
        low, high = TYPE_RANGES[type_name]
        for kind in ("increment", "start", "minvalue", "maxvalue", "cache"):
            given = value(kind)
            if given is not None and not low <= given <= high:
                self.fail("bad-sequence-option", f"{kind} {given} is out of range for a"
                          f" sequence of type {type_name} ({low} to {high})",
                          options[kind].span)
                return
        cache = value("cache")
        if cache is not None and cache < 1:
            self.fail("bad-sequence-option", f"cache {cache}: a sequence caches at least 1"
                      " value", options["cache"].span)
        minvalue, maxvalue = sequence_bounds(type_name, increment or 1, value("minvalue"),
                                             value("maxvalue"))
        if minvalue >= maxvalue:
            where = options.get("minvalue") or options.get("maxvalue") or options["increment"]
            self.fail("bad-sequence-option", f"minvalue ({minvalue}) must be less than"
                      f" maxvalue ({maxvalue})", where.span)
            return
        start = value("start")
        if start is not None and not minvalue <= start <= maxvalue:
            self.fail("bad-sequence-option", f"start with {start} is outside the sequence's"
                      f" bounds, {minvalue} to {maxvalue}", options["start"].span)

    def sequence_type(self, meta: Meta, items: list[Token]) -> ast.SequenceOption:
        written = identifier(items[0])
        type_name = SEQUENCE_TYPES.get(written)
        if type_name is None:
            self.fail("bad-sequence-option", f"a sequence is smallint, integer or bigint, not"
                      f" '{written}'", self.token_span(items[0]))
            type_name = "bigint"
        return ast.SequenceOption("as", type_name, meta)

    def _numbered(self, kind: str, meta: Meta, items: list[Any]) -> ast.SequenceOption:
        numbers = [t for t in items if isinstance(t, Token) and t.type in ("INT", "SIGNED_INT")]
        value = _number(numbers[0]) if numbers else None
        return ast.SequenceOption(cast(Any, kind), value, meta)

    def sequence_increment(self, meta: Meta, items: list[Any]) -> ast.SequenceOption:
        return self._numbered("increment", meta, items)

    def sequence_start(self, meta: Meta, items: list[Any]) -> ast.SequenceOption:
        return self._numbered("start", meta, items)

    def sequence_minvalue(self, meta: Meta, items: list[Any]) -> ast.SequenceOption:
        return self._numbered("minvalue", meta, items)

    def sequence_maxvalue(self, meta: Meta, items: list[Any]) -> ast.SequenceOption:
        return self._numbered("maxvalue", meta, items)

    def sequence_cache(self, meta: Meta, items: list[Any]) -> ast.SequenceOption:
        return self._numbered("cache", meta, items)

    def sequence_cycle(self, meta: Meta, items: list[Any]) -> ast.SequenceOption:
        return ast.SequenceOption("cycle", True, meta)

    def sequence_no_cycle(self, meta: Meta, items: list[Any]) -> ast.SequenceOption:
        return ast.SequenceOption("cycle", False, meta)

    def sequence_owned_by(self, meta: Meta, items: list[Token]) -> ast.SequenceOwner:
        names = [t for t in items if isinstance(t, Token) and t.type == "NAME"]
        table_parts = names[:-1]
        table_span = self.token_span(table_parts[0], table_parts[-1])
        table = ast.QualifiedName(identifier(table_parts[-1]), identifier(table_parts[0])
                                  if len(table_parts) == 2 else None, table_span)
        return ast.SequenceOwner(table, self.name(names[-1]), meta)

    def drop_sequence(self, meta: Meta, items: list[Any]) -> ast.DropSequence:
        return ast.DropSequence(items[-1], meta)
