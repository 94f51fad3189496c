"""How fast `pgshift up` applies a long history, against the floor of piping the same SQL to psql.

    python bench/apply_bench.py [--migrations 200] [--runs 5] [--json] [--no-dbmate]

A throwaway project gets N tiny migrations (each a table with a `vector(3)` column and an
hnsw index on it) and is compiled once. One embedded PostgreSQL 18 + pgvector (the one
pgshift itself uses, in a temporary directory) serves the whole benchmark and is stopped
at the end. Each run, on a fresh database per tool, in an order that rotates run by run:

  pgshift  `pgshift up --database-url URL` as a new process: interpreter start-up, the
           migration lock, the history table and a history row per migration included
  psql     the floor: the same statements as N `BEGIN; …; COMMIT;` blocks piped to one
           session of the embedded server's own psql
  dbmate   the same statements as N dbmate migration files (`dbmate migrate`), when
           `npm install dbmate` works here; skipped with a note otherwise

and, on an up-to-date database, `pgshift status --database-url URL`. Medians over the
runs; targets: pgshift within 1.2x of the psql floor, status under 250 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench_databases import count_tables, create_database, drop_database, server_versions
from psycopg.conninfo import conninfo_to_dict

from pgshift.runner.embedded import EmbeddedPostgres, bundled_bin_dir
from pgshift.runner.loader import load_generated
from pgshift.runner.migration import Migration

APPLY_TARGET = 1.2  # pgshift up / psql floor
STATUS_TARGET_MS = 250.0
TOOLS = ("pgshift", "psql", "dbmate")


# ------------------------------------------------------------------ the project


def migration_text(number: int) -> str:
    head = "extension vector\n\n" if number == 1 else ""
    return (f"{head}table items_{number} {{\n"
            "    id         bigint identity primary key\n"
            "    embedding  vector(3)\n"
            "}\n\n"
            f"index items_{number}_embedding on items_{number} using hnsw"
            " (embedding vector_cosine_ops)\n")


def write_project(root: Path, count: int) -> None:
    migrations = root / "migrations"
    migrations.mkdir(parents=True)
    (root / "generated").mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.pgshift]\nmigrations = "migrations"\ngenerated = "generated"\n', encoding="utf-8")
    for number in range(1, count + 1):
        (migrations / f"0.0.{number}_items_{number}.shift").write_text(
            migration_text(number), encoding="utf-8")


def pgshift_command() -> list[str]:
    """The console script a user runs, next to this interpreter; else `python -m pgshift`."""
    script = Path(sys.executable).parent / "pgshift"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pgshift"]


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PGPASSWORD")}


def run(command: Sequence[str], *, stdin: str | None = None) -> float:
    """Run a command to completion; its wall-clock seconds. A failure stops the benchmark."""
    started = time.perf_counter()
    result = subprocess.run(list(command), input=stdin, capture_output=True, text=True,
                            check=False, env=environment())
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"benchmark command failed ({result.returncode}): {' '.join(command)}\n"
                         f"{result.stdout}{result.stderr}")
    return elapsed


def psql_script(migrations: Sequence[Migration]) -> str:
    blocks = []
    for migration in migrations:
        body = "".join(f"{statement.rstrip().rstrip(';')};\n" for statement in migration.up_sql)
        blocks.append(f"BEGIN;\n{body}COMMIT;\n")
    return "".join(blocks)


def write_dbmate_migrations(directory: Path, migrations: Sequence[Migration]) -> None:
    directory.mkdir(parents=True)
    width = len(str(len(migrations)))
    for number, migration in enumerate(migrations, 1):
        up = "".join(f"{s.rstrip().rstrip(';')};\n" for s in migration.up_sql)
        down = "".join(f"{s.rstrip().rstrip(';')};\n" for s in migration.down_sql or ())
        name = f"{number:0{width}d}_{migration.description.replace(' ', '_')}.sql"
        (directory / name).write_text(f"-- migrate:up\n{up}\n-- migrate:down\n{down}",
                                      encoding="utf-8")


def install_dbmate(directory: Path) -> tuple[Path | None, str]:
    """dbmate's native binary from `npm install dbmate`, or None and why not."""
    npm = shutil.which("npm")
    if npm is None:
        return None, "dbmate skipped: npm is not installed"
    directory.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error",
                             "--prefix", str(directory), "dbmate"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"dbmate skipped: npm install dbmate failed: {last}"
    # The npm package's bin is a node wrapper that spawns this binary; time the binary.
    for native in sorted((directory / "node_modules" / "@dbmate").glob("*/bin/dbmate")):
        if os.access(native, os.X_OK):
            return native, f"dbmate: {native.relative_to(directory)} (native binary)"
    wrapper = directory / "node_modules" / ".bin" / "dbmate"
    if wrapper.exists():
        return wrapper, "dbmate: node wrapper (no native binary found)"
    return None, "dbmate skipped: npm installed dbmate but no executable was found"


