"""Rules for views and materialized views (mixed into transform.ToAst)."""

from __future__ import annotations

from typing import Any

from . import ast
from .build_base import Builder, Meta, first_of, token_of, triple_value


class ViewRules(Builder):
    def create_view(self, meta: Meta, items: list[Any]) -> ast.CreateView:
        materialized = token_of(items, "MATERIALIZED") is not None
        name = first_of(items, ast.QualifiedName)
        block = token_of(items, "TRIPLE_STRING")
        assert block is not None
        data = token_of(items, "VIEW_DATA")
        query_span = self.token_span(block)
        query = triple_value(block)
        if not query.strip():
            self.fail("empty-sql", "this view's query is empty",
                      query_span)
        with_data = data is None or "no" not in str(data).lower().split()
        if data is not None and not materialized:
            self.fail("view-data",
                      f"`{' '.join(str(data).lower().split())}` is for a materialized view:"
                      " a plain view holds no rows", self.token_span(data))
        return ast.CreateView(name, query, materialized, with_data, meta, query_span)

    def drop_view(self, meta: Meta, items: list[Any]) -> ast.DropView:
        materialized = token_of(items, "MATERIALIZED") is not None
        return ast.DropView(first_of(items, ast.QualifiedName), materialized, meta)

    def refresh_view(self, meta: Meta, items: list[Any]) -> ast.RefreshView:
        concurrently = token_of(items, "CONCURRENTLY") is not None
        return ast.RefreshView(first_of(items, ast.QualifiedName), concurrently, meta)
