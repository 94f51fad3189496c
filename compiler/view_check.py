"""Whether PostgreSQL can update a view by itself, which a check option needs: PostgreSQL
refuses `WITH CHECK OPTION` on any other view, and pgshift says so at compile time, naming
what stands in the way, instead of failing at `up`.

The rules are PostgreSQL's (the "Updatable Views" part of CREATE VIEW): one table or
view in `from` (a view that is not updatable may be made so by its triggers); no WITH,
DISTINCT, GROUP BY, HAVING, LIMIT, OFFSET or set operation at the top level; no aggregate,
window or set-returning function in the select list. An aggregate is known by its name
among PostgreSQL's own (a user's is not told)."""

from __future__ import annotations

import json
from typing import Any

from ..dsl.source import Span
from .context import Context
from .model import DEFAULT_SCHEMA, SchemaModel, ViewModel

_CLAUSES = {"withClause": "WITH", "distinctClause": "DISTINCT", "groupClause": "GROUP BY",
            "havingClause": "HAVING", "limitCount": "LIMIT", "limitOffset": "OFFSET",
            "windowClause": "WINDOW"}
_AGGREGATES = {"count", "sum", "avg", "min", "max", "array_agg", "string_agg", "bool_and",
               "bool_or", "every", "json_agg", "jsonb_agg", "json_object_agg",
               "jsonb_object_agg", "bit_and", "bit_or", "xmlagg", "stddev", "variance"}
_SET_RETURNING = {"unnest", "generate_series", "jsonb_array_elements", "json_array_elements",
                  "jsonb_each", "json_each", "regexp_matches", "string_to_table"}


def not_updatable(query: str, model: SchemaModel) -> str | None:
    """Why a view of `query` is not one PostgreSQL updates by itself, or None."""
    from pglast.parser import parse_sql_json  # the query parsed already (view_query.py)

    select = json.loads(parse_sql_json(query))["stmts"][0]["stmt"]["SelectStmt"]
    if select.get("op", "SETOP_NONE") != "SETOP_NONE":
        return "it combines queries (UNION, INTERSECT or EXCEPT)"
    if "valuesLists" in select:
        return "it reads no table (VALUES)"
    for clause, words in _CLAUSES.items():
        if clause in select:
            return f"it has {words}"
    sources = select.get("fromClause", [])
    if len(sources) != 1 or "RangeVar" not in sources[0]:
        return "it does not read exactly one table or view in FROM (a join, a subquery or a" \
               " function is not updatable)"
    source = sources[0]["RangeVar"]
    key = (source.get("schemaname", DEFAULT_SCHEMA), source["relname"])
    view = model.views.get(key)  # a plain view may be, by its triggers: PostgreSQL allows it
    if view is not None and view.materialized:
        return f"it reads materialized view '{key[1]}', which is not updatable"
    for target in select.get("targetList", []):
        function = target.get("ResTarget", {}).get("val", {}).get("FuncCall")
        if function is not None:
            reason = _function(function)
            if reason is not None:
                return reason
    return None


def _function(call: dict[str, Any]) -> str | None:
    name = call["funcname"][-1]["String"]["sval"]
    if "over" in call:
        return f"its select list has a window function ({name} … over)"
    if name in _AGGREGATES or call.get("agg_star") or call.get("agg_distinct"):
        return f"its select list has an aggregate ({name})"
    if name in _SET_RETURNING:
        return f"its select list has a set-returning function ({name})"
    return None


def refuse_check_option(ctx: Context, view: ViewModel, query: str, span: Span) -> None:
    """The error for a check option on `view` (of `query`) that PostgreSQL cannot keep."""
    if "check_option" not in view.options:
        return
    reason = not_updatable(query, ctx.model)
    if reason is not None:
        raise ctx.error("view-check-option", f"view '{view.name}' has a check option, which"
                        " PostgreSQL allows only on a view it can update by itself, and"
                        f" {reason}: leave out the check option (`alter view … reset"
                        " (check_option)` for one it keeps), or make the query updatable",
                        span)
