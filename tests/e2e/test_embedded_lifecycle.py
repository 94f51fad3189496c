"""The embedded server's life cycle, and output to a reader that goes away, for real.

Commands racing on a fresh project (the data directory's first initdb and the `pgshift`
database's creation included) all end as the migration lock says, never with an internal
error; a command killed with SIGKILL leaves a server that the next command stops; two
live commands share one server without stopping it under each other; and every command
that prints stops quietly, with SIGPIPE's exit status, when its reader has gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.e2e.cli_support import FIRST, SECOND, pgshift, server_processes, write

SLOW = '-- pgshift: allow raw-sql\nsql """SELECT pg_sleep({seconds})""" down """SELECT 1"""\n'
READER_GONE = 128 + signal.SIGPIPE


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A compiled project with no database URL: its commands use the embedded server.
    Whatever a test leaves running over its data directory is stopped afterwards."""
    root = tmp_path / "app"
    write(root / "migrations" / "0.0.1_documents.shift", FIRST)
    write(root / "migrations" / "0.0.2_language.shift", SECOND)
    yield root
    for pid in server_processes(root):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def without_url() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pgshift", *args], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=without_url())


def compile_(root: Path) -> None:
    assert pgshift("compile", cwd=root).returncode == 0


def history_versions(root: Path) -> list[str]:
    result = pgshift("history", "--json", cwd=root)
    assert result.returncode == 0, result.stderr
    return [row["version"] for row in json.loads(result.stdout)["history"]]


def test_commands_racing_on_a_fresh_project_end_as_the_lock_says(project: Path) -> None:
    compile_(project)
    assert not (project / ".pgshift" / "postgres").exists(), "the race includes initdb"
    racers = [start("up", cwd=project) for _ in range(4)]
    outcomes = [(racer.wait(timeout=180), *racer.communicate()) for racer in racers]

    for code, out, err in outcomes:
        assert code in (0, 10), f"exit {code}: {out}{err}"
        assert "internal error" not in err, err
        assert "Traceback" not in err, err
        if code == 10:
            assert "another instance is migrating this database" in err
    assert any(code == 0 for code, _, _ in outcomes)
    assert history_versions(project) == ["0.0.1", "0.0.2"], "one row per version"
    assert server_processes(project) == [], "the last command out stops the server"


def wait_for(racer: subprocess.Popen[str], text: str) -> str:
    """Read the racer's stdout until a line holds `text`; what it printed so far."""
    assert racer.stdout is not None
    seen = ""
    while text not in seen:
        line = racer.stdout.readline()
        assert line, f"ended without printing {text!r}: {seen}"
        seen += line
    return seen


def test_a_server_whose_command_was_killed_is_stopped_by_the_next(project: Path) -> None:
    write(project / "migrations" / "0.0.3_slow.shift", SLOW.format(seconds=30))
    compile_(project)
    up = start("up", cwd=project)
    wait_for(up, "applying 0.0.3")
    up.send_signal(signal.SIGKILL)
    up.communicate()
    assert server_processes(project), "kill -9 left its server behind"

    status = pgshift("status", "--json", cwd=project)
    assert status.returncode == 0, status.stderr
    found = json.loads(status.stdout)
    # 0.0.3 died with its connection (0.0.2's COMMIT rides in the same round trip, so
    # it may have gone too); what the history says is what the catalog holds.
    assert found["current_version"] in ("0.0.1", "0.0.2")
    assert found["dirty"] is False
    assert server_processes(project) == [], "the next command stops the orphaned server"


def test_two_live_commands_share_the_server(project: Path) -> None:
    write(project / "migrations" / "0.0.3_slow.shift", SLOW.format(seconds=3))
    compile_(project)
    up = start("up", cwd=project)
    wait_for(up, "applying 0.0.3")

    status = pgshift("status", cwd=project)  # joins the server and leaves it running
    assert status.returncode == 0, status.stderr
    assert "0.0.2" in status.stdout
    assert server_processes(project), "status stopped the server under a running up"

    out, err = up.communicate(timeout=120)
    assert up.returncode == 0, out + err
    assert history_versions(project) == ["0.0.1", "0.0.2", "0.0.3"]
    assert server_processes(project) == []


