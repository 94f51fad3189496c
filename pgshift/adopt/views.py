"""Views and materialized views in the language, for `pull`: the statement each view's
RawObject (sql_blocks.py) offers instead of its SQL, with the view's options
(`with (security_invoker = true)`, `with local check option`) and its comment. What the
language cannot say (a materialized view's storage settings, comments on a view's columns,
a query holding `\"\"\"`) stays SQL."""

from __future__ import annotations

from .language import qualified, string

Key = tuple[str, str]

# The view options the language writes, and the values pg_class.reloptions may hold for
# each (as written to CREATE VIEW: a boolean in any of PostgreSQL's spellings).
_BOOLEAN = {"true": "true", "on": "true", "yes": "true", "1": "true",
            "false": "false", "off": "false", "no": "false", "0": "false"}
_OPTIONS = {"security_invoker": _BOOLEAN, "security_barrier": _BOOLEAN,
            "check_option": {"local": "local", "cascaded": "cascaded"}}


def view_statement(key: Key, materialized: bool, query: str, options: list[str],
                   populated: bool, comment: str | None, column_comments: list[str]
                   ) -> str | None:
    """`[materialized] view NAME [with (…)] as \"\"\"query\"\"\" …` and its `comment on`, or
    None when the view has more than the language says."""
    read = _options(options)
    if read is None or (materialized and read) or column_comments or '"""' in query:
        return None
    kind = "materialized view" if materialized else "view"
    check = read.pop("check_option", None)
    settings = ", ".join(f"{option} = {value}" for option, value in sorted(read.items()))
    text = f"{kind} {qualified(key)}{f' with ({settings})' if settings else ''} as \"\"\"\n"
    text += f"{query.rstrip()}\n\"\"\""
    if materialized and not populated:
        text += " with no data"
    if check is not None:
        text += f" with {check} check option"
    if comment is not None:
        text += f"\ncomment on {kind} {qualified(key)} is {string(comment)}"
    return text


def _options(options: list[str]) -> dict[str, str] | None:
    """`name=value` settings as the language's options, or None when one is not a view
    option the language has."""
    read = {}
    for setting in options:
        option, _, value = setting.partition("=")
        values = _OPTIONS.get(option)
        if values is None or value.lower() not in values:
            return None
        read[option] = values[value.lower()]
    return read
