"""A view's query read by PostgreSQL's own parser (pglast, libpg_query): which relations it
reads and which of their columns it names, so that a change under a view is refused at
compile time, naming the view, instead of failing halfway through `up`.

pglast is imported here only, and only when a migration has a view (docs/architecture.md
says why it was chosen). What is found is deliberately generous: an unqualified column is
counted for every relation the query reads that has a column of that name, so a change is
refused when PostgreSQL might refuse it, and never let through when it would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..dsl.source import Span
from .model import DEFAULT_SCHEMA, ColumnType, Key, SchemaModel


@dataclass
class QueryProblem:
    code: str
    message: str
    offset: int | None  # in characters from the start of the query, None: the whole query
    length: int = 1  # in characters


@dataclass
class ViewQuery:
    reads: dict[Key, set[str]] = field(default_factory=dict)
    problems: list[QueryProblem] = field(default_factory=list)
    # The columns the query returns, named as PostgreSQL names them where pgshift can tell
    # (an alias, a column, a function's name), each with the type of the table column it
    # is when it is one.
    columns: list[tuple[str, ColumnType | None]] = field(default_factory=list)


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (node type, node) pair in pglast's JSON tree, depth first."""
    if isinstance(node, dict):
        for kind, value in node.items():
            if isinstance(value, dict):
                yield kind, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _chars(query: str, location: int | None) -> int | None:
    """A byte offset from libpg_query as an offset in characters."""
    if location is None or location < 0:
        return None
    return len(query.encode()[:location].decode(errors="ignore"))


def read_query(query: str, model: SchemaModel) -> ViewQuery:
    """What `query` reads, against the model; problems (syntax, not a single SELECT, unknown
    relations or columns) in the result, each with where in the query it is."""
    from pglast.parser import ParseError, parse_sql_json  # only when a migration has a view

    found = ViewQuery()
    try:
        tree = json.loads(parse_sql_json(query))
    except ParseError as e:
        location = e.args[1] if len(e.args) > 1 else None
        found.problems.append(QueryProblem("view-query", f"this query does not parse:"
                                           f" {e.args[0]}", _chars(query, location)))
        return found
    statements = tree.get("stmts", [])
    if len(statements) != 1 or "SelectStmt" not in statements[0].get("stmt", {}):
        what = "several statements" if len(statements) > 1 else "no SELECT"
        found.problems.append(QueryProblem(
            "view-query", f"a view's query is one SELECT (or VALUES), and this is {what}",
            None))
        return found
    ctes = {n["ctename"] for kind, n in _walk(tree) if kind == "CommonTableExpr"}
    names: dict[tuple[str, ...], Key] = {}  # how the query may qualify a column → relation
    for kind, node in _walk(tree):
        if kind != "RangeVar":
            continue
        schema, relation = node.get("schemaname"), node["relname"]
        if schema is None and relation in ctes:
            continue
        key = (schema or DEFAULT_SCHEMA, relation)
        if key not in model.tables and key not in model.views:
            written = f"{schema}.{relation}" if schema else relation
            found.problems.append(QueryProblem(
                "unknown-table", f"unknown table or view '{written}': a view may read only"
                " what exists at this point of the migrations",
                _chars(query, node.get("location")), len(written)))
            continue
        found.reads.setdefault(key, set())
        alias = node.get("alias", {}).get("aliasname")
        if alias is not None:
            names[(alias,)] = key
        else:
            names[(relation,)] = key
            names[(key[0], relation)] = key
    for kind, node in _walk(tree):
        if kind == "ColumnRef":
            _column(found, node, names, model, query)
    select = statements[0]["stmt"]["SelectStmt"]
    while "larg" in select:  # UNION and the like: the first query names the columns
        select = select["larg"]
    for target in select.get("targetList", []):
        found.columns.append(_output(target.get("ResTarget", {}), names, model))
    return found


def _output(target: dict[str, Any], names: dict[tuple[str, ...], Key],
            model: SchemaModel) -> tuple[str, ColumnType | None]:
    """One column a query returns: its name (PostgreSQL's FigureColname, for the common
    cases) and, when it is a table's column, that column's type."""
    value = target.get("val", {})
    cast = "TypeCast" in value  # named after what it casts; of a type pgshift does not follow
    while "TypeCast" in value:
        value = value["TypeCast"].get("arg", {})
    kind_type: ColumnType | None = None
    name = target.get("name")
    if "ColumnRef" in value:
        fields = [f["String"]["sval"] for f in value["ColumnRef"]["fields"] if "String" in f]
        if fields:
            name = name or fields[-1]
            keys = [names[tuple(fields[:-1])]] if tuple(fields[:-1]) in names else (
                [] if len(fields) > 1 else list(dict.fromkeys(names.values())))
            for key in keys:
                table = model.tables.get(key)
                if table is not None and fields[-1] in table.columns:
                    kind_type = None if cast else table.columns[fields[-1]].type
                    break
    elif "FuncCall" in value:
        name = name or value["FuncCall"]["funcname"][-1]["String"]["sval"]
    return name or "?column?", kind_type


def _columns_of(model: SchemaModel, key: Key) -> set[str] | None:
    table = model.tables.get(key)
    return set(table.columns) if table is not None else None


def _column(found: ViewQuery, node: dict[str, Any], names: dict[tuple[str, ...], Key],
            model: SchemaModel, query: str) -> None:
    fields = [f["String"]["sval"] if "String" in f else "*" for f in node.get("fields", [])]
    if not fields:
        return
    *qualifier, column = fields
    if column == "*":
        found.problems.append(QueryProblem(
            "view-query", "name the columns instead of `*`: PostgreSQL expands it once, when"
            " the view is made, so a Down that makes the view again would also read the"
            " columns added since", _chars(query, node.get("location"))))
        return
    if not qualifier:
        for read, used in found.reads.items():
            columns = _columns_of(model, read)
            if columns is None or column in columns:
                used.add(column)
        return
    key = names.get(tuple(qualifier))
    if key is None:  # a subquery's or a CTE's alias, a composite value: not a relation read
        return
    columns = _columns_of(model, key)
    if columns is not None and column not in columns:
        found.problems.append(QueryProblem(
            "unknown-column", f"table '{key[1]}' has no column '{column}'",
            _chars(query, node.get("location")), len(".".join(fields))))
    else:
        found.reads[key].add(column)


_LINE_END = re.compile(r"\r\n|\r|\n")


def span_in(block: Span, query: str, offset: int | None, length: int = 1) -> Span:
    """Where `length` characters from `offset` of a query stand in the file, given the span
    of its \"\"\"…\"\"\" block (the whole block when offset is None)."""
    if offset is None:
        return block
    before = _LINE_END.split(query[:offset])
    line = block.line + len(before) - 1
    column = (block.column + 3 if len(before) == 1 else 1) + len(before[-1])
    return Span(block.file, line, column, line, column + length)