def dbmate_url(url: str) -> str:
    """A libpq URL as dbmate writes it: a socket directory goes in `socket=`."""
    parts = conninfo_to_dict(url)
    user = quote(str(parts.get("user") or "postgres"), safe="")
    password = parts.get("password")
    auth = f"{user}:{quote(str(password), safe='')}@" if password else f"{user}@"
    host = str(parts.get("host") or "localhost")
    port = str(parts.get("port") or "5432")
    database = quote(str(parts["dbname"]), safe="")
    if host.startswith("/"):
        return f"postgres://{auth}/{database}?socket={quote(host, safe='/')}&sslmode=disable"
    return f"postgres://{auth}{host}:{port}/{database}?sslmode=disable"


# ------------------------------------------------------------------ the benchmark


@dataclass
class Bench:
    project: Path
    admin_url: str
    psql: Path
    script: Path
    dbmate: Path | None
    dbmate_dir: Path
    count: int
    times: dict[str, list[float]] = field(default_factory=lambda: {t: [] for t in TOOLS})

    def command(self, tool: str, url: str) -> tuple[list[str], str | None]:
        if tool == "pgshift":
            return [*pgshift_command(), "up", "--project", str(self.project),
                    "--database-url", url], None
        if tool == "psql":
            return [str(self.psql), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url,
                    "-f", str(self.script)], None
        assert self.dbmate is not None
        return [str(self.dbmate), "--no-dump-schema", "--migrations-dir", str(self.dbmate_dir),
                "--url", dbmate_url(url), "migrate"], None

    def once(self, tool: str, label: str) -> float:
        name = f"bench_{tool}_{label}"
        url = create_database(self.admin_url, name)
        try:
            command, stdin = self.command(tool, url)
            elapsed = run(command, stdin=stdin)
            tables = count_tables(url)
            if tables != self.count:
                raise SystemExit(f"{tool} created {tables} tables, not {self.count}")
        finally:
            drop_database(self.admin_url, name)
        return elapsed

    def tools(self) -> list[str]:
        return [t for t in TOOLS if t != "dbmate" or self.dbmate is not None]


def median_ms(values: Sequence[float]) -> float:
    return statistics.median(values) * 1000


def measure_status(bench: Bench, runs: int) -> tuple[list[float], list[float]]:
    """`pgshift status` on an up-to-date database, alternating with the bare start-up cost
    (the interpreter plus the imports of a database command) for context."""
    url = create_database(bench.admin_url, "bench_status")
    status = [*pgshift_command(), "status", "--project", str(bench.project),
              "--database-url", url]
    startup = [sys.executable, "-c", "import pgshift.cli, pgshift.commands.database"]
    try:
        run([*pgshift_command(), "up", "--project", str(bench.project), "--database-url", url])
        run(status)  # warm-up
        run(startup)
        pairs = [(run(status), run(startup)) for _ in range(runs)]
    finally:
        drop_database(bench.admin_url, "bench_status")
    return [p[0] for p in pairs], [p[1] for p in pairs]


