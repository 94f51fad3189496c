"""How every AST node is declared: `@dataclass(frozen=True, slots=True)`.

Frozen is enforced by the type checker: mypy (strict, in CI) reads every node as a frozen
dataclass and rejects any assignment to a field. At run time the nodes are plain slotted
dataclasses, hashable and compared by value all the same: a frozen dataclass's __init__
sets each field through object.__setattr__, which made building the AST of 1,000 files
~0.15 s slower. The AST modules import `dataclass` from here only when not type checking.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def dataclass(**options: Any) -> Any:
    """`@dataclass(frozen=True, slots=True)` as the type checker sees it (see above)."""
    assert options.pop("frozen") is True
    return dataclasses.dataclass(**options, unsafe_hash=True)
