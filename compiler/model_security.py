"""The model of row-level security policies (TableModel.policies), apart from model.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PolicyModel:
    """A row-level security policy as CREATE POLICY writes it: roles as written (`public`
    for none), expressions as SQL text (already parenthesised)."""

    name: str
    restrictive: bool = False
    command: str = "all"
    roles: tuple[str, ...] = ("public",)
    using: str | None = None
    check: str | None = None
