"""generated/postgresql.py and generated/schema.sql, written from the compiled history.

Every value that comes from a source file reaches Python through `repr()`, which always
yields a complete string literal, so no identifier, comment or sql block can break out.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import jinja2

from .. import __version__
from ..runner.externals import External
from ..runner.index_build import IndexBuild
from ..runner.locks import Lock
from ..runner.migration import sql_script
from .compiled_migration import CompiledMigration
from .render import render_schema
from .statement import Statement

if TYPE_CHECKING:
    from .history import History

MAX_LINE = 99


def py(value: object) -> str:
    return repr(value)


def doc(value: str) -> str:
    """A path for the module docstring, or a stand-in when it could end or escape it."""
    if any(not ch.isprintable() or ch in '"\\' for ch in value):
        return "the migration"
    return value


def comment(value: str) -> str:
    """Text that stays inside one `#` comment line: no line breaks or control characters."""
    return "".join(ch if ch.isprintable() else "?" for ch in value)


def _columns(text: str) -> int:
    """How many columns a line takes in an editor (and in ruff): wide characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pieces(text: str, width: int) -> list[str]:
    """`text` cut into parts whose repr() fits `width` columns, at spaces where possible."""
    if _plain(text):
        return _plain_pieces(text, width)
    return _measured_pieces(text, width, _repr_width)


def _measured_pieces(text: str, width: int, measure: Callable[[str], int]) -> list[str]:
    """The cuts: words (each with the blank after it) fill a part while it fits; a word
    longer than a line is cut wherever the line is full."""
    if measure(text) <= width:
        return [text]
    pieces: list[str] = []
    current = ""
    for word in re.split(r"(?<=\s)", text):
        while measure(word) > width:  # one word longer than a line: cut it anywhere
            if current:
                pieces.append(current)
                current = ""
            cut = len(word)
            while measure(word[:cut]) > width:
                cut -= 1
            pieces.append(word[:cut])
            word = word[cut:]
        if current and measure(current + word) > width:
            pieces.append(current)
            current = ""
        current += word
    if current or not pieces:
        pieces.append(current)
    return pieces


def _plain_pieces(text: str, width: int) -> list[str]:
    """`_measured_pieces` for plain text, where a part's width is its length, its two quotes
    and one more for a final line break: the same cuts, found by arithmetic over the text's
    spaces (its only blanks but the final line break) instead of measuring every candidate
    (tests/compiler/test_codegen_pieces.py holds the two equal)."""
    end = len(text)
    if _plain_width(text) <= width:
        return [text]
    final_break = text.endswith("\n")
    pieces: list[str] = []
    start = position = 0  # the part being filled is text[start:position]
    while position < end:
        space = text.find(" ", position)
        word_end = end if space < 0 else space + 1
        last = final_break and word_end == end  # its repr ends in `\n`: one column more
        while word_end - position + 2 + last > width:
            # one word longer than a line: cut it anywhere, as full as the line allows (a
            # cut never takes the final break along, or the part would not fit)
            if position > start:
                pieces.append(text[start:position])
            cut = min(word_end - position - 1, width - 2) if last else width - 2
            pieces.append(text[position:position + cut])
            start = position = position + cut
        if position > start and word_end - start + 2 + last > width:
            pieces.append(text[start:position])
            start = position
        position = word_end
    if position > start or not pieces:
        pieces.append(text[start:position])
    return pieces


def _plain(text: str) -> bool:
    """ASCII whose repr(), and every part's, is the text in quotes with a final line break
    written as two characters: then a width is arithmetic, not a repr() of every candidate."""
    body = text.removesuffix("\n")
    return (body.isascii() and body.isprintable() and "\\" not in body
            and not ("'" in body and '"' in body))


def _plain_width(text: str) -> int:
    return len(text) + 2 + text.endswith("\n")


def _repr_width(text: str) -> int:
    return _columns(repr(text))


def statements(sql: Sequence[str] | None, indent: int) -> str:
    """A tuple literal of SQL statements, one source line per line of SQL."""
    if sql is None:
        return "None"
    pad = " " * (indent + 4)
    width = MAX_LINE - len(pad) - 4
    items = []
    for statement in sql:
        lines = statement.splitlines(keepends=True) or [""]
        parts = []
        for line in lines:
            if line.isascii() and len(line) < width - 8 and "\\" not in line:
                parts.append(line)  # fits for certain: repr adds quotes and \n at most
            else:
                parts.extend(_pieces(line, width))
        if len(parts) == 1 and len(pad) + _columns(repr(parts[0])) + 1 <= MAX_LINE:
            items.append(f"{pad}{parts[0]!r},")
        else:
            inner = "\n".join(f"{pad}    {p!r}" for p in parts)
            items.append(f"{pad}(\n{inner}\n{pad}),")
    if not items:
        return "()"
    return "(\n" + "\n".join(items) + "\n" + " " * indent + ")"


