"""Generators for partition bounds (`partition NAME of TABLE BOUND`), and `attach|detach
partition` in `alter table { }`."""

from __future__ import annotations

from tests.dsl.properties_support import Summary, Writer, qname

BOUND_VALUES = ["'a'", "'2026-01-01'", "1", "-2", "3.5", "true", "null", "minvalue",
                "maxvalue"]


def bound_values(w: Writer, count: int) -> tuple[str, ...]:
    w.tok("(")
    found = []
    for index in range(count):
        if index:
            w.tok(",")
        value = w.pick(BOUND_VALUES)
        w.tok(w.case(value) if value.isalpha() else value)
        found.append(value.upper() if value.isalpha() else value)
    w.tok(")")
    return tuple(found)


def bound(w: Writer) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """A partition's bound: its kind and values."""
    kind = w.pick(["range", "list", "hash", "default"])
    values: tuple[tuple[str, ...], ...] = ()
    if kind == "default":
        w.kw("default")
    elif kind == "range":
        w.kw("for", "values", "from")
        count = w.int(1, 2)
        values = (bound_values(w, count),)
        w.kw("to")
        values += (bound_values(w, count),)
    elif kind == "list":
        w.kw("for", "values", "in")
        values = (bound_values(w, w.int(1, 3)),)
    else:
        w.kw("for", "values", "with")
        w.tok("(")
        w.kw("modulus")
        modulus = w.int(1, 8)
        w.tok(str(modulus))
        w.tok(",")
        w.kw("remainder")
        remainder = w.int(0, modulus - 1)
        w.tok(str(remainder))
        w.tok(")")
        values = ((str(modulus), str(remainder)),)
    return kind, values


def partition_action(w: Writer) -> Summary:
    """`attach partition NAME BOUND` or `detach partition NAME [concurrently]`, in `alter
    table { }`."""
    if w.flag():
        w.kw("attach", "partition")
        return ("attach partition", qname(w), *bound(w))
    w.kw("detach", "partition")
    detached = qname(w)
    concurrently = w.flag()
    if concurrently:
        w.kw("concurrently")
    return ("detach partition", detached, concurrently)
