"""Rules for views and materialized views (mixed into transform.ToAst)."""

from __future__ import annotations

from typing import Any

from lark import Token

from . import ast
from .build_base import Builder, Meta, first_of, identifier, token_of, triple_value

# PostgreSQL's view options and the values each takes (a boolean's spellings are read as
# PostgreSQL reads them, and kept as `true` or `false`).
_BOOLEAN = {"true": "true", "on": "true", "yes": "true", "1": "true",
            "false": "false", "off": "false", "no": "false", "0": "false"}
_OPTIONS = {"security_invoker": _BOOLEAN, "security_barrier": _BOOLEAN,
            "check_option": {"local": "local", "cascaded": "cascaded"}}
_NAMES = "security_invoker, security_barrier and check_option"


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
        written: list[tuple[ast.ViewOption, Meta]] = first_of(items, list) or []
        check = token_of(items, "VIEW_CHECK")
        if check is not None:
            words = str(check).lower().split()
            level = words[1] if words[1] in ("local", "cascaded") else "cascaded"
            written = [*written, (("check_option", level), self.token_span(check))]
        if materialized and written:
            self.fail("view-option", "a materialized view takes no view options (they say how"
                      " a plain view's query runs): leave them out, or make it a plain view",
                      written[0][1])
        options = self._distinct(written)
        return ast.CreateView(name, query, materialized, with_data, meta, query_span,
                              options)

    def view_options(self, meta: Meta, items: list[Any]) -> list[tuple[ast.ViewOption, Meta]]:
        return items

    def view_option(self, meta: Meta, items: list[Any]) -> tuple[ast.ViewOption, Meta]:
        name = identifier(items[0])
        value = items[1] if len(items) > 1 and items[1] is not None else None
        values = _OPTIONS.get(name)
        if values is None:
            self.fail("view-option", f"'{name}' is not a view option: a view takes {_NAMES}",
                      self.token_span(items[0]))
            return (name, "true"), meta
        said = "true" if value is None else str(value).lower()
        if isinstance(value, Token) and value.type == "NAME":
            said = identifier(value)
        if said not in values:
            choices = "true or false" if values is _BOOLEAN else "local or cascaded"
            self.fail("view-option", f"{name} is {choices}, not '{said}'", meta)
            return (name, next(iter(values.values()))), meta
        return (name, values[said]), meta

    def alter_view(self, meta: Meta, items: list[Any]) -> ast.AlterView:
        name = first_of(items, ast.QualifiedName)
        change = items[-1]
        if change[0] == "set":
            return ast.AlterView(name, self._distinct(change[1]), (), meta)
        return ast.AlterView(name, (), change[1], meta)

    def view_set(self, meta: Meta, items: list[Any]) -> tuple[str, Any]:
        return ("set", items)

    def view_reset(self, meta: Meta, items: list[Token]) -> tuple[str, Any]:
        names: list[str] = []
        for token in items:
            name = identifier(token)
            if name not in _OPTIONS:
                self.fail("view-option", f"'{name}' is not a view option: a view has {_NAMES}",
                          self.token_span(token))
            elif name in names:
                self.fail("view-option", f"view option '{name}' is given twice",
                          self.token_span(token))
            names.append(name)
        return ("reset", tuple(names))

    def _distinct(self, written: list[tuple[ast.ViewOption, Meta]]
                  ) -> tuple[ast.ViewOption, ...]:
        """The options sorted by name, each once (one given twice is an error)."""
        options: dict[str, str] = {}
        for (name, value), where in written:
            if name in options:
                hint = (": `with … check option` is check_option too" if name == "check_option"
                        else "")
                self.fail("view-option", f"view option '{name}' is given twice{hint}", where)
            options[name] = value
        return tuple(sorted(options.items()))

    def drop_view(self, meta: Meta, items: list[Any]) -> ast.DropView:
        materialized = token_of(items, "MATERIALIZED") is not None
        return ast.DropView(first_of(items, ast.QualifiedName), materialized, meta)

    def refresh_view(self, meta: Meta, items: list[Any]) -> ast.RefreshView:
        concurrently = token_of(items, "CONCURRENTLY") is not None
        return ast.RefreshView(first_of(items, ast.QualifiedName), concurrently, meta)
