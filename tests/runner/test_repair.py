"""runner/repair.assess on hand-made snapshots: what decides a dirty version's repair."""

from __future__ import annotations

from typing import Any

from pgshift.runner.repair import assess

Row = tuple[Any, ...]

COLUMN = ("public", "documents", "summary", "text", False, None, "", "", None, None)
INDEX = ("public", "documents_title", "CREATE INDEX documents_title ON …", None, True)
INVALID = (*INDEX[:4], False)
OTHER = ("public", "notes", "body", "text", False, None, "", "", None, None)


def snapshot(columns: tuple[Row, ...] = (),
             indexes: tuple[Row, ...] = ()) -> dict[str, list[Row]]:
    return {"columns": list(columns), "indexes": list(indexes)}


BEFORE = snapshot()
AFTER = snapshot((COLUMN,), (INDEX,))


def test_everything_as_the_migration_makes_it_is_applied() -> None:
    assessment = assess(BEFORE, AFTER, snapshot((COLUMN,), (INDEX,)))
    assert assessment.verdict == "applied"
    assert [o.state for o in assessment.objects] == ["applied", "applied"]


def test_nothing_of_it_is_not_applied() -> None:
    assert assess(BEFORE, AFTER, snapshot()).verdict == "not applied"


def test_an_invalid_index_it_built_goes_and_counts_as_absent() -> None:
    assessment = assess(BEFORE, AFTER, snapshot((), (INVALID,)))
    assert assessment.verdict == "not applied"
    assert assessment.invalid_indexes == [("public", "documents_title")]


def test_half_of_it_is_mixed() -> None:
    assessment = assess(BEFORE, AFTER, snapshot((COLUMN,), (INVALID,)))
    assert assessment.verdict == "mixed"
    assert [(o.name, o.state) for o in assessment.objects] == [
        ("public.documents.summary", "applied"), ("public.documents_title", "not applied")]


def test_an_object_defined_otherwise_is_different() -> None:
    retyped = (*COLUMN[:3], "integer", *COLUMN[4:])
    assessment = assess(BEFORE, AFTER, snapshot((retyped,), (INDEX,)))
    assert assessment.verdict == "mixed"
    assert assessment.objects[0].state == "different"
    assert "the database has integer" in assessment.objects[0].describe()


def test_drift_elsewhere_is_not_looked_at() -> None:
    assert assess(BEFORE, AFTER, snapshot((COLUMN, OTHER), (INDEX,))).verdict == "applied"


def test_a_migration_that_changes_no_object_cannot_be_told() -> None:
    assert assess(BEFORE, BEFORE, snapshot()).verdict == "mixed"