PRINTING_COMMANDS = [
    ("--help",), ("up", "--help"), ("--version",), ("compile",), ("check",), ("plan",),
    ("plan", "--json"), ("lint",), ("lint", "--format", "json"), ("sql", "0.0.1"),
    ("sql", "0.0.1", "--down"), ("up", "--dry-run"), ("up",), ("status",),
    ("status", "--json"), ("history",), ("history", "--json"), ("drift",), ("drift", "--json"),
    ("verify",), ("pull", "--stdout"), ("db",), ("down", "--dry-run"),
    ("nonsense",),  # a usage error, on stderr
]


@pytest.mark.parametrize("args", PRINTING_COMMANDS, ids=" ".join)
def test_a_reader_that_has_gone_ends_the_output_quietly(tmp_path: Path, database_url: str,
                                                        args: tuple[str, ...]) -> None:
    root = tmp_path / "app"
    write(root / "migrations" / "0.0.1_documents.shift", FIRST)
    compile_(root)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line
    try:
        result = subprocess.run([sys.executable, "-m", "pgshift", *args], cwd=root,
                                stdout=write_end, stderr=write_end, check=False,
                                env={**without_url(), "DATABASE_URL": database_url})
    finally:
        os.close(write_end)
    # Nothing can be read from a closed pipe; the exit status says what happened: SIGPIPE's
    # when the command ended well (it printed something nobody read), else its own code.
    assert result.returncode in (READER_GONE, 2), result.returncode
    if args == ("up",):  # the work is not cut short by the reader leaving
        with psycopg.connect(database_url) as connection:
            assert connection.execute("SELECT to_regclass('documents')").fetchone() == (
                "documents",)


def test_head_on_a_long_output_ends_quietly(tmp_path: Path) -> None:
    root = tmp_path / "app"
    tables = "".join(f"table t{n} {{\n    id bigint identity primary key\n    name text\n}}\n"
                     f"index t{n}_name on t{n} (name)\n" for n in range(400))
    write(root / "migrations" / "0.0.1_many.shift", tables)
    compile_(root)
    for command in ("sql 0.0.1", "plan", "lint --format json"):
        for streams in ("", "2>&1"):
            shell = (f"{sys.executable} -m pgshift {command} {streams} | head -1 >/dev/null;"
                     " echo ${PIPESTATUS[0]}")
            done = subprocess.run(["bash", "-c", shell], cwd=root, capture_output=True,
                                  text=True, check=True)
            assert done.stdout.strip() in ("0", str(READER_GONE)), (command, done.stdout)
            assert done.stderr == "", (command, done.stderr)


def test_a_server_killed_under_a_command_is_a_lost_connection(project: Path) -> None:
    write(project / "migrations" / "0.0.3_slow.shift", SLOW.format(seconds=30))
    compile_(project)
    up = start("up", cwd=project)
    wait_for(up, "applying 0.0.3")
    postmaster = int((project / ".pgshift" / "postgres" / "postmaster.pid").read_text()
                     .split()[0])
    os.kill(postmaster, signal.SIGKILL)
    _, err = up.communicate(timeout=120)

    assert up.returncode == 14, err
    assert "the connection to the database was lost" in err
    assert "internal error" not in err
    assert "Traceback" not in err
    status = pgshift("status", "--json", cwd=project)  # starts it again, after recovery
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["dirty"] is False
    assert server_processes(project) == []


def test_a_server_that_cannot_start_says_why_from_its_log(project: Path) -> None:
    """pg_ctl only says it failed; the reason is in the server's log, so the error quotes
    its FATAL line."""
    compile_(project)
    assert pgshift("status", cwd=project).returncode == 0  # initdb, start and stop
    config = project / ".pgshift" / "postgres" / "postgresql.conf"
    config.write_text(config.read_text() + "\nshared_buffers = 'plenty'\n")
    result = pgshift("status", cwd=project)
    assert result.returncode != 0
    assert "could not start the embedded PostgreSQL" in result.stderr
    assert 'invalid value for parameter "shared_buffers"' in result.stderr, result.stderr
    assert "FATAL:" in result.stderr
    assert "Traceback" not in result.stderr
