"""What a lock_timeout costs the application, and what it costs the migration.

    python bench/lock_bench.py [--timeouts 100ms,250ms,500ms,1s,2s,0] [--runs 3] [--json]

One embedded PostgreSQL 18 + pgvector serves the benchmark. For each lock_timeout (0: no
limit, what pgshift did before) and each scenario, on a fresh database holding
`documents` with 10,000 rows, an application of 4 sessions runs requests (an INSERT and a
SELECT on `documents`, 10 ms apart) while `pgshift up --lock-timeout T` adds a column
(ACCESS EXCLUSIVE, catalog only), as a new process:

  long     an analytics session holds `documents` in a transaction for 6 s
  busy     2 more sessions run write transactions that each hold `documents` 200 ms,
           50 ms apart: a busy table with slow requests, no long transaction

Reported per timeout and scenario (medians over the runs): the application's longest
wait for one request and its 99th percentile, how long `pgshift up` took, how many
attempts it made, and whether it gave up (exit 14 after `--budget` seconds, 60).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from bench_databases import create_database, drop_database, server_versions

from pgshift.runner.embedded import EmbeddedPostgres

MIGRATIONS = {
    "0.0.1_documents.shift": "table documents {\n    id bigint identity primary key\n"
                             "    title text not null\n}\n",
    "0.0.2_language.shift": "alter table documents {\n"
                            "    add column language text not null default 'en'\n}\n",
}


@dataclass
class Load:
    """Sessions that use `documents` while the migration runs; their request latencies."""

    url: str
    requests: int = 4
    slow_writers: int = 0
    waits: list[float] = field(default_factory=list)
    failures: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for _ in range(self.requests):
            self.threads.append(threading.Thread(target=self._requests))
        for _ in range(self.slow_writers):
            self.threads.append(threading.Thread(target=self._slow_writes))
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _requests(self) -> None:
        with psycopg.connect(self.url, autocommit=True, application_name="web") as session:
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    session.execute("INSERT INTO documents (title) VALUES ('request')")
                    session.execute("SELECT count(*) FROM documents WHERE id > 9990").fetchone()
                except psycopg.Error:
                    self.failures += 1
                self.waits.append(time.monotonic() - started)
                time.sleep(0.01)

    def _slow_writes(self) -> None:
        """A slow request: a write that holds the table 200 ms, then 50 ms of other work."""
        with psycopg.connect(self.url, autocommit=True, application_name="worker") as session:
            row = 1 + len(self.threads)  # each writer its own row: they do not queue
            while not self.stop.is_set():
                with session.transaction():
                    session.execute("UPDATE documents SET title = title WHERE id = %s", [row])
                    session.execute("SELECT pg_sleep(0.2)")
                time.sleep(0.05)


def analytics(url: str, seconds: float) -> threading.Thread:
    ready = threading.Event()

    def report() -> None:
        with psycopg.connect(url, autocommit=True, application_name="analytics") as session, \
                session.transaction():
            session.execute("SELECT count(*) FROM documents")
            ready.set()
            time.sleep(seconds)

    thread = threading.Thread(target=report)
    thread.start()
    ready.wait()
    return thread


def pgshift(project: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pgshift", *args, "--project", str(project),
                           "--database-url", url], capture_output=True, text=True, check=False)


def one_run(admin: str, project: Path, timeout: str, scenario: str,
            budget: float) -> dict[str, float]:
    url = create_database(admin, "lock_bench")
    try:
        result = pgshift(project, url, "up", "--to", "0.0.1")
        assert result.returncode == 0, result.stderr
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("INSERT INTO documents (title) SELECT 'row ' || g"
                               " FROM generate_series(1, 10000) g")
        load = Load(url, slow_writers=2 if scenario == "busy" else 0)
        load.start()
        time.sleep(0.5)
        holder = analytics(url, 6.0) if scenario == "long" else None
        started = time.monotonic()
        result = pgshift(project, url, "up", "--lock-timeout", timeout, "--lock-wait-budget",
                         str(budget))
        took = time.monotonic() - started
        if holder is not None:
            holder.join()
        time.sleep(0.3)
        load.finish()
        assert result.returncode in (0, 14), result.stderr
        retries = result.stderr.count("trying again")
        ordered = sorted(load.waits)
        return {"max_wait_s": ordered[-1], "p99_wait_s": ordered[int(len(ordered) * 0.99)],
                "up_s": took, "attempts": retries + 1, "failures": load.failures,
                "gave_up": float(result.returncode == 14)}
    finally:
        drop_database(admin, "lock_bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeouts", default="100ms,250ms,500ms,1s,2s,0")
    parser.add_argument("--scenarios", default="long,busy")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget", type=float, default=60.0,
                        help="--lock-wait-budget of each pgshift up, in seconds (60)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pgshift-lock-bench-") as temporary:
        home = Path(temporary)
        project = home / "project"
        (project / "migrations").mkdir(parents=True)
        (project / "generated").mkdir()
        for name, text in MIGRATIONS.items():
            (project / "migrations" / name).write_text(text)
        compiled = subprocess.run([sys.executable, "-m", "pgshift", "compile", "--project",
                                   str(project)], capture_output=True, text=True, check=False)
        assert compiled.returncode == 0, compiled.stderr
        with EmbeddedPostgres(home / "data", delete_on_stop=True) as server:
            admin = server.url()
            rows: list[dict[str, Any]] = []
            for scenario in args.scenarios.split(","):
                for timeout in args.timeouts.split(","):
                    runs = [one_run(admin, project, timeout, scenario, args.budget)
                            for _ in range(args.runs)]
                    row = {"scenario": scenario, "lock_timeout": timeout,
                           **{key: statistics.median(run[key] for run in runs)
                              for key in runs[0]}}
                    rows.append(row)
                    if not args.json:
                        print(f"{scenario:5} lock_timeout {timeout:>5}: app longest wait"
                              f" {row['max_wait_s']:.2f} s (p99 {row['p99_wait_s']:.2f} s),"
                              f" up {row['up_s']:.1f} s in {row['attempts']:.0f} attempt(s)"
                              f"{' (gave up)' if row['gave_up'] else ''},"
                              f" {row['failures']:.0f} failed requests", flush=True)
            versions = server_versions(admin)
    if args.json:
        print(json.dumps({"versions": versions, "runs": args.runs, "results": rows}, indent=2))


if __name__ == "__main__":
    main()
