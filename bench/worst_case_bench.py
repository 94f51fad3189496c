"""Parse time on the inputs that once made it grow faster than the input: linear or not.

    .venv/bin/python bench/worst_case_bench.py [--cases NAME,...] [--scale F] [--repeat N]
                                               [--json]

Each case is one generated file, parsed (or refused) by `pgshift.dsl.parse_text` in
process, at growing sizes; an error case must end in a positioned diagnostic. Reported per
case and size: the seconds (median of --repeat runs), and against the row above how much
the input grew and how much the time grew: linear time grows as the input does (a growth
ratio of time/size near 1), quadratic time grows as its square (a ratio near the size's).

  comments          N comment-only lines inside a table body (a lookahead past them)
  blank-comments    N lines alternating blank and comment lines inside a table body
  string            an unterminated '… of N bytes
  quoted-name       an unterminated "… (a quoted name) of N bytes
  triple            an unterminated \"\"\"… block of N bytes
  backtick          an unterminated `… expression of N bytes
  unclosed-brace    a table whose '{' is never closed, N comment lines before the error
  end-of-file       N blank lines, then a column's name, and the file ends
  many-errors       N columns both null and not null: N diagnostics, each rendered

--scale multiplies every size (0.1 for a quick look); the quoted-text cases end at 20 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from pgshift.dsl import DiagnosticError, Source, parse_text, render_all

MB = 1_000_000


def comment_lines(n: int) -> str:
    return "table t {\n    a integer\n" + "    -- a comment line\n" * n + "    b integer\n}\n"


def blank_and_comment_lines(n: int) -> str:
    return "table t {\n    a integer\n" + "\n    -- note\n" * (n // 2) + "    b integer\n}\n"


def unterminated_string(n: int) -> str:
    return "table t {\n    a text default '" + "x" * n + "\n}\n"


def unterminated_quoted_name(n: int) -> str:
    return 'table "' + "x" * n + "\n"


def unterminated_triple(n: int) -> str:
    return 'sql """' + "x" * n + "\n"


def unterminated_backtick(n: int) -> str:
    return "table t {\n    a integer check `" + "x" * n + "\n}\n"


def unclosed_brace(n: int) -> str:
    return "table t {\n    a integer\n" + "    -- a comment line\n" * n + "table u {}\n"


def end_of_file(n: int) -> str:
    return "table t {\n" + "    \n" * n + "    a"


def many_errors(n: int) -> str:
    return "table t {\n" + "".join(f"    c{i} text not null null\n" for i in range(n)) + "}\n"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[int], str]
    sizes: tuple[int, ...]
    unit: str  # what a size counts: lines, bytes, columns
    fails: bool  # an error case: must raise DiagnosticError with positioned diagnostics


CASES = (
    Case("comments", comment_lines, (5_000, 10_000, 50_000), "lines", fails=False),
    Case("blank-comments", blank_and_comment_lines, (5_000, 50_000), "lines", fails=False),
    Case("string", unterminated_string, (1 * MB, 5 * MB, 20 * MB), "bytes", fails=True),
    Case("quoted-name", unterminated_quoted_name, (1 * MB, 5 * MB, 20 * MB), "bytes",
         fails=True),
    Case("triple", unterminated_triple, (1 * MB, 5 * MB, 20 * MB), "bytes", fails=True),
    Case("backtick", unterminated_backtick, (1 * MB, 5 * MB, 20 * MB), "bytes", fails=True),
    Case("unclosed-brace", unclosed_brace, (5_000, 50_000), "lines", fails=True),
    Case("end-of-file", end_of_file, (100_000, 1_000_000), "lines", fails=True),
    Case("many-errors", many_errors, (1_000, 10_000), "columns", fails=True),
)


@dataclass(frozen=True)
class Row:
    case: str
    size: int
    unit: str
    megabytes: float
    seconds: float
    outcome: str  # "parsed", or the first diagnostic's code and position


def parse_once(case: Case, text: str) -> tuple[float, str]:
    """Seconds to parse `text` (and render every diagnostic), and what came of it."""
    started = time.perf_counter()
    try:
        parse_text(text, "bench.shift")
    except DiagnosticError as failure:
        render_all(failure.diagnostics, {"bench.shift": Source("bench.shift", text)})
        seconds = time.perf_counter() - started
        first = failure.diagnostics[0]
        if first.span is None:
            raise AssertionError(f"{case.name}: an error without a position: {first}") from None
        return seconds, f"{first.code} at {first.span.line}:{first.span.column}"
    if case.fails:
        raise AssertionError(f"{case.name}: parsed, where an error was expected")
    return time.perf_counter() - started, "parsed"


def warm_up() -> None:
    """Build the parser and Lark's (which explains a refused file) before any timing."""
    for text in ("table t { a integer }", "table t { a integer"):
        with contextlib.suppress(DiagnosticError):
            parse_text(text)


def measure(case: Case, scale: float, repeat: int) -> list[Row]:
    rows = []
    for size in case.sizes:
        scaled = max(int(size * scale), 1)
        text = case.make(scaled)
        runs = [parse_once(case, text) for _ in range(repeat)]
        seconds = statistics.median(s for s, _ in runs)
        rows.append(Row(case.name, scaled, case.unit, len(text.encode()) / MB, seconds,
                        runs[0][1]))
    return rows


def print_header() -> None:
    print(f"{'case':15} {'size':>16} {'MB':>6} {'seconds':>8} {'x size':>6} {'x time':>7}"
          f" {'time/size':>9}  outcome")


def print_rows(rows: Sequence[Row]) -> None:
    """One line per size; against the row above: the input's growth, the time's, and the
    time's per unit of input (near 1 when linear)."""
    previous: Row | None = None
    for row in rows:
        if previous is not None and previous.case == row.case:
            grew = row.size / previous.size
            slower = row.seconds / previous.seconds if previous.seconds else float("inf")
            ratios = f"{grew:6.1f} {slower:7.1f} {slower / grew:9.2f}"
        else:
            ratios = f"{'':6} {'':7} {'':9}"
        size = f"{row.size:,} {row.unit}"
        print(f"{row.case:15} {size:>16} {row.megabytes:6.2f} {row.seconds:8.3f} {ratios}"
              f"  {row.outcome}")
        previous = row


def main(argv: Sequence[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__,
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--cases", default=",".join(c.name for c in CASES),
                         help="comma-separated cases to run (default: all)")
    options.add_argument("--scale", type=float, default=1.0,
                         help="multiply every size by this (default 1)")
    options.add_argument("--repeat", type=int, default=1, help="runs per size (default 1)")
    options.add_argument("--json", action="store_true", help="print one JSON object")
    args = options.parse_args(argv)
    by_name = {c.name: c for c in CASES}
    unknown = [n for n in args.cases.split(",") if n not in by_name]
    if unknown:
        options.error(f"unknown case(s): {', '.join(unknown)}")
    warm_up()
    if not args.json:
        print_header()
    rows: list[Row] = []
    for name in args.cases.split(","):
        measured = measure(by_name[name], args.scale, args.repeat)
        rows += measured
        if not args.json:
            print_rows(measured)
    if args.json:
        print(json.dumps({"rows": [asdict(r) for r in rows], "repeat": args.repeat,
                          "python": platform.python_version()}, indent=2))


if __name__ == "__main__":
    main()
