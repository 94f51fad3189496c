"""An application's view: after `pgshift up`, the pgvector Python adapter just works.

The migration declares `extension vector`, a table with an `embedding vector(3)` column and
an hnsw index with `vector_cosine_ops`. The application registers pgvector's psycopg
adapter, writes numpy arrays, and reads them back nearest first by cosine distance (`<=>`),
the query the index is built for.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from pgvector.psycopg import register_vector

MIGRATION = """\
extension vector

table items {
    id         bigint identity primary key
    name       text not null unique
    embedding  vector(3) not null
}

index items_embedding_hnsw on items using hnsw (embedding vector_cosine_ops)
    with (m = 16, ef_construction = 64)
"""

ITEMS = {
    "east": [1.0, 0.0, 0.0],
    "east-north-east": [0.9, 0.3, 0.0],
    "north-east": [1.0, 1.0, 0.0],
    "north": [0.0, 2.0, 0.0],
    "up": [0.0, 0.0, 5.0],
    "west": [-3.0, 0.0, 0.0],
}


def as_array(value: Any) -> np.ndarray[Any, np.dtype[np.float32]]:
    """What the adapter loads as a numpy array (pgvector >= 0.4 loads `Vector`, earlier ndarray)."""
    array = value.to_numpy() if hasattr(value, "to_numpy") else value
    assert isinstance(array, np.ndarray), type(value)
    return array


def pgshift(*args: str, project: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "pgshift", *args, "--project", str(project),
         "--database-url", database_url],
        capture_output=True, text=True, check=False, env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_pgvector_adapter_after_pgshift_up(tmp_path: Path, database_url: str) -> None:
    project = tmp_path / "app"
    (project / "migrations").mkdir(parents=True)
    (project / "migrations" / "0.0.1_items.shift").write_text(MIGRATION, encoding="utf-8")
    compiled = subprocess.run([sys.executable, "-m", "pgshift", "compile", "--project",
                               str(project)], capture_output=True, text=True, check=False)
    assert compiled.returncode == 0, compiled.stderr
    assert "0.0.1" in pgshift("up", project=project, database_url=database_url).stdout

    with psycopg.connect(database_url) as connection:
        register_vector(connection)
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO items (name, embedding) VALUES (%s, %s)",
                               [(name, np.array(v, dtype=np.float32))
                                for name, v in ITEMS.items()])
        connection.commit()

        stored = {name: as_array(value) for name, value in connection.execute(
            "SELECT name, embedding FROM items").fetchall()}
        assert set(stored) == set(ITEMS)
        for name, vector in stored.items():
            assert vector.dtype == np.float32
            np.testing.assert_array_equal(vector, np.array(ITEMS[name], dtype=np.float32))

        query = np.array([1.0, 0.1, 0.0], dtype=np.float32)
        rows = connection.execute(
            "SELECT name, embedding <=> %s AS distance FROM items ORDER BY embedding <=> %s",
            [query, query]).fetchall()
        assert [name for name, _ in rows] == [
            "east", "east-north-east", "north-east", "north", "up", "west"]
        distances = [float(d) for _, d in rows]
        assert distances == sorted(distances)
        assert distances[-1] > 1.9  # "west" points the other way: cosine distance near 2

        # The hnsw index the migration built serves the same query.
        connection.execute("SET enable_seqscan = off")
        plan = "\n".join(str(row[0]) for row in connection.execute(
            "EXPLAIN SELECT name FROM items ORDER BY embedding <=> %s LIMIT 3",
            [query]).fetchall())
        assert "items_embedding_hnsw" in plan
        nearest = [row[0] for row in connection.execute(
            "SELECT name FROM items ORDER BY embedding <=> %s LIMIT 3", [query]).fetchall()]
        assert nearest == ["east", "east-north-east", "north-east"]
