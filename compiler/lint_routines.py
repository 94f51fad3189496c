"""The safety lint's rule on functions and procedures: a `security definer` one without a
fixed `search_path`.

Such a function runs with its owner's rights, but looks names up on the caller's
search_path: a caller who may create objects in a schema on it (`public`, or their own
`pg_temp`, which is searched first for tables) can put a table, function or operator there
that the body then uses as the owner. PostgreSQL's documentation says to `SET search_path`
on every such function. The rule registers itself into lint.py's RULES as lint.py is
imported.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..dsl import ast
from ..dsl.source import Span
from .context import Context
from .lint import RULES, Change, Rule, lint_rule
from .lint_codes import register

SEARCH_PATH_RULE = Rule("security-definer-search-path", "a `security definer` function"
                        " without `set search_path`: a caller's objects can take the place of"
                        " those its body names", existing_only=False)
RULES[SEARCH_PATH_RULE.code] = SEARCH_PATH_RULE
register([SEARCH_PATH_RULE])


@lint_rule(ast.CreateFunction, ast.CreateProcedure)
def _definer_search_path(ctx: Context, change: Change) -> Iterator[tuple[str, str, str, Span]]:
    node = change.node
    assert isinstance(node, ast.CreateFunction | ast.CreateProcedure)
    kind = "function" if isinstance(node, ast.CreateFunction) else "procedure"
    if not node.security_definer or any(
            setting.name.lower() == "search_path" for setting in node.settings):
        return
    yield ("security-definer-search-path",
           f"{kind} '{node.name}' runs as its owner (`security definer`) but looks names up"
           " on the caller's search_path: a caller who can create a table or function in one"
           " of its schemas (`public`, their own `pg_temp`) has the body use it with the"
           " owner's rights",
           "fix the path: `set search_path = pg_catalog, pg_temp` and name the function's own"
           " objects with their schema (`public.documents`), or `set search_path = ''` and"
           " qualify every name", node.name.span)
