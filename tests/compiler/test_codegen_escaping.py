"""Hostile values from migration sources never break out of generated/postgresql.py.

Each case is compiled with `compile_texts`, rendered with `render_module`, written to a
temporary directory and imported by path: every Migration in POSTGRESQL_MIGRATIONS must
carry exactly the compiled statements, the module must have exactly the shape of the
template (a docstring, one import, one annotated assignment: nothing injected), and ruff
(with the repo's own rules) and `mypy --strict` must find nothing in it. One case is then
applied to a real PostgreSQL to show the values reach the database unchanged.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from pgshift.compiler.codegen import render_module
from pgshift.compiler.history import History, compile_history, compile_texts
from pgshift.runner import Migration

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def q(name: str) -> str:
    """`name` as a quoted identifier in the pgshift language ("" for a double quote)."""
    return '"' + name.replace('"', '""') + '"'


def s(text: str) -> str:
    """`text` as a 'string' in the pgshift language ('' for a single quote)."""
    return "'" + text.replace("'", "''") + "'"


def in_literal(text: str) -> str:
    """`text` as it stands inside a literal pgshift writes: '' for a quote, and a backslash
    doubled, the literal then being E'…' (see quoting.quote_literal)."""
    return text.replace("'", "''").replace("\\", "\\\\")


# Names are at most 63 bytes (longer is a compile error); quoted names may hold any
# character the grammar lets through, newlines included.
NAMES = {
    "quotes": "it's \"quoted\"",
    "backslash": "back\\slash\\",
    "triple_double": '"""x"""',
    "triple_single": "'''y'''",
    "jinja": "{{ x }}{% if y %}{# z #}",
    "hash": "# not a comment",
    "newline": "new\nline\r\nand\ttab",
    "escapes": r"\n\t\x00\u0041\N{BULLET}\"",
    "unicode": "ŝëç 😀 שלום مرحبا",
    "percent": "%s %(name)s %%",
}

COMMENTS = {
    "quotes": "it's a \"quote\" and ''two''",
    "backslashes": "C:\\temp\\new\\ and a trailing \\",
    "triple_double": 'a """docstring""" inside',
    "triple_single": "a '''docstring''' inside",
    "jinja": "{{ x }} {% for y in z %}{% endfor %} {# c #}",
    "escape_like": r"\n \r \t \x41 \u0041 \U0001F600 \N{BULLET} \0 \\",
    "real_newlines": "line one\nline two\r\nline three\rline four",
    "unicode": "emoji 😀👩‍👩‍👧 RTL שלום مرحبا, e\u0301",  # short: wide lines are an xfail below
    "invisible": "bidi \u202eevil\u202c, zero width \u200b, line sep \u2028, bom \ufeff",
    "controls": "bell \x07 escape \x1b form feed \x0c vertical tab \x0b del \x7f",
    "percent": "%s %d %(name)s %% {} {0}",
    "long": ("word " * 60) + "x" * 300 + "\\" * 150 + "'" * 50,
}

SQL_UP = """
    CREATE FUNCTION hostile() RETURNS text LANGUAGE plpgsql AS $$
    BEGIN
        -- '''triple''' and \\backslash\\ and {{ jinja }} {% block %} %s %(x)s
        RETURN 'it''s ''''''' || E'\\\\' || '{{ y }}' || '%s' || $q$"'$q$;
    END $$;
    CREATE FUNCTION dollar() RETURNS text LANGUAGE sql AS $body$ SELECT '"'::text $body$;
"""
SQL_DOWN = """
    DROP FUNCTION dollar();
    DROP FUNCTION hostile(); -- ''' \\ {{ }} %s
"""


@dataclass(frozen=True)
class Case:
    files: list[tuple[str, str]]
    must_contain: tuple[str, ...]  # values that must survive into the compiled SQL


def _names_case() -> Case:
    lines = []
    for key, name in NAMES.items():
        lines.append(f"table {q(name)} {{\n    {q(name + '_c')} text\n}}")
        lines.append(f"index {q(name + '_i')} on {q(name)} ({q(name + '_c')})")
        lines.append(f"comment on column {q(name)}.{q(name + '_c')} is {s(key)}")
    return Case([("0.0.1_names.shift", "\n".join(lines) + "\n")],
                tuple(n.replace('"', '""') for n in NAMES.values()))


def _comments_case() -> Case:
    first = "table documents {\n    body text\n}\nindex documents_body on documents (body)\n"
    later = []
    for text in COMMENTS.values():
        later.append(f"comment on table documents is {s(text)}")
        later.append(f"comment on column documents.body is {s(text)}")
        later.append(f"comment on index documents_body is {s(text)}")
    # Down of each comment restores the previous one: hostile values in down_sql too.
    return Case([("0.0.1_table.shift", first),
                 ("0.0.2_comments.shift", "\n".join(later) + "\n")],
                tuple(in_literal(t) for t in COMMENTS.values()))


def _sql_case() -> Case:
    up = SQL_UP + "    SELECT '\\' AS trailing_backslash \\\n    SELECT 1\n"
    text = f'sql """{up}""" down """{SQL_DOWN}"""\n'
    return Case([("0.0.1_functions.shift", text)],
                ("'''triple'''", "\\backslash\\", "{{ jinja }}", "%(x)s", "$$", "$body$",
                 "\\\n", "''' \\ {{ }} %s"))