def plans(sql: Sequence[Statement] | None, indent: int) -> str:
    """A tuple literal of the statements' plans: their table locks, and whether each runs
    outside a transaction; one plan per line, its locks on lines of their own when long."""
    if not sql:
        return "()"
    pad = " " * (indent + 4)
    items = []
    for statement in sql:
        locks = [f"Lock({lock.schema!r}, {lock.table!r}, {lock.mode!r})"
                 for lock in statement.locks]
        concurrently = ", concurrently=True" if statement.concurrently else ""
        if statement.build is not None:
            concurrently += f", build={_build(statement.build)}"
        if not locks:
            line = f"StatementPlan({concurrently.removeprefix(', ')})"
        else:
            line = f"StatementPlan(locks=({', '.join(locks)},){concurrently})"
        if len(pad) + _columns(line) + 1 <= MAX_LINE:
            items.append(f"{pad}{line},")
            continue
        inner = "\n".join(_lock_lines(lock, statement.locks[number], pad + "    ")
                          for number, lock in enumerate(locks))
        items.append(f"{pad}StatementPlan(locks=(\n{inner}\n{pad}){concurrently}),")
    return "(\n" + "\n".join(items) + "\n" + " " * indent + ")"


def sizes(pairs: Sequence[tuple[int, int]], indent: int) -> str:
    """(Up statements, Down statements) per change, as a tuple literal wrapped to fit."""
    items = [f"({up}, {down})" for up, down in pairs]
    line = "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if indent + len("step_sizes=") + len(line) + 1 <= MAX_LINE:
        return line
    pad = " " * (indent + 4)
    rows, row = [], ""
    for item in items:
        if row and len(pad) + len(row) + len(item) + 2 > MAX_LINE:
            rows.append(row.rstrip())
            row = ""
        row += f"{item}, "
    rows.append(row.rstrip())
    return "(\n" + "\n".join(pad + r for r in rows) + "\n" + " " * indent + ")"


def externals(declared: Sequence[External], indent: int) -> str:
    """A tuple literal of a migration's external declarations, one per item: kind, schema,
    name and position on a line when they fit, then the stand-in's statements."""
    pad = " " * (indent + 4)
    items = []
    for external in declared:
        head = (f"{external.kind!r}, {external.schema!r}, {external.name!r},"
                f" {external.position},")
        if len(pad) + 4 + _columns(head) > MAX_LINE:
            head = "\n".join(f"{part}," for part in (repr(external.kind), repr(external.schema),
                                                    repr(external.name), str(external.position)))
        lines = "\n".join(f"{pad}    {line}" for line in head.split("\n"))
        items.append(f"{pad}External(\n{lines}\n{pad}    "
                     f"{statements(external.stand_in, indent + 8)},\n{pad}),")
    return "(\n" + "\n".join(items) + "\n" + " " * indent + ")"


def _build(build: IndexBuild) -> str:
    """`IndexBuild(1296)`, `IndexBuild(1296, '2GB', 4)`: the arguments up to the last given."""
    arguments = [build.tuple_bytes, build.memory, build.workers]
    while arguments and arguments[-1] is None:
        arguments.pop()
    return f"IndexBuild({', '.join(repr(a) for a in arguments)})"


def _lock_lines(line: str, lock: Lock, pad: str) -> str:
    """One lock on a line, or its three parts on lines of their own when names are long."""
    if len(pad) + _columns(line) + 1 <= MAX_LINE:
        return f"{pad}{line},"
    parts = "\n".join(f"{pad}    {part!r}," for part in (lock.schema, lock.table, lock.mode))
    return f"{pad}Lock(\n{parts}\n{pad}),"


@functools.cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pgshift.compiler", "templates"),
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["py"] = py
    environment.filters["comment"] = comment
    environment.filters["doc"] = doc
    environment.filters["statements"] = statements
    environment.filters["plans"] = plans
    environment.filters["sizes"] = sizes
    environment.filters["externals"] = externals
    return environment


def render_block(migration: CompiledMigration) -> str:
    """One migration's entry in the POSTGRESQL_MIGRATIONS list."""
    return _environment().get_template("migration.py.j2").render(m=migration)


def render_module(history: History, migrations_dir: str) -> str:
    blocks = [m.block or render_block(m) for m in history.migrations]
    statements = [s for m in history.migrations
                  for s in (*m.up_statements, *(m.down_statements or ()))]
    imports = [name for name, used in (
        ("External", any(m.externals for m in history.migrations)),
        ("IndexBuild", any(s.build is not None for s in statements)),
        ("Lock", any(s.locks for s in statements)),
        ("Migration", True), ("StatementPlan", True)) if used]
    template = _environment().get_template("postgresql.py.j2")
    return template.render(version=__version__, migrations_dir=migrations_dir,
                           sources_hash=history.sources_hash, migrations=history.migrations,
                           blocks=blocks, imports=imports)


def render_schema_file(history: History) -> str:
    header = (f"-- The whole schema after the last migration, written by pgshift {__version__}"
              " for review.\n-- DO NOT EDIT: regenerate with `pgshift compile`.\n")
    body = render_schema(history.model)
    return header + ("\n" + body if body else "")


def migration_sql(migration: CompiledMigration, down: bool = False) -> str:
    """A migration's statements as one SQL script, for `pgshift sql`."""
    chosen = migration.down if down else migration.up
    if chosen is None:
        return f"-- migration {migration.version} is irreversible: it has no Down\n"
    return sql_script(chosen) or "\n"


__all__ = ["migration_sql", "render_module", "render_schema_file"]
