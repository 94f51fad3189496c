"""Which function builds the step for each statement type: registered by decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .context import Context, Step

Built = Step | list[Step] | None
Builder = Callable[[Context, Any], Built]
F = TypeVar("F", bound=Callable[..., Built])

BUILDERS: dict[type, Builder] = {}


def step(node: type) -> Callable[[F], F]:
    def register(function: F) -> F:
        BUILDERS[node] = function
        return function

    return register


def builder_for(node: object) -> Builder:
    try:
        return BUILDERS[type(node)]
    except KeyError:
        raise TypeError(f"no step builder for {type(node).__name__}") from None
