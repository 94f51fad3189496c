"""Generators for views: `[materialized] view` with its options and check option, `alter
view … set|reset`, `drop [materialized] view` and `refresh materialized view`. What
`programs()` (properties_programs_support.py) mixes into the valid texts it writes.
"""

from __future__ import annotations

from tests.dsl.properties_support import Summary, Writer, qname, triple


def view(w: Writer) -> Summary:
    """`[materialized] view NAME as \"\"\"…\"\"\" [with [no] data]`, `drop [materialized]
    view NAME` or `refresh materialized view NAME [concurrently]`."""
    kind = w.pick(["view", "drop view", "refresh", "alter view"])
    if kind == "alter view":
        return alter_view(w)
    if kind == "refresh":
        w.kw("refresh", "materialized", "view")
        refreshed = qname(w, frozenset({"concurrently"}))
        concurrently = w.flag()
        if concurrently:
            w.kw("concurrently")
        return ("refresh", refreshed, concurrently)
    materialized = w.flag()
    if kind == "drop view":
        w.kw("drop", *(("materialized",) if materialized else ()), "view")
        return ("drop view", qname(w), materialized)
    w.kw(*(("materialized",) if materialized else ()), "view")
    made = qname(w)
    options = view_options(w, "with") if not materialized and w.flag() else {}
    w.kw("as")
    query = triple(w, nonblank=True)
    with_data = True
    if materialized and w.flag():
        with_data = w.flag()
        w.multi("with", *(() if with_data else ("no",)), "data")  # one terminal
    if not materialized and "check_option" not in options and w.flag():
        level = w.pick(["", "local", "cascaded"])
        w.multi("with", *((level,) if level else ()), "check", "option")  # one terminal
        options["check_option"] = level or "cascaded"
    return ("view", made, query, materialized, with_data, tuple(sorted(options.items())))


# View options as written, and as PostgreSQL keeps them.
VIEW_OPTIONS = {"security_invoker": [("true", "true"), ("on", "true"), ("no", "false"),
                                     ("false", "false")],
                "security_barrier": [("yes", "true"), ("off", "false"), ("", "true")],
                "check_option": [("local", "local"), ("cascaded", "cascaded")]}


def view_options(w: Writer, word: str) -> dict[str, str]:
    """`with|set (option [= value], …)`: each option once."""
    chosen = [n for n in VIEW_OPTIONS if w.flag()] or ["security_invoker"]
    w.kw(word)
    w.tok("(")
    options = {}
    for index, option in enumerate(chosen):
        if index:
            w.tok(",")
        w.tok(w.case(option))
        written, kept = w.pick(VIEW_OPTIONS[option])
        if written or word == "set":
            w.tok("=")
            w.tok(w.case(written or "true"))
        options[option] = kept
    w.tok(")")
    return options


def alter_view(w: Writer) -> Summary:
    """`alter view NAME set (…)` or `alter view NAME reset (…)`."""
    w.kw("alter", "view")
    altered = qname(w)
    if w.flag():
        return ("alter view", altered, tuple(sorted(view_options(w, "set").items())), ())
    w.kw("reset")
    w.tok("(")
    reset = [n for n in VIEW_OPTIONS if w.flag()] or ["check_option"]
    for index, option in enumerate(reset):
        if index:
            w.tok(",")
        w.tok(w.case(option))
    w.tok(")")
    return ("alter view", altered, (), tuple(reset))
