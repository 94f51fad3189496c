"""How long `pgshift verify` takes, as CI runs it: this repository's history and a long one.

    python bench/verify_bench.py [--migrations 200] [--seed 1] [--runs 3] [--json]

Two throwaway projects: a copy of this repository's migrations/, and the synthetic history
of bench/corpus.py (N files: tables with vector columns and their hnsw and ivfflat
indexes, alters, renames, drops, enums, comments, sql blocks). Each is compiled once, then
`pgshift verify` runs as a new process on its embedded PostgreSQL 18 + pgvector (started
and stopped by the command, as for a user): one unmeasured run first (it initialises the
data directory), then --runs timed ones. Reported: the median whole command, the time per
migration, and what verify itself said it spent.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from corpus import write_history

REPOSITORY = Path(__file__).resolve().parent.parent


def pgshift(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pgshift", *args, "--project", str(project)],
                          capture_output=True, text=True, check=False)


def prepare(project: Path, migrations: Path | None, files: int, seed: int) -> int:
    (project / "generated").mkdir(parents=True)
    if migrations is not None:
        shutil.copytree(migrations, project / "migrations")
    else:
        write_history(project / "migrations", files, seed)
    compiled = pgshift(project, "compile")
    if compiled.returncode != 0:
        raise SystemExit(f"compile failed:\n{compiled.stderr}")
    return len(list((project / "migrations").glob("*.shift")))


def measure(project: Path, runs: int) -> dict[str, Any]:
    pgshift(project, "verify")  # initialises the embedded server's data directory
    times, reported = [], []
    for _ in range(runs):
        started = time.perf_counter()
        result = pgshift(project, "verify", "--json")
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"verify failed ({result.returncode}):\n{result.stdout}"
                             f"{result.stderr}")
        reported.append(json.loads(result.stdout)["seconds"])
    return {"command_s": statistics.median(times), "verify_s": statistics.median(reported),
            "runs": times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--migrations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="pgshift-verify-bench-") as temporary:
        home = Path(temporary)
        for name, source in (("this repository", REPOSITORY / "migrations"),
                             (f"corpus of {args.migrations}", None)):
            project = home / name.replace(" ", "_")
            count = prepare(project, source, args.migrations, args.seed)
            figures = measure(project, args.runs)
            figures["migrations"] = count
            results[name] = figures
            if not args.json:
                print(f"{name}: {count} migrations, pgshift verify {figures['command_s']:.1f} s"
                      f" (verify's own {figures['verify_s']:.1f} s,"
                      f" {figures['verify_s'] / count * 1000:.0f} ms per migration)",
                      flush=True)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
