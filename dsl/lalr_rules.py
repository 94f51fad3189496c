"""What reducing each grammar rule does, as Lark's tree builder would do it.

Lark's tree builder splices the children of `_rules` into their parent's, puts a None for
each absent `[optional]` item (`maybe_placeholders`) and leaves keyword tokens out. The
parse loop (lalr_driver) does the same without building a tree; this module works out,
once per rule, what that takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lark.grammar import NonTerminal, Rule

from .lalr_tables import Reduction


class GrammarRules:
    """What the driver needs to know about the grammar's rules beyond the parse table."""

    def __init__(self, rules: list[Rule]) -> None:
        self.by_origin: dict[str, list[Rule]] = {}
        for rule in rules:
            if rule.options.expand1:
                raise ValueError(f"rule {rule.origin.name}: `?rule` is not supported")
            if rule.alias and rule.origin.name.startswith("_") != rule.alias.startswith("_"):
                raise ValueError(f"rule {rule.origin.name}: an alias must keep its `_`")
            self.by_origin.setdefault(rule.origin.name, []).append(rule)
        self.passing = self._passing()
        self.tokens = self._tokens()

    def _passing(self) -> set[str]:
        """The `_rules` whose every alternative is one symbol whose value the parent can take
        as is (a token, a rule's value, or another such `_rule`'s): `_statement`, `_value`…"""
        passing = {name for name in self.by_origin if name.startswith("_")}
        changed = True
        while changed:
            changed = False
            for name in sorted(passing):
                if not all(len(rule.expansion) == 1 and not rule.options.empty_indices
                           and _passes_through(rule.expansion[0], passing)
                           for rule in self.by_origin[name]):
                    passing.discard(name)
                    changed = True
        return passing

    def _tokens(self) -> dict[str, set[str]]:
        """The token types that may stand among the children a `_rule` hands its parent."""
        tokens: dict[str, set[str]] = {name: set() for name in self.by_origin
                                       if name.startswith("_")}
        changed = True
        while changed:
            changed = False
            for name, found in tokens.items():
                for rule in self.by_origin[name]:
                    more = self.children_tokens(rule, tokens) - found
                    if more:
                        found |= more
                        changed = True
        return tokens

    @staticmethod
    def children_tokens(rule: Rule, tokens: Mapping[str, set[str]]) -> set[str]:
        found: set[str] = set()
        for symbol in rule.expansion:
            if isinstance(symbol, NonTerminal):
                found |= tokens.get(symbol.name, set())
            else:
                found.add(symbol.name)
        return found

    def never_seen(self, drops: Mapping[str, frozenset[str]]) -> frozenset[str]:
        """The token types no rule's method ever sees (braces, most keywords): every rule
        whose children may hold one drops it, so the parse need not make a token for it."""
        held: set[str] = set()
        seen: set[str] = set()
        for rules in self.by_origin.values():
            for rule in rules:
                name = str(rule.alias or rule.origin.name)
                if name.startswith("_"):
                    continue
                tokens = self.children_tokens(rule, self.tokens)
                held |= tokens
                seen |= tokens - drops.get(name, frozenset())
        return frozenset(held - seen)

    def reduction(self, rule: Rule, drops: Mapping[str, frozenset[str]]) -> Reduction:
        """Lark's tree-builder semantics for `rule`, as a transformer with every token kept
        sees them: `_rule` children spliced in, a None for each absent `[optional]` item."""
        name = str(rule.alias or rule.origin.name)
        inline = name.startswith("_")
        empty = rule.options.empty_indices or [False] * len(rule.expansion)
        before = [0] * (len(rule.expansion) + 1)  # placeholders before each child, and after
        child = 0
        for is_placeholder in empty:
            if is_placeholder:
                before[child] += 1
            else:
                child += 1
        plan = tuple(
            (isinstance(symbol, NonTerminal) and symbol.name.startswith("_")
             and symbol.name not in self.passing, before[index])
            for index, symbol in enumerate(rule.expansion))
        needs_plan = any(spliced or nones for spliced, nones in plan) or before[-1] > 0
        drop = frozenset() if inline else drops.get(name, frozenset())
        return Reduction(
            size=len(rule.expansion),
            goto=rule.origin.name,
            passes=rule.origin.name in self.passing,
            appends=inline and plan == ((True, 0), (False, 0)) and before[-1] == 0,
            inline=inline,
            plan=plan if needs_plan else None,
            trailing=before[-1],
            drop=drop if drop & self.children_tokens(rule, self.tokens) else None,
            build=None if inline else name,
        )


def _passes_through(symbol: Any, passing: set[str]) -> bool:
    return not isinstance(symbol, NonTerminal) or not symbol.name.startswith("_") \
        or symbol.name in passing
