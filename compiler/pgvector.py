"""pgvector's rules for hnsw and ivfflat indexes, checked at compile time (pgvector 0.8)."""

from __future__ import annotations

from dataclasses import dataclass

from ..dsl import ast
from .context import Context
from .model import ColumnModel
from .render import type_sql

VECTOR_METHODS = frozenset({"hnsw", "ivfflat"})

# Operator classes by the column type they index, and the methods that accept them.
OPCLASSES: dict[str, tuple[str, frozenset[str]]] = {
    **{f"vector_{op}_ops": ("vector", VECTOR_METHODS) for op in ("l2", "ip", "cosine")},
    "vector_l1_ops": ("vector", frozenset({"hnsw"})),
    **{f"halfvec_{op}_ops": ("halfvec", VECTOR_METHODS) for op in ("l2", "ip", "cosine")},
    "halfvec_l1_ops": ("halfvec", frozenset({"hnsw"})),
    **{f"sparsevec_{op}_ops": ("sparsevec", frozenset({"hnsw"}))
       for op in ("l2", "ip", "cosine", "l1")},
    "bit_hamming_ops": ("bit", VECTOR_METHODS),
    "bit_jaccard_ops": ("bit", frozenset({"hnsw"})),
}
DEFAULT_OPCLASS = {"vector": "vector_l2_ops", "halfvec": "halfvec_l2_ops",
                   "sparsevec": "sparsevec_l2_ops"}
# The most dimensions an hnsw or ivfflat index takes, by column type.
INDEX_DIMENSIONS = {"vector": 2_000, "halfvec": 4_000, "bit": 64_000}


@dataclass(frozen=True, slots=True)
class Range:
    low: int
    high: int


PARAMETERS: dict[str, dict[str, Range]] = {
    "hnsw": {"m": Range(2, 100), "ef_construction": Range(4, 1000)},
    "ivfflat": {"lists": Range(1, 32_768)},
}


def article(method: str) -> str:
    return f"an {method}" if method[0] in "aeiou" else f"a {method}"


def check_opclass_method(ctx: Context, s: ast.CreateIndex, method: str | None) -> None:
    """pgvector's operator classes exist only for hnsw and ivfflat."""
    if method in VECTOR_METHODS:
        return
    for element in s.elements:
        if element.opclass is not None and element.opclass.name in OPCLASSES:
            ctx.report("vector-opclass",
                       f"operator class '{element.opclass.name}' is for hnsw and ivfflat indexes,"
                       f" not {method or 'btree'}: add `using hnsw` or `using ivfflat`",
                       element.opclass.span)


def check_vector_index(ctx: Context, s: ast.CreateIndex, method: str,
                       columns: list[ColumnModel | None]) -> None:
    """Everything pgvector would refuse, reported with the position of what causes it."""
    if "vector" not in ctx.model.extensions:
        where = s.method.span if s.method else s.span
        ctx.report("extension-required", f"{article(method)} index needs pgvector: add"
                   " `extension vector` in this or an earlier migration", where)
    if s.unique:
        ctx.report("vector-index-unique", f"{article(method)} index cannot be unique", s.span)
    if len(s.elements) != 1:
        ctx.report("vector-index-columns", f"{article(method)} index covers exactly one column",
                   s.elements[-1].span)
        return
    element, column = s.elements[0], columns[0]
    if column is None:
        if element.expression is not None and element.opclass is None:
            ctx.report("vector-opclass", f"name the operator class of this {method} expression,"
                       " like `vector_cosine_ops`", element.span)
        return
    type_name = column.type.name
    if column.type.array_bounds:
        ctx.report("vector-index-type",
                   f"{article(method)} index needs a vector, halfvec, sparsevec or bit column;"
                   f" '{column.name}' is an array, {type_sql(column.type)}", element.span)
        return
    if type_name not in (*DEFAULT_OPCLASS, "bit"):
        ctx.report("vector-index-type",
                   f"{article(method)} index needs a vector, halfvec, sparsevec or bit column;"
                   f" '{column.name}' is {type_name}", element.span)
        return
    _check_opclass(ctx, element, method, type_name)
    _check_dimensions(ctx, element, method, column)
    _check_parameters(ctx, s, method)


