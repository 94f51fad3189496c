"""The cache keeps tables and indexes object by object, with their schema.sql text: a warm
compile prints that text for every object no new migration touched, so any way a migration
can change an object without looking it up would print stale SQL. These tests change
objects every indirect way the language has (renames followed by foreign keys and indexes,
enum values followed by defaults, cascades) and compare with a compile without the cache."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pgshift.compiler.model import ColumnModel, ColumnType, TableModel
from pgshift.compiler.stored_map import Stored, StoredMap
from tests.compiler.cache_support import Project, outcome
from tests.corpus_support import generate_history

BASE = [
    ("0.0.1_base.shift", """extension vector
enum mood ('happy', 'sad')
table authors {
    id    bigint identity primary key
    name  text not null
    mood  mood not null default 'happy'
}
table posts {
    id        bigint identity primary key
    author_id bigint not null references authors (id) on delete cascade
    parent_id bigint references posts (id)
    title     text not null
    embedding vector(3)
}
index posts_title on posts (title)
index posts_embedding on posts using hnsw (embedding vector_cosine_ops)
comment on column posts.title is 'shown in lists'
table bystander {
    id   bigint identity primary key
    note text
}
"""),
    ("0.0.2_more.shift", "table later {\n    id bigint identity primary key\n}\n"),
]

# Each one changes objects that it does not name, or names them only through another.
CHANGES = {
    "rename-referenced-table": "rename table authors to writers\n",
    "rename-self-referencing-table": "rename table posts to articles\n",
    "rename-referenced-column": "alter table authors {\n    rename column id to author_id\n}\n",
    "rename-indexed-column": "alter table posts {\n    rename column title to heading\n}\n",
    "rename-index": "rename index posts_title to posts_heading\n",
    "rename-enum-value": "alter enum mood rename value 'happy' to 'glad'\n",
    "drop-referenced-table": "drop table authors cascade\n",
    "drop-referenced-column": "alter table authors {\n    drop column id cascade\n}\n",
    "drop-indexed-column": "alter table posts {\n    drop column title\n}\n",
    "comment-on-index": "comment on index posts_title is 'for lookups'\n",
    "retype-column": "alter table bystander {\n    alter column note type varchar(40)\n}\n",
}


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("as_newest", [True, False], ids=["newest", "before-newest"])
def test_a_change_through_another_object_reaches_schema_sql(tmp_path: Path, change: str,
                                                            as_newest: bool) -> None:
    """The cache holds BASE's model; the change comes in the newest file, or in the one
    before it (folded into a model that was itself stored and loaded again)."""
    project = Project(tmp_path)
    project.write(BASE)
    project.compile()
    assert project.cache.is_file()
    added = [("0.0.3_change.shift", CHANGES[change])]
    if not as_newest:
        added.append(("0.0.4_after.shift", "table after {\n    id bigint primary key\n}\n"))
    project.write(added)
    warm = project.compile()
    assert warm.reused == len(BASE) - 1
    assert not warm.errors, warm.errors
    assert outcome(warm) == project.uncached()


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, str]]:
    return list(generate_history(240, 5))


def test_the_synthetic_history_compiles_alike_from_every_kind_of_cache(
        tmp_path: Path, corpus: list[tuple[str, str]]) -> None:
    """bench/corpus.py's history (renames, drops, retypes, foreign keys, hnsw indexes,
    enums, comments) compiled cold, then grown from caches written at several points, each
    compile continuing from the cache the one before it left: always what a compile
    without a cache gives."""
    project = Project(tmp_path)
    for count in (40, 41, 90, 170, 240):
        project.write(corpus[:count])
        warm = project.compile()
        assert not warm.errors, warm.errors[:3]
        assert count == 40 or warm.reused >= 39
        assert outcome(warm) == project.uncached(), count


def _table(name: str) -> TableModel:
    return TableModel("public", name, {"id": ColumnModel("id", ColumnType("bigint"))})


def _render(table: TableModel) -> tuple[str, ...]:
    return (f"rendered {table.name}",)


def test_a_stored_object_is_unpickled_on_lookup_once_and_in_place() -> None:
    tables: StoredMap[tuple[str, str], TableModel] = StoredMap()
    for name in ("a", "b", "c"):
        tables[("public", name)] = _table(name)
    loaded = pickle.loads(pickle.dumps(tables))
    assert list(loaded) == [("public", "a"), ("public", "b"), ("public", "c")]
    assert ("public", "b") in loaded
    assert len(loaded) == 3
    assert all(value.__class__ is Stored for value in loaded._entries.values())
    first = loaded[("public", "b")]
    assert first == _table("b")
    assert loaded[("public", "b")] is first
    assert loaded.get(("public", "b")) is first
    assert loaded.get(("public", "x")) is None
    assert list(loaded) == [("public", "a"), ("public", "b"), ("public", "c")]
    assert loaded == tables


def test_stored_pieces_serve_until_the_object_is_looked_up() -> None:
    tables: StoredMap[tuple[str, str], TableModel] = StoredMap()
    tables[("public", "a")] = _table("a")
    assert tables.pieces(("public", "a"), _render) == ("rendered a",)  # live: rendered
    tables.store(lambda t: ("as stored",))
    assert tables.pieces(("public", "a"), _render) == ("as stored",)
    loaded = pickle.loads(pickle.dumps(tables))
    assert loaded.pieces(("public", "a"), _render) == ("as stored",)
    loaded[("public", "a")].name = "changed"
    assert loaded.pieces(("public", "a"), _render) == ("rendered changed",)


def test_store_keeps_handing_out_the_same_object() -> None:
    tables: StoredMap[tuple[str, str], TableModel] = StoredMap()
    table = tables[("public", "a")] = _table("a")
    tables.store(_render)
    assert tables[("public", "a")] is table
    assert tables.pieces(("public", "a"), _render) == ("rendered a",)


def test_pickling_keeps_neither_live_objects_nor_unrendered_pieces() -> None:
    tables: StoredMap[tuple[str, str], TableModel] = StoredMap()
    tables[("public", "a")] = _table("a")
    tables.store(_render)
    tables[("public", "b")] = _table("b")  # added after the store: no pieces yet
    loaded = pickle.loads(pickle.dumps(tables))
    stored = loaded._entries
    assert stored[("public", "a")].live is None
    assert stored[("public", "a")].pieces == (
        "rendered a",)
    assert stored[("public", "b")].pieces is None
    assert loaded.pieces(("public", "b"), _render) == ("rendered b",)
    del loaded[("public", "a")]
    assert list(loaded) == [("public", "b")]
