"""Lark parse tree → typed AST, checking what the grammar alone cannot (types, values, settings).

One method per grammar rule, named after it. Problems found here are collected as
diagnostics rather than raised, so one file reports all of them at once.
"""

from __future__ import annotations

from .build_base import (
    SETTINGS,
    SPECIAL_VALUES,
    Filtering,
    Meta,
    identifier,
    string_value,
    triple_value,
)
from .build_statements import StatementRules
from .build_tables import TableRules


class ToAst(StatementRules, TableRules):
    """Builds `ast` nodes while Lark parses; read `diagnostics` afterwards.

    Lark calls the callback `reducer(rule)` made for every rule as it reduces it, with
    every token kept (keyword tokens too), so no parse tree is built and no Lark position
    propagation runs: the rule's span comes from its first and last child, and keyword
    tokens are dropped before the rule's method, named after the rule, sees the rest.
    The methods live in one module per part of the grammar.
    """


__all__ = [
    "SETTINGS", "SPECIAL_VALUES", "Filtering", "Meta", "ToAst", "identifier", "string_value",
    "triple_value",
]
