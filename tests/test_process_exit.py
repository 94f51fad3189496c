"""How the `pgshift` process ends: at once after a command that loaded no database code,
as usual (registered cleanup included) after any other. See `pgshift.cli.run`."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import atexit, sys
atexit.register(lambda: print("cleanup ran", flush=True))
{preamble}
sys.argv = ["pgshift", *{argv!r}]
from pgshift.cli import run
run()
"""


def _run(argv: list[str], preamble: str = "") -> subprocess.CompletedProcess[str]:
    code = SCRIPT.format(preamble=preamble, argv=argv)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)


def test_without_database_code_the_process_ends_at_once_with_its_output() -> None:
    done = _run(["--version"])
    assert done.returncode == 0
    assert done.stdout.startswith("pgshift ")  # flushed before the end
    assert "cleanup ran" not in done.stdout


def test_the_exit_code_survives_the_quick_end() -> None:
    done = _run(["no-such-command"])
    assert done.returncode == 2
    assert "invalid choice" in done.stderr
    assert "cleanup ran" not in done.stdout


@pytest.mark.parametrize("preamble", [
    "import psycopg",  # what every database command loads
    "import threading, time; threading.Thread(target=time.sleep, args=(0.2,)).start()",
])
def test_after_database_code_or_a_thread_the_usual_exit_runs_cleanup(preamble: str) -> None:
    done = _run(["--version"], preamble)
    assert done.returncode == 0
    assert done.stdout.startswith("pgshift ")
    assert "cleanup ran" in done.stdout
