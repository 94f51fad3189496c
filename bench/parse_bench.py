"""How fast pgshift parses a long migration history, against Lark on its own.

    .venv/bin/python bench/parse_bench.py [--files 1000] [--repeat 5] [--seed 1] [--json]

Builds the synthetic history of bench/corpus.py (1,000 files is about 50,000 lines), then
times three ways of parsing every file, each over the same texts:

  pgshift      `pgshift.dsl.parse_text`: text → typed AST with positions and checks
  lark         `pgshift.dsl.parser.tree_parser().parse`: Lark alone, text → parse tree
  lark-plain   a Lark built here from the same grammar file (lalr, contextual lexer, no
               propagate_positions, default options otherwise): the floor

Each is run once to warm up (parsers are built before any timing), then `--repeat` times,
the three taking turns so that load from elsewhere on the machine falls on all of them
alike; the median (and the best) pass is reported, as lines per second. Peak memory is
measured in a separate, untimed pass with tracemalloc, keeping every result (as a compiler
holding all the ASTs would); the process's maximum resident set size is reported at the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lark import Lark

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate_history

from pgshift.dsl import parse_text
from pgshift.dsl.parser import GRAMMAR, tree_parser

Corpus = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Result:
    name: str
    description: str
    runs: list[float]  # seconds per pass over the whole corpus
    median_seconds: float
    best_seconds: float
    lines_per_second: float  # at the median
    peak_mib: float


def plain_lark() -> Lark:
    return Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="contextual")


def run_all(parse: Callable[[str, str], Any], corpus: Corpus) -> list[Any]:
    return [parse(text, name) for name, text in corpus]


def one_pass(parse: Callable[[str, str], Any], corpus: Corpus) -> float:
    gc.collect()
    start = time.perf_counter()
    for name, text in corpus:
        parse(text, name)
    return time.perf_counter() - start


def peak_memory(parse: Callable[[str, str], Any], corpus: Corpus) -> float:
    """MiB allocated at the peak of one pass that keeps every result."""
    gc.collect()
    tracemalloc.start()
    kept = run_all(parse, corpus)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return peak / 2**20


def measure(corpus: Corpus, repeat: int) -> tuple[int, list[Result]]:
    lines = sum(text.count("\n") for _, text in corpus)
    lark_alone = tree_parser()
    floor = plain_lark()
    contenders: list[tuple[str, str, Callable[[str, str], Any]]] = [
        ("pgshift", "pgshift.dsl.parse_text (text -> AST)", parse_text),
        ("lark", "tree_parser().parse (text -> tree)", lambda text, _: lark_alone.parse(text)),
        ("lark-plain", "Lark(lalr, contextual), same grammar", lambda text, _: floor.parse(text)),
    ]
    for _, _, parse in contenders:
        run_all(parse, corpus)  # warm-up
    runs: dict[str, list[float]] = {name: [] for name, _, _ in contenders}
    for _ in range(repeat):
        for name, _, parse in contenders:
            runs[name].append(one_pass(parse, corpus))
    results = []
    for name, description, parse in contenders:
        median = statistics.median(runs[name])
        results.append(Result(name, description, runs[name], median, min(runs[name]),
                              lines / median, peak_memory(parse, corpus)))
    return lines, results


def max_rss_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


def main(argv: Sequence[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--files", type=int, default=1000, help="migrations (default 1000)")
    options.add_argument("--repeat", type=int, default=5, help="timed runs (default 5)")
    options.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    options.add_argument("--json", action="store_true", help="print one JSON object")
    args = options.parse_args(argv)

    start = time.perf_counter()
    corpus = generate_history(args.files, args.seed)
    generated = time.perf_counter() - start
    lines, results = measure(corpus, args.repeat)
    by_name = {r.name: r for r in results}
    ratio = by_name["pgshift"].median_seconds / by_name["lark"].median_seconds
    report = {
        "files": len(corpus),
        "lines": lines,
        "bytes": sum(len(text.encode("utf-8")) for _, text in corpus),
        "seed": args.seed,
        "repeat": args.repeat,
        "corpus_seconds": round(generated, 3),
        "results": [asdict(r) for r in results],
        "ratio_pgshift_to_lark": round(ratio, 3),
        "max_rss_mib": round(max_rss_mib(), 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"corpus: {report['files']} files, {lines:,} lines, {report['bytes'] / 2**20:.1f} MiB"
          f" (seed {args.seed}, built in {generated:.1f} s); median of {args.repeat} runs")
    print(f"{'':12} {'median s':>9} {'best s':>7} {'lines/s':>10} {'vs lark':>8}"
          f" {'peak MiB':>9}  what")
    for r in results:
        print(f"{r.name:12} {r.median_seconds:9.3f} {r.best_seconds:7.3f}"
              f" {r.lines_per_second:10,.0f}"
              f" {r.median_seconds / by_name['lark'].median_seconds:7.2f}x {r.peak_mib:9.1f}"
              f"  {r.description}")
    print(f"pgshift / Lark alone: {ratio:.2f}x; max RSS {report['max_rss_mib']} MiB;"
          f" Python {report['python']}")


if __name__ == "__main__":
    main()
