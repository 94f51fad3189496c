"""How fast `pgshift up` builds an hnsw index, against psql with the server's defaults and
psql with settings tuned by hand as pgvector's documentation advises.

    python bench/index_bench.py [--rows 100000] [--dimensions 128] [--runs 3] [--json]

One embedded PostgreSQL 18 + pgvector serves the benchmark. A template database holds
`items` with --rows random vectors (applied as pgshift's 0.0.1, so it has its history)
and is copied for each build. Each run, in an order that rotates, times as whole processes:

  defaults   psql: CREATE INDEX … USING hnsw (embedding vector_cosine_ops), the server's
             settings (maintenance_work_mem 64MB, max_parallel_maintenance_workers 2)
  tuned      psql: the same after SET maintenance_work_mem = '1GB' and
             SET max_parallel_maintenance_workers = (CPUs - 1), pgvector's advice
  pgshift    `pgshift up` of the migration `index items_embedding on items using hnsw
             (embedding vector_cosine_ops)`, which sets both itself (runner/index_build.py)

Target: pgshift within 1.1x of tuned, well ahead of defaults. About 10 minutes at the
defaults on 2 CPUs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pgshift.runner.embedded import EmbeddedPostgres, bundled_bin_dir, with_database

CONTENDERS = ("defaults", "tuned", "pgshift")
INDEX = "CREATE INDEX items_embedding ON items USING hnsw (embedding vector_cosine_ops)"


def write_project(root: Path, dimensions: int) -> None:
    (root / "migrations").mkdir(parents=True)
    (root / "generated").mkdir()
    (root / "migrations" / "0.0.1_items.shift").write_text(
        "extension vector\n\ntable items {\n    id         bigint identity primary key\n"
        f"    embedding  vector({dimensions})\n}}\n")
    (root / "migrations" / "0.0.2_index.shift").write_text(
        "index items_embedding on items using hnsw (embedding vector_cosine_ops)\n")
    pgshift(root, "compile")


def pgshift(root: Path, *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pgshift", *args, "--project", str(root)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"pgshift {' '.join(args)} failed:\n{result.stderr}")
    return time.perf_counter() - started


def psql(url: str, script: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([str(bundled_bin_dir() / "psql"), "-X", "-q", "-v",
                             "ON_ERROR_STOP=1", "-d", url], input=script, text=True,
                            capture_output=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"psql failed:\n{result.stderr}")
    return time.perf_counter() - started


def copy_of(admin: str, template: str, name: str) -> str:
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)))
        connection.execute("CHECKPOINT")
    return with_database(admin, name)


def build(contender: str, root: Path, url: str) -> float:
    if contender == "defaults":
        return psql(url, f"{INDEX};\n")
    if contender == "tuned":
        workers = max((os.cpu_count() or 2) - 1, 0)
        return psql(url, "SET maintenance_work_mem = '1GB';\n"
                         f"SET max_parallel_maintenance_workers = {workers};\n{INDEX};\n")
    return pgshift(root, "up", "--database-url", url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dimensions", type=int, default=128)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    times: dict[str, list[float]] = {c: [] for c in CONTENDERS}
    with tempfile.TemporaryDirectory(prefix="pgshift-index-bench-") as temporary:
        home = Path(temporary)
        root = home / "project"
        write_project(root, args.dimensions)
        with EmbeddedPostgres(home / "data", delete_on_stop=True) as server:
            admin = server.url()
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute("CREATE DATABASE index_bench_template")
            template = with_database(admin, "index_bench_template")
            pgshift(root, "up", "--to", "0.0.1", "--database-url", template)
            with psycopg.connect(template, autocommit=True) as connection:
                connection.execute(
                    "INSERT INTO items (embedding) SELECT array_agg(random())::vector"
                    f"({args.dimensions}) FROM generate_series(1, %s) g GROUP BY g %% %s",
                    [args.rows * args.dimensions, args.rows])
                connection.execute("VACUUM ANALYZE items")
            for run in range(args.runs):
                order = CONTENDERS[run % 3:] + CONTENDERS[:run % 3]
                for contender in order:
                    url = copy_of(admin, "index_bench_template", "index_bench")
                    times[contender].append(build(contender, root, url))
                    if not args.json:
                        print(f"run {run + 1}: {contender} {times[contender][-1]:.1f} s",
                              file=sys.stderr, flush=True)
    medians = {c: statistics.median(t) for c, t in times.items()}
    result: dict[str, Any] = {
        "rows": args.rows, "dimensions": args.dimensions, "runs": times, "medians": medians,
        "pgshift_vs_tuned": medians["pgshift"] / medians["tuned"],
        "pgshift_vs_defaults": medians["pgshift"] / medians["defaults"],
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for contender in CONTENDERS:
        print(f"{contender:9} median {medians[contender]:6.1f} s  runs"
              f" {', '.join(f'{t:.1f}' for t in times[contender])}")
    print(f"pgshift / tuned {result['pgshift_vs_tuned']:.2f}x (target 1.1x);"
          f" pgshift / defaults {result['pgshift_vs_defaults']:.2f}x")


if __name__ == "__main__":
    main()