def _sql_line_endings_case() -> Case:
    text = ('irreversible\nsql """SELECT 1 -- crlf\r\n;SELECT 2 -- cr\r;SELECT 3\x0b;'
            'SELECT 4\x1c;SELECT 5\u2028;SELECT \'\\\'\r\n"""\n')
    return Case([("0.0.1_endings.shift", text)], ("\r\n", "\x0b", "\x1c", "\u2028"))


def _values_case() -> Case:
    labels = ["it's", '"""', "\\", "{{ x }}", "'''", "😀", "a\nb"]
    enum = "enum mood (" + ", ".join(s(label) for label in labels) + ")"
    table = (
        "table notes {\n"
        f"    body text default {s(chr(92) + 'n' + chr(10) + '{{ y }}' + chr(39) * 3)}\n"
        "    mood mood\n"
        "    note text check `note <> '\"\"\"' and note <> E'\\\\' and note !~ '{{ }}'`\n"
        "}\n"
    )
    return Case([("0.0.1_values.shift", enum + "\n" + table)],
                ("'it''s'", "'\"\"\"'", "E'\\\\'", "{{ x }}", "''''''", "😀", "'a\nb'"))


def _many_versions_case() -> Case:
    files = [(f"0.0.{n}_step_{n}.shift", f"table {q('t' + str(n) + chr(34) * 3)} {{ id int }}\n")
             for n in (1, 2, 9, 10, 11)]
    files += [("1.0_major.shift", "table \"'''\" { id int }\n"),
              ("20261123093000_stamp.shift", "table \"\\\\\" { id int }\n")]
    return Case(list(reversed(files)), ('"t10"""""""', "'''"))


def _externals_case() -> Case:
    """External declarations carry names into the module's `externals`, stand-ins and all;
    one of them referenced, so the names reach the compiled SQL too."""
    lines = []
    for key, name in NAMES.items():
        lines.append(f"external table {q(name)}.{q(name + '_t')} {{\n    {q(name)} text"
                     " primary key\n}")
        lines.append(f"external enum {q(name + '_s')}.{q(name)} ({s(key)}, {s(name)})")
        lines.append(f"external type {q(name + '_s')}.{q(name + '_type')}")
    lines.append(f"table refs {{\n    x text references {q(NAMES['jinja'])}."
                 f"{q(NAMES['jinja'] + '_t')}\n}}")
    return Case([("0.0.1_externals.shift", "\n".join(lines) + "\n")],
                (NAMES["jinja"] + "_t",))


CASES: dict[str, Case] = {
    "names": _names_case(),
    "externals": _externals_case(),
    "comments": _comments_case(),
    "sql_blocks": _sql_case(),
    "sql_line_endings": _sql_line_endings_case(),
    "values": _values_case(),
    "many_versions": _many_versions_case(),
}


def _compile(case: Case) -> History:
    history = compile_texts(case.files)
    assert [d.message for d in history.errors] == []
    return history


def _load(path: Path) -> ModuleType:
    name = f"pgshift_generated_{path.stem}_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _migrations(module: ModuleType) -> list[Migration]:
    migrations: Any = module.POSTGRESQL_MIGRATIONS
    assert isinstance(migrations, list)
    assert all(isinstance(m, Migration) for m in migrations)
    return migrations


