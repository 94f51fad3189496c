"""Lexer expressions compiled once and kept with the parse loop's tables.

Python compiles a regular expression in two steps: it parses the pattern and generates the
matching engine's code in Python (`re._parser`, `re._compiler`), then hands that code to
the engine in C (`_sre.compile`). For the lexers' alternations the first step is ~0.4 ms
each, ~0.02 s for the states a short file meets in every new process. The tables file keeps
the code instead (lalr_tables.LexerSpec.program) and a process hands it to the engine.

These are CPython internals, so every step is guarded: the tables file is named after the
exact Python build (parser_cache.tables_cache), a program records the engine's `MAGIC`
(which changes with its code format), the engine checks the code it is given, and on any
mismatch or failure the pattern is compiled by `re.compile` as usual.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# (engine MAGIC, flags, code, groups, group index, index → group): `_sre.compile`'s input
Program = tuple[int, int, list[int], int, dict[str, int], tuple[str | None, ...]]


def program(pattern: str, flags: int) -> Program | None:
    """What `re.compile(pattern, flags)` hands the engine, or None where that cannot be
    worked out on this Python."""
    try:
        engine, parser, compiler = (importlib.import_module(name)
                                    for name in ("_sre", "re._parser", "re._compiler"))
        parsed: Any = parser.parse(pattern, flags)
        code = [int(op) for op in compiler._code(parsed, flags)]
        groupindex = {str(name): int(index) for name, index in parsed.state.groupdict.items()}
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        return (int(engine.MAGIC), int(flags | parsed.state.flags), code,
                int(parsed.state.groups - 1), groupindex, tuple(indexgroup))
    except Exception:  # another Python's internals: the pattern is compiled as usual
        return None


def compiled(pattern: str, flags: int, kept: Program | None) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, from the kept program when it fits this engine."""
    if kept is not None:
        try:
            engine: Any = importlib.import_module("_sre")
            if kept[0] == engine.MAGIC:
                result: re.Pattern[str] = engine.compile(pattern, *kept[1:])
                return result
        except Exception:  # not code this engine accepts: compile it as usual
            pass
    return re.compile(pattern, flags)
