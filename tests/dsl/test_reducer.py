"""The AST parse through Lark's public API (dsl/reducer.py, dsl/parser.py): every rule has
its method, spans cover keywords, and no module reaches into Lark's or Python's privates."""

from __future__ import annotations

import ast as python_ast
from pathlib import Path

from pgshift.dsl import ast, parse_text
from pgshift.dsl.parser import tree_parser
from pgshift.dsl.reducer import dropped_tokens
from pgshift.dsl.transform import ToAst

PACKAGE = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = ("dsl", "compiler", "runner", "pgshift")


def test_every_rule_the_parser_reduces_has_a_method() -> None:
    rules = {str(rule.alias or rule.origin.name) for rule in tree_parser().rules}
    named = {rule for rule in rules if not rule.startswith("_")}
    missing = sorted(rule for rule in named if not callable(getattr(ToAst, rule, None)))
    assert not missing, f"rules without a method in dsl/build_*.py: {missing}"


def test_each_rule_drops_the_keywords_written_in_quotes_and_keeps_what_it_names() -> None:
    drops = dropped_tokens(tree_parser())
    assert {"TABLE", "LBRACE", "RBRACE"} <= drops["create_table"]
    assert "NULL" in drops["column"]  # `not null`, `null`: written in quotes there
    assert "NULL" not in drops["literal"]  # `literal: … | NULL` keeps it
    assert "NOT" not in drops["nulls_distinct"]
    assert "NAME" not in drops["create_table"]


def test_a_statements_span_starts_at_its_keyword() -> None:
    migration = parse_text("\n  extension vector\ntable t {\n  a integer\n}\n")
    extension, table = migration.statements
    assert isinstance(extension, ast.CreateExtension)
    assert extension.span[1:] == (2, 3, 2, 19)
    assert table.span[1:] == (3, 1, 5, 2)


def test_an_empty_optional_part_has_no_place_of_its_own() -> None:
    table = parse_text("table t { a integer }").statements[0]
    assert isinstance(table, ast.CreateTable)
    assert table.columns[0].span[1:] == (1, 11, 1, 20)


def _imports(path: Path) -> list[str]:
    tree = python_ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in python_ast.walk(tree):
        if isinstance(node, python_ast.ImportFrom) and node.module:
            found += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, python_ast.Import):
            found += [alias.name for alias in node.names]
    return found


def _is_private(name: str) -> bool:
    top, *rest = name.split(".")
    if top in ("_sre", "sre_compile", "sre_parse"):
        return True
    return top in ("lark", "re") and any(part.startswith("_") for part in rest)


def test_no_module_imports_a_private_name_of_lark_or_of_the_regex_engine() -> None:
    private = [f"{path.relative_to(PACKAGE)}: {name}"
               for folder in SOURCE_FOLDERS for path in sorted((PACKAGE / folder).glob("**/*.py"))
               for name in _imports(path) if _is_private(name)]
    assert not private


def test_the_private_import_check_bites() -> None:
    assert _is_private("lark.lexer._create_unless")
    assert _is_private("re._parser")
    assert _is_private("_sre")
    assert not _is_private("lark.exceptions.UnexpectedToken")
    assert not _is_private("__future__.annotations")