def _assert_template_shape(text: str) -> None:
    """Nothing but the template's own statements: no value escaped into code."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an invalid escape sequence is a SyntaxWarning
        tree = ast.parse(text)
    kinds = [type(node) for node in tree.body]
    assert kinds == [ast.Expr, ast.ImportFrom, ast.AnnAssign]
    assert isinstance(tree.body[0], ast.Expr)
    assert isinstance(tree.body[0].value, ast.Constant)
    assert isinstance(tree.body[0].value.value, str)


@pytest.fixture(scope="module")
def generated_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every case rendered into one directory, one module per case."""
    directory = tmp_path_factory.mktemp("generated")
    for case_id, case in CASES.items():
        text = render_module(_compile(case), "migrations")
        (directory / f"hostile_{case_id}.py").write_text(text, encoding="utf-8")
    return directory


@pytest.mark.parametrize("case_id", list(CASES))
def test_compiled_sql_keeps_the_hostile_values(case_id: str) -> None:
    case = CASES[case_id]
    history = _compile(case)
    compiled = "\n".join(
        statement for m in history.migrations for statement in (*m.up, *(m.down or ())))
    for value in case.must_contain:
        assert value in compiled


@pytest.mark.parametrize("case_id", list(CASES))
def test_generated_module_carries_the_statements_exactly(case_id: str,
                                                         generated_dir: Path) -> None:
    history = _compile(CASES[case_id])
    path = generated_dir / f"hostile_{case_id}.py"
    _assert_template_shape(path.read_text(encoding="utf-8"))

    migrations = _migrations(_load(path))

    assert [m.version for m in migrations] == [m.version for m in history.migrations]
    assert [m.version_key for m in migrations] == sorted(m.version_key for m in migrations)
    for generated, compiled in zip(migrations, history.migrations, strict=True):
        assert generated.up_sql == compiled.up
        assert generated.down_sql == compiled.down
        assert generated.description == compiled.description
        assert generated.checksum == compiled.checksum
        assert generated.transactional == compiled.transactional
        assert generated.externals == compiled.externals


def test_generated_modules_are_ruff_and_mypy_clean(generated_dir: Path,
                                                   tmp_path: Path) -> None:
    files = sorted(str(p) for p in generated_dir.glob("hostile_*.py"))
    assert len(files) == len(CASES)
    _assert_lint_clean(files, tmp_path)


def _assert_lint_clean(files: Sequence[str], cache: Path) -> None:
    ruff = subprocess.run(
        [str(BIN / "ruff"), "check", "--no-cache", "--config", str(REPO_ROOT / "pyproject.toml"),
         *files],
        capture_output=True, text=True, check=False)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--config-file", "", "--cache-dir", str(cache / "mypy"),
         "--no-error-summary", *files],
        capture_output=True, text=True, check=False)
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_wide_characters_keep_generated_lines_within_the_limit(tmp_path: Path) -> None:
    text = " ".join(["😀😀😀😀 漢字漢字"] * 40)
    case = Case([("0.0.1_wide.shift", f"table t {{ id int }}\ncomment on table t is {s(text)}\n")],
                ())
    path = tmp_path / "hostile_wide.py"
    path.write_text(render_module(_compile(case), "migrations"), encoding="utf-8")
    assert _migrations(_load(path))[0].up_sql == _compile(case).migrations[0].up
    _assert_lint_clean([str(path)], tmp_path)


# ---------------------------------------------------------------- the header

@pytest.mark.parametrize("migrations_dir", ['db/m"""x', "db\\N", 'a"""\nimport os\n"""'])
def test_migrations_dir_cannot_break_the_docstring(migrations_dir: str) -> None:
    history = _compile(CASES["names"])
    _assert_template_shape(render_module(history, migrations_dir))


def test_source_paths_cannot_break_out_of_the_header_comments(tmp_path: Path) -> None:
    migrations = tmp_path / "db\nimport os"
    migrations.mkdir()
    (migrations / "0.0.1_first.shift").write_text("table t { id int }\n", encoding="utf-8")
    history = compile_history(migrations, tmp_path)
    assert [d.message for d in history.errors] == []
    _assert_template_shape(render_module(history, "db\\nimport os"))


# ---------------------------------------------------------------- NUL

NUL_SOURCES = {
    "comment": "table t { id int }\ncomment on table t is 'a\x00b'\n",
    "quoted_name": 'table "a\x00b" { id int }\n',
    "string_default": "table t { id text default 'a\x00b' }\n",
    "sql_block": 'table t { id int }\nsql """DELETE FROM t WHERE id = 1\x00 AND false"""'
                 ' down """SELECT 1"""\n',
}


