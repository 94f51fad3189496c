"""Every place the source makes a diagnostic, read with `ast`: which code each one passes,
so test_diagnostic_codes.py can check them all against the registry without running them.

A call makes a diagnostic when it is `error(…)` or `warning(…)` imported from
dsl/diagnostics.py, or, in dsl/ and compiler/, a method call named like one of the helpers
that forward a code to them (`self.fail`, `ctx.error`, `ctx.report`, `ctx.warn`). Helpers
are found, not listed: a function whose first parameter is `code` and that passes it on
to a maker. A code that is not a literal is a dynamic call site, which the test allows
only in those helpers and in the lint's dispatch.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from tests.dsl.diagnostic_codes_support import REPO_ROOT

MAKERS = {"error": "error", "warning": "warning"}  # dsl/diagnostics.py: name → severity
SOURCE_ROOTS = ("dsl", "compiler", "pgshift")  # pgshift/dsl, compiler, runner are symlinks
METHODS_IN = ("dsl", "compiler")  # where a method call named like a helper is one


@dataclass(frozen=True, slots=True)
class Site:
    path: str  # relative to the repository
    line: int
    function: str  # the enclosing function, "" at module level
    maker: str  # the function or method called
    code: str | None  # the literal code, None when dynamic
    written: str  # the code argument as written

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.maker}({self.written}, …)"


def source_files() -> list[Path]:
    files = []
    for root in SOURCE_ROOTS:
        for path in sorted((REPO_ROOT / root).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT)
            if not any((REPO_ROOT / Path(*relative.parts[:n])).is_symlink()
                       for n in range(1, len(relative.parts))):
                files.append(path)
    return files


def _relative(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


def _imported_makers(tree: ast.Module) -> dict[str, str]:
    """The makers a module imports from dsl/diagnostics.py: the name it uses → the maker."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("diagnostics"):
            names |= {alias.asname or alias.name: alias.name for alias in node.names
                      if alias.name in MAKERS}
    return names


def _code_argument(call: ast.Call) -> ast.expr | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "code"), None)


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: str, makers: dict[str, str], methods: set[str]) -> None:
        self.path, self.makers, self.methods = path, makers, methods
        self.function: list[str] = []
        self.sites: list[Site] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.function.append(node.name)
        self.generic_visit(node)
        self.function.pop()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        maker = None
        if isinstance(func, ast.Name) and func.id in self.makers:
            maker = self.makers[func.id]
        elif (isinstance(func, ast.Attribute) and func.attr in self.methods
              and self.path.startswith(METHODS_IN)):
            maker = func.attr
        argument = _code_argument(node) if maker else None
        if maker and argument is not None:
            literal = (argument.value if isinstance(argument, ast.Constant)
                       and isinstance(argument.value, str) else None)
            self.sites.append(Site(self.path, node.lineno, ".".join(self.function), maker,
                                   literal, ast.unparse(argument)))
        self.generic_visit(node)


def helpers() -> dict[str, str]:
    """Functions that forward their `code` parameter to a maker (or another helper), by
    name, with the severity they make: found to a fixed point, helpers of helpers too."""
    found = dict(MAKERS)
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in source_files()]
    while True:
        grown = dict(found)
        for tree in trees:
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef) or node.name in grown:
                    continue
                parameters = [a.arg for a in node.args.args if a.arg not in ("self", "cls")]
                if parameters[:1] != ["code"]:
                    continue
                for call in ast.walk(node):
                    if not isinstance(call, ast.Call):
                        continue
                    name = (call.func.id if isinstance(call.func, ast.Name) else
                            call.func.attr if isinstance(call.func, ast.Attribute) else None)
                    argument = _code_argument(call)
                    if (name in found and isinstance(argument, ast.Name)
                            and argument.id == "code"):
                        grown[node.name] = found[name]
        if grown == found:
            return found
        found = grown


def call_sites() -> list[Site]:
    methods = set(helpers()) - set(MAKERS) | {"error"}  # `ctx.error` shares the maker's name
    sites = []
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        visitor = _Visitor(_relative(path), _imported_makers(tree), methods)
        visitor.visit(tree)
        sites += visitor.sites
    return sites


# In compiler/: where the rules' checks are.
LINT_MODULES = tuple(sorted(path.name for path in (REPO_ROOT / "compiler").glob("lint*.py")))


def lint_yields() -> list[tuple[int, str]]:
    """The codes the lint's checks (compiler/lint.py, lint_design.py, …) yield with each
    finding: (line, code)."""
    found = []
    for name in LINT_MODULES:
        tree = ast.parse((REPO_ROOT / "compiler" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Yield) and isinstance(node.value, ast.Tuple)
                    and isinstance(first := node.value.elts[0], ast.Constant)
                    and isinstance(first.value, str)):
                found.append((node.lineno, first.value))
    return found


def compared_codes() -> list[tuple[str, int, str]]:
    """Literal codes the source compares a diagnostic's `.code` with: (path, line, code)."""
    found = []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            if not any(isinstance(s, ast.Attribute) and s.attr == "code" for s in sides):
                continue
            for side in sides:
                literals = side.elts if isinstance(side, ast.Tuple | ast.Set | ast.List) else [
                    side]
                found += [(_relative(path), node.lineno, c.value) for c in literals
                          if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return found


def unchecked_makers() -> list[str]:
    """Diagnostics made past error() and warning(), which check the code: a `Diagnostic(…)`
    outside dsl/diagnostics.py, or a code swapped in with `replace(…, code=…)`."""
    found = []
    for path in source_files():
        relative = _relative(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = (node.func.id if isinstance(node.func, ast.Name) else
                    node.func.attr if isinstance(node.func, ast.Attribute) else None)
            if (name == "Diagnostic" and relative != "dsl/diagnostics.py") or (
                    name == "replace" and any(k.arg == "code" for k in node.keywords)):
                found.append(f"{relative}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found