def benchmark(count: int, runs: int, warmup: int, use_dbmate: bool,
              progress: bool) -> dict[str, Any]:
    notes: list[str] = []
    load_before = os.getloadavg()[0]

    def say(message: str) -> None:
        if progress:
            print(message, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="pgshift-apply-bench-") as temporary:
        base = Path(temporary)
        project = base / "project"
        write_project(project, count)
        say(f"compiling {count} migrations …")
        started = time.perf_counter()
        run([*pgshift_command(), "compile", "--project", str(project)])
        compile_s = time.perf_counter() - started
        migrations = load_generated(project / "generated" / "postgresql.py").migrations
        assert len(migrations) == count, len(migrations)
        script = base / "floor.sql"
        script.write_text(psql_script(migrations), encoding="utf-8")
        dbmate_dir = base / "dbmate-migrations"
        write_dbmate_migrations(dbmate_dir, migrations)
        dbmate: Path | None = None
        if use_dbmate:
            say("npm install dbmate …")
            dbmate, note = install_dbmate(base / "npm")
            notes.append(note)
        else:
            notes.append("dbmate skipped: --no-dbmate")

        server = EmbeddedPostgres(base / "postgres", delete_on_stop=True)
        say("starting the embedded PostgreSQL …")
        try:
            admin_url = server.start()
            versions = server_versions(admin_url)
            bench = Bench(project, admin_url, bundled_bin_dir() / "psql", script, dbmate,
                          dbmate_dir, count)
            tools = bench.tools()
            for round_ in range(warmup):
                for tool in tools:
                    say(f"warm-up {round_ + 1}: {tool}")
                    bench.once(tool, f"warmup{round_}")
            for number in range(runs):
                order = tools[number % len(tools):] + tools[:number % len(tools)]
                for tool in order:
                    elapsed = bench.once(tool, str(number))
                    bench.times[tool].append(elapsed)
                    say(f"run {number + 1}/{runs}: {tool:8s} {elapsed * 1000:8.0f} ms")
            say("pgshift status …")
            status, startup = measure_status(bench, runs)
        finally:
            server.stop()

    floor = statistics.median(bench.times["psql"])
    results: dict[str, Any] = {}
    for tool in tools:
        values = bench.times[tool]
        results[tool] = {
            "runs_ms": [round(v * 1000, 1) for v in values],
            "median_ms": round(median_ms(values), 1),
            "per_migration_ms": round(median_ms(values) / count, 2),
            "ratio_to_psql": round(statistics.median(values) / floor, 2),
            # Each run measures every tool back to back: the median of the per-run ratios is
            # less sensitive to load that drifts between runs than the ratio of medians.
            "paired_ratio_to_psql": round(statistics.median(
                v / p for v, p in zip(values, bench.times["psql"], strict=True)), 2),
        }
    pgshift_ratio = results["pgshift"]["ratio_to_psql"]
    status_ms = round(median_ms(status), 1)
    return {
        "benchmark": "apply",
        "migrations": count,
        "runs": runs,
        "warmup_rounds": warmup,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform(), **versions,
                    "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]},
        "compile_ms": round(compile_s * 1000, 1),
        "results": results,
        "ratios": {f"{tool}/psql": results[tool]["ratio_to_psql"] for tool in tools
                   if tool != "psql"},
        "status": {"runs_ms": [round(v * 1000, 1) for v in status], "median_ms": status_ms},
        "startup": {"what": "python -c 'import pgshift.cli, pgshift.commands.database'",
                    "median_ms": round(median_ms(startup), 1)},
        "targets": {
            "pgshift/psql": {"target": APPLY_TARGET, "measured": pgshift_ratio,
                             "paired": results["pgshift"]["paired_ratio_to_psql"],
                             "met": pgshift_ratio <= APPLY_TARGET},
            "status_ms": {"target": STATUS_TARGET_MS, "measured": status_ms,
                          "met": status_ms < STATUS_TARGET_MS},
        },
        "notes": notes,
    }


def render(report: dict[str, Any]) -> str:
    count = report["migrations"]
    machine = report["machine"]
    lines = [
        f"pgshift apply benchmark: {count} migrations (table + vector(3) column + hnsw index"
        f" each), median of {report['runs']} runs, fresh database per run",
        f"PostgreSQL {machine['postgresql']}, pgvector {machine['pgvector']} (embedded),"
        f" Python {machine['python']}, {machine['cpus']} CPUs, load average"
        f" {machine['load_average_1min'][0]:.1f} before / {machine['load_average_1min'][1]:.1f}"
        f" after; compile took {report['compile_ms'] / 1000:.2f} s",
        "",
        f"  {'tool':<10}{'median':>10}{'per migration':>16}{'vs psql':>10}{'paired':>9}"
        "   runs (ms)",
    ]
    for tool, result in report["results"].items():
        runs = ", ".join(f"{v:.0f}" for v in result["runs_ms"])
        lines.append(f"  {tool:<10}{result['median_ms']:>8.0f} ms"
                     f"{result['per_migration_ms']:>13.2f} ms"
                     f"{result['ratio_to_psql']:>9.2f}x"
                     f"{result['paired_ratio_to_psql']:>8.2f}x   {runs}")
    targets = report["targets"]
    apply = targets["pgshift/psql"]
    status = targets["status_ms"]
    lines += [
        "",
        f"  pgshift status on the up-to-date database: {report['status']['median_ms']:.0f} ms"
        f" median ({', '.join(f'{v:.0f}' for v in report['status']['runs_ms'])});"
        f" start-up and imports alone: {report['startup']['median_ms']:.0f} ms",
        "",
        f"  target pgshift/psql <= {apply['target']}x: {apply['measured']:.2f}x"
        f" {'met' if apply['met'] else 'MISSED'} (median of per-run ratios:"
        f" {apply['paired']:.2f}x)",
        f"  target status < {status['target']:.0f} ms: {status['measured']:.0f} ms"
        f" {'met' if status['met'] else 'MISSED'}",
    ]
    lines += [f"  note: {note}" for note in report["notes"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--migrations", type=int, default=200, metavar="N",
                        help="how many migrations the generated project has (default 200)")
    parser.add_argument("--runs", type=int, default=5, metavar="N",
                        help="measured runs per tool; medians are reported (default 5)")
    parser.add_argument("--warmup", type=int, default=1, metavar="N",
                        help="unmeasured rounds before the runs (default 1)")
    parser.add_argument("--no-dbmate", action="store_true", help="do not install or run dbmate")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.migrations < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--migrations and --runs must be at least 1, --warmup at least 0")
    report = benchmark(args.migrations, args.runs, args.warmup, not args.no_dbmate,
                       progress=not args.json)
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