@pytest.mark.parametrize("where", list(NUL_SOURCES))
def test_nul_character_is_a_compile_error(where: str) -> None:
    history = compile_texts([("0.0.1_nul.shift", NUL_SOURCES[where])])
    assert history.errors
    assert any("NUL" in d.message or "\\x00" in d.message or "0x00" in d.message
               for d in history.errors)


# ---------------------------------------------------------------- into PostgreSQL

ROUND_TRIP_TABLE = "it's \"quoted\" \\ '''{{ x }}'''"
ROUND_TRIP_COLUMN = 'col """ 😀 \n שלום'
ROUND_TRIP_COMMENT = COMMENTS["quotes"] + COMMENTS["backslashes"] + COMMENTS["triple_double"] + (
    COMMENTS["triple_single"] + COMMENTS["jinja"] + COMMENTS["escape_like"]
    + COMMENTS["real_newlines"] + COMMENTS["unicode"] + COMMENTS["percent"] + "$$ $x$")
ROUND_TRIP_FIRST_COMMENT = "first: \\ ' \" {{ }} %s 😀"


def test_hostile_values_round_trip_into_postgresql(database_url: str, tmp_path: Path) -> None:
    table, column = q(ROUND_TRIP_TABLE), q(ROUND_TRIP_COLUMN)
    case = Case([
        ("0.0.1_first.shift",
         f"table {table} {{\n    {column} text\n}}\n"
         f"comment on table {table} is {s(ROUND_TRIP_FIRST_COMMENT)}\n"),
        ("0.0.2_hostile.shift",
         f"comment on table {table} is {s(ROUND_TRIP_COMMENT)}\n"
         f"comment on column {table}.{column} is {s(ROUND_TRIP_COMMENT[::-1])}\n"
         f'sql """{SQL_UP}""" down """{SQL_DOWN}"""\n'),
    ], ())
    path = tmp_path / "hostile_round_trip.py"
    path.write_text(render_module(_compile(case), "migrations"), encoding="utf-8")
    first, second = _migrations(_load(path))

    with psycopg.connect(database_url, autocommit=True) as connection:
        first.up(connection)
        assert _comments(connection) == (ROUND_TRIP_FIRST_COMMENT, None)
        second.up(connection)
        assert _comments(connection) == (ROUND_TRIP_COMMENT, ROUND_TRIP_COMMENT[::-1])
        row = connection.execute("SELECT hostile(), dollar()").fetchone()
        assert row == ("it's '''\\{{ y }}%s\"'", '"')
        second.down(connection)
        assert _comments(connection) == (ROUND_TRIP_FIRST_COMMENT, None)
        first.down(connection)
        found = connection.execute(
            "SELECT count(*) FROM pg_class WHERE relname = %s", (ROUND_TRIP_TABLE,)).fetchone()
        assert found == (0,)


def _comments(connection: psycopg.Connection[Any]) -> tuple[str | None, str | None]:
    row = connection.execute(
        "SELECT obj_description(c.oid, 'pg_class'), col_description(c.oid, a.attnum)"
        " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
        " WHERE c.relname = %s AND a.attname = %s",
        (ROUND_TRIP_TABLE, ROUND_TRIP_COLUMN)).fetchone()
    assert row is not None
    return row[0], row[1]


def test_hostile_external_stand_ins_make_their_objects_once(database_url: str,
                                                            tmp_path: Path) -> None:
    """The stand-ins of hostile external names, as a scratch database runs them from the
    generated module: each object made, under its exact name, and made once only."""
    from pgshift.runner.externals import stand_in_up, with_stand_ins

    path = tmp_path / "hostile_externals.py"
    path.write_text(render_module(_compile(CASES["externals"]), "migrations"), encoding="utf-8")
    (migration,) = _migrations(_load(path))
    with psycopg.connect(database_url, autocommit=True) as connection:
        with connection.transaction():
            with_stand_ins(migration).up(connection)  # `refs` references one of them
        with connection.transaction():  # every object exists now: each stand-in does nothing
            for statement in stand_in_up((), migration.externals):
                connection.execute(statement.encode())
        for name in NAMES.values():
            found = connection.execute(
                "SELECT to_regclass(format('%%I.%%I', %s::text, %s::text)) IS NOT NULL,"
                " to_regtype(format('%%I.%%I', %s::text, %s::text)) IS NOT NULL,"
                " to_regtype(format('%%I.%%I', %s::text, %s::text)) IS NOT NULL",
                (name, name + "_t", name + "_s", name, name + "_s", name + "_type")).fetchone()
            assert found == (True, True, True), name
