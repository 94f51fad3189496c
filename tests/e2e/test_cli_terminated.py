"""SIGTERM (a deploy stopping the job) or Ctrl-C during `up`: the statement running on the
server is cancelled, not left to run without its client, holding its locks; the command
says so and exits 143 (130 for Ctrl-C), and the transactional migration it was in is not
recorded."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

import psycopg
import pytest

from tests.e2e.cli_database_support import Project, environment

SLEEPER = "pgshift_sleeper_under_test"


def _sleeping(url: str) -> list[Any]:
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE query LIKE %s AND pid <>"
            " pg_backend_pid()", (f"%{SLEEPER}%",)).fetchall()


@pytest.mark.parametrize(("signal_number", "code", "said"), [
    (signal.SIGTERM, 143, "terminated (SIGTERM); a statement running on the server was"
                          " cancelled"),
    (signal.SIGINT, 130, "interrupted; a statement running on the server was cancelled"),
])
def test_the_running_statement_is_cancelled(project: Project, signal_number: int, code: int,
                                            said: str) -> None:
    project.write("0.0.1_wait.shift",
                  f'sql """SELECT pg_sleep(60) AS {SLEEPER}""" down """"""\n')
    project.compile()
    up = subprocess.Popen(
        [sys.executable, "-m", "pgshift", "up", "--project", str(project.root),
         "--database-url", project.url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment(None))
    try:
        while not _sleeping(project.url):  # waits for the statement to start on the server
            assert up.poll() is None, up.communicate()
            time.sleep(0.05)
        up.send_signal(signal_number)
        stdout, stderr = up.communicate()
    finally:
        if up.poll() is None:
            up.kill()
            up.communicate()
    assert up.returncode == code, stdout + stderr
    assert said in stderr, stderr
    assert "Traceback" not in stderr, stderr
    assert _sleeping(project.url) == []
    assert project.status()["applied"] == []
