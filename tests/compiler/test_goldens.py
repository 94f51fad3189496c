"""The compiler's exact output for every case in testdata/, pinned by golden files.

`testdata/NAME.shift` compiles without errors; its Up and derived Down must equal
`NAME.up.sql` and `NAME.down.sql`, and its warnings `NAME.err` (absent when there are
none). `testdata/errors/NAME.shift` must fail to compile with exactly `NAME.err`. How a
case file is split into migrations is described in shift_cases.py.

Regenerate with `pytest tests/compiler --update-goldens` (or PGSHIFT_UPDATE_GOLDENS=1)
and read the diff. The cases in KNOWN_WRONG keep a hand-written `.err` stating what the
compiler *should* report and are strict xfails until it does; regenerating never
overwrites them. When a fix lands, the xfail turns into a failure: check the output,
delete the entry and regenerate.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pgshift.dsl import Severity

if TYPE_CHECKING:
    import shift_cases as cases
else:  # pytest imports the test modules by their path from the repository root
    from tests.compiler import shift_cases as cases

CASES = [path.stem for path in cases.case_paths(cases.TESTDATA)]
ERROR_CASES = [path.stem for path in cases.case_paths(cases.ERRORS)]

# Error cases the compiler gets wrong (a missing check, a misleading message): their .err
# is written by hand with what should be printed.
KNOWN_WRONG: dict[str, str] = {
    # checks that are missing: PostgreSQL refuses the SQL at deploy time
    "hnsw_without_opclass": (
        "`using hnsw (embedding)` without an operator class compiles; pgvector has no default"
        " hnsw operator class, so PostgreSQL refuses the CREATE INDEX (42704)"
    ),
    "ivfflat_halfvec_without_opclass": (
        "`using ivfflat (preview)` on a halfvec column compiles; only vector has a default"
        " ivfflat operator class, so PostgreSQL refuses the CREATE INDEX (42704)"
    ),
    "vector_opclass_without_vector_method": (
        "`index … (embedding vector_cosine_ops)` without `using hnsw` compiles to a btree"
        " index with a pgvector operator class, which PostgreSQL refuses (42704)"
    ),
    "vector_index_dimension_after_alter_type": (
        "`alter column embedding type vector(3072)` compiles although an hnsw index is on"
        " the column: pgvector checks the limits only at `index`; PostgreSQL rebuilds the"
        " index and refuses it (54000 more than 2000 dimensions for hnsw index)"
    ),
    "vector_opclass_after_alter_type": (
        "`alter column embedding type halfvec(3)` compiles although its hnsw index uses"
        " vector_cosine_ops; PostgreSQL refuses it (42804 operator class does not accept"
        " data type halfvec)"
    ),
    "identifier_too_long_added_enum_value": (
        "`alter enum … add value` / `rename value … to` with a 64-byte label compiles (only"
        " `enum (…)` checks label length); PostgreSQL refuses it (42602)"
    ),
    "identifier_too_long_enum_value": (
        "a 64-byte enum label is reported as 'PostgreSQL … would silently truncate it', but"
        " PostgreSQL refuses enum labels over 63 bytes instead (invalid enum label, 42602)"
    ),
    "identifier_too_long_schema": (
        "`table <64-byte schema>.documents` compiles (only the object name's length is"
        " checked); PostgreSQL silently truncates the schema name and creates the table in"
        " the 63-byte schema"
    ),
    "citext_without_extension": (
        "a citext column compiles without `extension citext` (vector types do require their"
        " extension); PostgreSQL refuses the type (42704)"
    ),
    "drop_self_referenced_column": (
        "`drop column id` of a column referenced by a self-referencing foreign key compiles"
        " (references_to skips the table itself); PostgreSQL refuses it (2BP01)"
    ),
    "drop_self_referenced_constraint": (
        "`drop constraint nodes_pkey` needed by a self-referencing foreign key compiles"
        " without `cascade`; PostgreSQL refuses it (2BP01)"
    ),
    "drop_column_used_by_generated_column": (
        "`drop column title` compiles though generated column title_length is computed from"
        " it; PostgreSQL refuses it without CASCADE (2BP01)"
    ),
    "alter_type_of_generated_column_source": (
        "`alter column title type varchar(100)` compiles though a generated column uses"
        " title; PostgreSQL refuses it (0A000)"
    ),
    "set_default_on_identity_column": (
        "`alter column id set default 0` on an identity column compiles; PostgreSQL refuses"
        " it (42601 column is an identity column)"
    ),
    "alter_type_of_identity_column": (
        "`alter column id type text` on an identity column compiles (the identity type check"
        " runs only where the column is declared); PostgreSQL refuses it (22023)"
    ),
    "constraint_named_like_not_null_constraint": (
        "`add constraint documents_slug_not_null unique (slug)` compiles although PostgreSQL"
        " 18 already named the NOT NULL constraint of slug so (42710 already exists)"
    ),
    # confusing messages
    "hnsw_unique": (
        "a unique hnsw index gets two errors for one problem: 'only btree indexes can be"
        " unique, not hnsw' and 'a hnsw index cannot be unique'"
    ),
    "vector_opclass_sparsevec_ivfflat": (
        "`using ivfflat (keywords sparsevec_l2_ops)` says \"ivfflat does not support"
        " 'sparsevec_l2_ops': use one of hnsw instead\" (garbled: no ivfflat class fits)"
    ),
    "vector_index_on_array": (
        "an hnsw index on a `vector(3)[]` column says \"needs a vector … column; 'many' is"
        " vector\": it does not say the column is an array"
    ),
}

# Migrations that must be marked non-transactional; every other one must be transactional.
NON_TRANSACTIONAL: dict[str, set[str]] = {
    "design_sketch": {"0.0.2"},
    "index_concurrently": {"0.0.2", "0.0.3"},
}


def _check_golden(path: Path, actual: str, update: bool) -> None:
    if update:
        if actual:
            path.write_text(actual, encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
        return
    if not actual:
        assert not path.exists(), f"{path.name} exists, but the compiler printed nothing"
        return
    assert path.exists(), f"{path.name} is missing: run with --update-goldens"
    assert actual == path.read_text(encoding="utf-8")


def _error_param(name: str) -> object:
    if name in KNOWN_WRONG:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_WRONG[name]))
    return name


@pytest.mark.parametrize("name", CASES)
def test_case_compiles_to_its_goldens(name: str, update_goldens: bool) -> None:
    case = cases.load_case(cases.TESTDATA / f"{name}.shift")
    history = cases.compile_case(case)
    diagnostics = cases.rendered_diagnostics(history)
    assert not history.errors, diagnostics
    assert [m.version for m in history.migrations] == list(case.versions)
    _check_golden(case.golden(".up.sql"), cases.sql_golden(history, down=False), update_goldens)
    _check_golden(case.golden(".down.sql"), cases.sql_golden(history, down=True),
                  update_goldens)
    _check_golden(case.golden(".err"), diagnostics, update_goldens)


@pytest.mark.parametrize("name", CASES)
def test_case_transactional_flags(name: str) -> None:
    history = cases.compile_case(cases.load_case(cases.TESTDATA / f"{name}.shift"))
    outside = {m.version for m in history.migrations if not m.transactional}
    assert outside == NON_TRANSACTIONAL.get(name, set())


@pytest.mark.parametrize("name", CASES)
def test_case_compiles_deterministically(name: str) -> None:
    case = cases.load_case(cases.TESTDATA / f"{name}.shift")
    first, second = cases.compile_case(case), cases.compile_case(case)
    assert [(m.up, m.down, m.checksum) for m in first.migrations] == [
        (m.up, m.down, m.checksum) for m in second.migrations]


@pytest.mark.parametrize("name", [_error_param(name) for name in ERROR_CASES])
def test_error_case(name: str, update_goldens: bool) -> None:
    case = cases.load_case(cases.ERRORS / f"{name}.shift")
    history = cases.compile_case(case)
    diagnostics = cases.rendered_diagnostics(history)
    if name not in KNOWN_WRONG:
        _check_golden(case.golden(".err"), diagnostics, update_goldens)
    assert any(d.severity is Severity.ERROR for d in history.diagnostics), diagnostics
    assert diagnostics == case.golden(".err").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ERROR_CASES)
def test_error_case_points_at_its_source(name: str) -> None:
    """Every compile error names the file, line and column, and quotes the line."""
    case = cases.load_case(cases.ERRORS / f"{name}.shift")
    history = cases.compile_case(case)
    file_names = {file_name for file_name, _ in case.files}
    lines = case.path.read_text(encoding="utf-8").split("\n")
    for diagnostic in history.diagnostics:
        assert diagnostic.span is not None, diagnostic
        assert diagnostic.span.file in file_names
        assert 1 <= diagnostic.span.line <= len(lines)
        assert lines[diagnostic.span.line - 1].strip(), "the diagnostic points at a blank line"


@pytest.mark.parametrize("path", [*cases.case_paths(cases.TESTDATA),
                                  *cases.case_paths(cases.ERRORS)], ids=lambda p: p.stem)
def test_case_split_keeps_line_numbers(path: Path) -> None:
    """Each migration's text has the case file's lines, those of other migrations blanked."""
    case = cases.load_case(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    seen = [False] * len(lines)
    for _, text in case.files:
        own = text.split("\n")
        assert len(own) == len(lines)
        for number, line in enumerate(own):
            if line:
                assert line == lines[number]
                assert not seen[number], f"line {number + 1} is in two migrations"
                seen[number] = True
    markers = {n for n, line in enumerate(lines) if cases.MARKER.fullmatch(line)}
    assert all(seen[n] or not lines[n].strip() or n in markers or lines[n].startswith("--")
               for n in range(len(lines)))
