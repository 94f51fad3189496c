"""Grammar rules → typed AST, checking what the grammar alone cannot (types, values, settings).

One method per grammar rule, named after it. Problems found here are collected as
diagnostics rather than raised, so one file reports all of them at once.
"""

from __future__ import annotations

from .build_base import (
    SETTINGS,
    SPECIAL_VALUES,
    Meta,
    identifier,
    string_value,
    triple_value,
)
from .build_partitions import PartitionRules
from .build_routines import RoutineRules
from .build_security import SecurityRules
from .build_sequences import SequenceRules
from .build_statements import StatementRules
from .build_tables import TableRules
from .build_views import ViewRules


class ToAst(StatementRules, TableRules, ViewRules, SequenceRules, SecurityRules,
           RoutineRules, PartitionRules):
    """Builds `ast` nodes while the parser runs; read `diagnostics` afterwards.

    The parser (reducer.py) calls the method named after each rule as it reduces it, with
    the rule's span and its children, keyword tokens left out: no parse tree is built. The
    methods live in one module per part of the grammar.
    """


__all__ = [
    "SETTINGS", "SPECIAL_VALUES", "Meta", "ToAst", "identifier", "string_value",
    "triple_value",
]
