"""Functions and triggers in the language, for `pull`: the statement each RawObject of
sql_blocks.py offers instead of its SQL (`RawObject.language`), when the language can say
all of it. What it cannot (argument modes and defaults, `set` options, cost, parallel
safety, comments, constraint triggers, transition tables, a disabled trigger) stays SQL, as
does whatever the compiler then refuses (writing.py)."""

from __future__ import annotations

from .language import Unwritable, backticks, name, qualified, string, type_name

_VOLATILITY = {"i": "immutable", "s": "stable", "v": None}

# pg_trigger.tgtype's bits (PostgreSQL's trigger.h)
_ROW, _BEFORE, _INSERT, _DELETE, _UPDATE, _TRUNCATE, _INSTEAD = 1, 2, 4, 8, 16, 32, 64


def function_statement(plain: bool, schema: str, function: str, argument_types: list[str],
                       argument_names: list[str] | None, returns_set: bool, returns: str,
                       language: str, volatility: str, strict: bool, definer: bool,
                       body: str, comment: str | None) -> str | None:
    """`function NAME (a TYPE, …) returns T language L … as \"\"\"body\"\"\"`, or None when
    the function has more than the language says (`plain` is false, or a comment)."""
    names = argument_names or []
    if (not plain or comment is not None or len(names) < len(argument_types)
            or not all(names[: len(argument_types)]) or '"""' in body or body.endswith('"')):
        return None
    arguments = ", ".join(f"{name(n)} {type_name(t)}" for n, t in zip(names, argument_types,
                                                                      strict=False))
    options = [f"language {name(language)}"]
    if _VOLATILITY[volatility] is not None:
        options.append(str(_VOLATILITY[volatility]))
    if strict:
        options.append("strict")
    if definer:
        options.append("security definer")
    setof = "setof " if returns_set else ""
    return (f"function {qualified((schema, function))}({arguments}) returns"
            f" {setof}{type_name(returns)} {' '.join(options)} as \"\"\"{body}\"\"\"")


def trigger_statement(plain: bool, definition: str, trigger: str, schema: str, table: str,
                      kind: int, columns: list[str], function_schema: str, function: str,
                      arguments: bytes, argument_count: int, enabled: str,
                      comment: str | None) -> str | None:
    """`trigger NAME before|after EVENTS on TABLE for each row|statement [when `…`] execute
    function F('a', …)`, or None when the trigger has more than the language says."""
    if not plain or enabled != "O" or comment is not None or kind & _INSTEAD:
        return None
    events = []
    for bit, event in ((_INSERT, "insert"), (_UPDATE, "update"), (_DELETE, "delete"),
                       (_TRUNCATE, "truncate")):
        if kind & bit:
            of = f" of {', '.join(name(c) for c in columns)}" if event == "update" and (
                columns) else ""
            events.append(event + of)
    each = "row" if kind & _ROW else "statement"
    timing = "before" if kind & _BEFORE else "after"
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