def _check_opclass(ctx: Context, element: ast.IndexElement, method: str, type_name: str) -> None:
    fitting = sorted(o for o, (t, methods) in OPCLASSES.items()
                     if t == type_name and method in methods)
    if type_name == "sparsevec" and method == "ivfflat":
        ctx.report("vector-index-type", "ivfflat cannot index sparsevec columns: use hnsw",
                   element.span)
        return
    if element.opclass is None and (method, type_name) == ("ivfflat", "vector"):
        pass  # vector_l2_ops is ivfflat's default for vector columns
    elif element.opclass is None:
        column = element.column.value if element.column else "embedding"
        ctx.report("vector-opclass", f"{method} has no default operator class: name one, like"
                   f" `{column} {fitting[0]}`; for {type_name}: {', '.join(fitting)}",
                   element.span)
        return
    if element.opclass is None:
        return
    opclass = element.opclass.name
    known = OPCLASSES.get(opclass)
    if known is None:
        ctx.report("vector-opclass", f"unknown operator class '{opclass}' for {method}"
                   f"{ctx.hint(opclass, OPCLASSES)}; for {type_name}: {', '.join(fitting)}",
                   element.opclass.span)
    elif known[0] != type_name:
        ctx.report("vector-opclass", f"operator class '{opclass}' is for {known[0]} columns,"
                   f" this column is {type_name}: use one of {', '.join(fitting)}",
                   element.opclass.span)
    elif method not in known[1]:
        ctx.report("vector-opclass", f"{method} does not support '{opclass}': use one of"
                   f" {', '.join(fitting)}, or hnsw", element.opclass.span)


def _check_dimensions(ctx: Context, element: ast.IndexElement, method: str,
                      column: ColumnModel) -> None:
    type_name = column.type.name
    if not column.type.modifiers:
        ctx.report("vector-dimension",
                   f"column '{column.name}' is {type_name} without a dimension, so it cannot"
                   f" carry a {method} index: declare it as {type_name}(n)", element.span)
        return
    limit = INDEX_DIMENSIONS.get(type_name)
    dimensions = column.type.modifiers[0]
    if limit is not None and dimensions > limit:
        ctx.report("vector-dimension",
                   f"a {method} index takes {type_name} columns of at most {limit:,}"
                   f" dimensions; '{column.name}' has {dimensions:,}", element.span)


def _check_parameters(ctx: Context, s: ast.CreateIndex, method: str) -> None:
    allowed = PARAMETERS[method]
    values: dict[str, int] = {}
    for parameter in s.parameters:
        name = parameter.name.value
        if name not in allowed:
            ctx.report("index-parameter", f"{method} has no parameter '{name}'"
                       f"{ctx.hint(name, allowed)}; it takes {', '.join(allowed)}",
                       parameter.name.span)
            continue
        bounds = allowed[name]
        if parameter.value.kind != "number" or not parameter.value.value.lstrip("-").isdigit():
            ctx.report("index-parameter", f"{name} is a whole number", parameter.value.span)
            continue
        value = int(parameter.value.value)
        values[name] = value
        if not bounds.low <= value <= bounds.high:
            ctx.report("index-parameter", f"{name} must be between {bounds.low} and"
                       f" {bounds.high:,}, not {value:,}", parameter.value.span)
    m = values.get("m", 16)
    ef = values.get("ef_construction")
    if method == "hnsw" and ef is not None and ef < 2 * m:
        span = next(p.value.span for p in s.parameters if p.name.value == "ef_construction")
        ctx.report("index-parameter", f"ef_construction must be at least twice m ({2 * m}),"
                   f" not {ef}", span)


def graph_bytes_per_row(method: str | None, column: ColumnModel | None,
                        parameters: dict[str, str]) -> int | None:
    """About how much memory an hnsw graph takes per indexed row while it is built: the
    vector itself and the neighbour lists of its layers (2·m at the bottom, m above, about
    16 bytes each), plus the element's own bookkeeping. Measured against pgvector 0.8's
    "graph no longer fits" notice: 128 dimensions, m = 16, about 1,270 bytes per row.
    None for ivfflat (it keeps a sample, not a graph) and for sparsevec (its size is the
    non-zero elements', which the type does not say)."""
    if method != "hnsw" or column is None or not column.type.modifiers:
        return None
    dimensions = column.type.modifiers[0]
    size = {"vector": 4 * dimensions + 8, "halfvec": 2 * dimensions + 8,
            "bit": dimensions // 8 + 8}.get(column.type.name)
    if size is None:
        return None
    written = parameters.get("m", "16").strip("'")  # SQL text: 16, or '16' in quotes
    m = int(written) if written.isdigit() else 16
    return size + 36 * m + 200
