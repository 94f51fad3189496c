"""Functions and triggers in the language, for `pull`: the statement each RawObject of
sql_blocks.py offers instead of its SQL (`RawObject.language`), when the language can say
all of it. What it cannot (argument defaults, `returns table`, cost, leakproof, a trigger's
comment, constraint triggers, transition tables, a disabled trigger) stays SQL, as does whatever
the compiler then refuses (writing.py)."""

from __future__ import annotations

import re

from .language import Unwritable, backticks, name, qualified, string, type_name

_VOLATILITY = {"i": "immutable", "s": "stable", "v": None}
_PARALLEL = {"s": "safe", "r": "restricted", "u": "unsafe"}
_MODES = {"i": "", "o": "out ", "b": "inout ", "v": "variadic "}
# One element of a setting's value as pg_proc.proconfig keeps it (`search_path=a, "b c"`):
# a double-quoted name (a list setting's element), or a run without a comma.
_ELEMENT = re.compile(r'\s*("(?:[^"]|"")*"|[^,]*)\s*(?:,|$)')
_WORD = re.compile(r"[a-z_][a-z0-9_]*|\d+")

# pg_trigger.tgtype's bits (PostgreSQL's trigger.h)
_ROW, _BEFORE, _INSERT, _DELETE, _UPDATE, _TRUNCATE, _INSTEAD = 1, 2, 4, 8, 16, 32, 64


def function_statement(plain: bool, schema: str, function: str, argument_types: list[str],
                       argument_names: list[str] | None, returns_set: bool, returns: str,
                       language: str, volatility: str, strict: bool, definer: bool,
                       body: str, comment: str | None, modes: list[str] | None = None,
                       parallel: str = "u", config: list[str] | None = None,
                       kind: str = "f") -> str | None:
    """`function NAME ([MODE] a TYPE, …) returns T language L … [parallel …] [set …] as
    \"\"\"body\"\"\"` (and its `comment on function`), a procedure's `procedure NAME (…)
    language L …`, or None when the routine has more than the language says (`plain` is
    false; a procedure's comment or `out` argument)."""
    names = argument_names or []
    if (not plain or len(names) < len(argument_types)
            or not all(names[: len(argument_types)]) or '"""' in body or body.endswith('"')
            or (kind == "p" and (comment is not None or "o" in (modes or [])))):
        return None
    arguments = ", ".join(
        _MODES[mode] + f"{name(n)} {type_name(t)}"
        for n, t, mode in zip(names, argument_types, modes or ["i"] * len(argument_types),
                              strict=False))
    options = [f"language {name(language)}"]
    if _VOLATILITY[volatility] is not None:
        options.append(str(_VOLATILITY[volatility]))
    if strict:
        options.append("strict")
    if definer:
        options.append("security definer")
    if parallel != "u":
        options.append(f"parallel {_PARALLEL[parallel]}")
    options += [_setting(entry) for entry in config or []]
    if kind == "p":
        return (f"procedure {qualified((schema, function))}({arguments})"
                f" {' '.join(options)} as \"\"\"{body}\"\"\"")
    setof = "setof " if returns_set else ""
    text = (f"function {qualified((schema, function))}({arguments}) returns"
            f" {setof}{type_name(returns)} {' '.join(options)} as \"\"\"{body}\"\"\"")
    if comment is not None:  # named by its input types, as PostgreSQL knows it
        inputs = ", ".join(type_name(t) for t, mode in zip(
            argument_types, modes or ["i"] * len(argument_types), strict=False) if mode != "o")
        text += (f"\ncomment on function {qualified((schema, function))}({inputs}) is"
                 f" {string(comment)}")
    return text


def _setting(entry: str) -> str:
    """`set NAME = value, …` from proconfig's `name=value`: each element a bare word where
    it is one, else a string (PostgreSQL reads `public` and `'public'` alike, and keeps a
    list setting's elements in double quotes, `""` for an empty one)."""
    setting, _, value = entry.partition("=")
    elements: list[str] = []
    for match in _ELEMENT.finditer(value):
        if match.start() == len(value) and elements:
            break
        element = match.group(1)
        if element.startswith('"'):
            element = element[1:-1].replace('""', '"')
        elements.append(element if _WORD.fullmatch(element)
                        else string(element))
    return f"set {'.'.join(name(part) for part in setting.split('.'))} = {', '.join(elements)}"


def trigger_statement(plain: bool, definition: str, trigger: str, schema: str, table: str,
                      kind: int, columns: list[str], function_schema: str, function: str,
                      arguments: bytes, argument_count: int, enabled: str,
                      comment: str | None) -> str | None:
    """`trigger NAME before|after|instead of EVENTS on TABLE|VIEW for each row|statement
    [when `…`] execute function F('a', …)`, or None when the trigger has more than the
    language says."""
    if not plain or enabled != "O" or comment is not None:
        return None
    events = []
    for bit, event in ((_INSERT, "insert"), (_UPDATE, "update"), (_DELETE, "delete"),
                       (_TRUNCATE, "truncate")):
        if kind & bit:
            of = f" of {', '.join(name(c) for c in columns)}" if event == "update" and (
                columns) else ""
            events.append(event + of)
    each = "row" if kind & _ROW else "statement"
    timing = "instead of" if kind & _INSTEAD else "before" if kind & _BEFORE else "after"
    values = [part.decode() for part in bytes(arguments).split(b"\0")[:argument_count]]
    when = ""
    start = definition.find(f" FOR EACH {each.upper()} WHEN (")
    if start >= 0:
        start = definition.index(" WHEN (", start) + len(" WHEN (")
        end = definition.rfind(") EXECUTE FUNCTION ")
        if end < start:
            return None
        try:
            when = f" when {backticks(definition[start:end])}"
        except Unwritable:
            return None
    return (f"trigger {name(trigger)} {timing} {' or '.join(events)} on"
            f" {qualified((schema, table))} for each {each}{when} execute function"
            f" {qualified((function_schema, function))}({', '.join(map(string, values))})")
