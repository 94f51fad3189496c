"""Compile a synthetic 1,000-file history: speed against Lark alone, memory, incremental.

    .venv/bin/python bench/compile_bench.py [--files 1000] [--seed 1] [--repeat 3] [--json]

Measures, on the history bench/corpus.py generates (about 50,000 lines):
- Lark alone: the grammar's LALR parser building its plain tree for every file, in process;
- the whole compile, cold (no cache), in process: parse, fold, check, emit Up and Down,
  render generated/postgresql.py and generated/schema.sql; and the ratio of the two;
- the peak resident memory of `pgshift compile` run cold as its own process;
- adding a 1,001st migration to the compiled history and running `pgshift compile` again
  as a new process (cache warm), start-up included, and the same step in process.
Targets: compile within 1.5x of Lark alone, under 300 MB peak, the 1,001st under 0.5 s.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_history

from pgshift.compiler.codegen import render_module, render_schema_file
from pgshift.compiler.history import compile_history
from pgshift.dsl.parser import tree_parser

NEW_MIGRATION = """\
table benchmark_added {
    id         bigint identity primary key
    title      text not null
    embedding  vector(384)
    created_at timestamptz not null default now()
}
index benchmark_added_embedding on benchmark_added using hnsw (embedding vector_cosine_ops)
"""


def cpu_seconds(work: Callable[[], object]) -> float:
    gc.collect()
    started = time.process_time()
    work()
    return time.process_time() - started


def paired(a: Callable[[], object], b: Callable[[], object],
           repeat: int) -> tuple[float, float, float]:
    """A and B in turn after a warm-up each: their median CPU seconds and the median of the
    per-pair ratios A/B, which holds when the machine's speed drifts during the run."""
    a()
    b()
    times_a, times_b = [], []
    for _ in range(repeat):
        times_a.append(cpu_seconds(a))
        times_b.append(cpu_seconds(b))
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def run_compile(project: Path) -> tuple[float, float]:
    """`pgshift compile` as a new process: wall seconds and peak resident MiB."""
    command = [sys.executable, "-m", "pgshift", "compile", "--project", str(project)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"pgshift compile failed in {project}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pgshift-compile-bench-") as temporary:
        project = Path(temporary)
        migrations = project / "migrations"
        paths = write_history(migrations, args.files, args.seed)
        texts = [p.read_text(encoding="utf-8") for p in paths]
        lines = sum(t.count("\n") for t in texts)

        lark = tree_parser()

        def lark_alone() -> None:
            for text in texts:
                lark.parse(text)

        def cold_compile() -> None:
            history = compile_history(migrations, project)
            assert not history.errors, history.errors[:3]
            render_module(history, "migrations")
            render_schema_file(history)

        compile_time, lark_only, ratio = paired(cold_compile, lark_alone, args.repeat)

        cache = project / ".pgshift"
        shutil.rmtree(cache, ignore_errors=True)
        _, peak_mib = run_compile(project)  # cold: fills the cache for what follows

        saved = project / "saved"
        shutil.copytree(cache, saved / "cache")
        shutil.copytree(project / "generated", saved / "generated")
        added = migrations / f"0.0.{args.files + 1}_benchmark_added.shift"
        process_times, in_process_times = [], []
        for _ in range(args.repeat):
            for name in ("cache", "generated"):
                target = cache if name == "cache" else project / "generated"
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(saved / name, target)
            added.write_text(NEW_MIGRATION, encoding="utf-8")
            process_times.append(run_compile(project)[0])
            added.unlink()
            shutil.rmtree(cache)
            shutil.copytree(saved / "cache", cache)
            added.write_text(NEW_MIGRATION, encoding="utf-8")
            started = time.perf_counter()
            history = compile_history(migrations, project, cache / "cache" / "compile.pickle")
            render_module(history, "migrations")
            render_schema_file(history)
            in_process_times.append(time.perf_counter() - started)
            added.unlink()

    result = {
        "files": args.files,
        "lines": lines,
        "lark_only_s": round(lark_only, 3),
        "compile_s": round(compile_time, 3),
        "compile_lines_per_s": round(lines / compile_time),
        "lark_lines_per_s": round(lines / lark_only),
        "ratio_compile_to_lark": round(ratio, 2),
        "peak_rss_mib": round(peak_mib, 1),
        "incremental_process_s": round(statistics.median(process_times), 3),
        "incremental_in_process_s": round(statistics.median(in_process_times), 3),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"history: {args.files} files, {lines:,} lines (seed {args.seed})")
    print(f"Lark alone (tree, in process)     {lark_only:7.2f} s  {result['lark_lines_per_s']:>9,}"
          " lines/s")
    print(f"pgshift compile (cold, in process) {compile_time:6.2f} s  "
          f"{result['compile_lines_per_s']:>9,} lines/s   {result['ratio_compile_to_lark']}x"
          " Lark alone (target 1.5x)")
    print(f"peak memory, `pgshift compile`     {peak_mib:6.0f} MiB (target 300)")
    print(f"1,001st migration, new process     {result['incremental_process_s']:6.3f} s"
          " (target 0.5)")
    print(f"1,001st migration, in process      {result['incremental_in_process_s']:6.3f} s")


if __name__ == "__main__":
    main()
