"""Hundreds of runs of the `pgshift` command line, fast, for tests that try one failure on
every input of a matrix (every shape of URL on every command).

`run_all` starts this file as one process, which imports pgshift, psycopg and the
database commands once, then forks a child per run. The child is what `python -m pgshift`
is after its imports: its own arguments, environment and output files, the console
script's `run()`, atexit handlers on the way out; nothing of another run's state (each
child starts from the parent, where no command ever ran). Start-up, most of a failing
command's time, is paid once instead of per run.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

# what the database commands load: imported before forking, so that no child pays for it
_PRELOAD = ["psycopg", "pgshift.cli", "pgshift.commands.log_output",
            "pgshift.commands.database", "pgshift.commands.drift", "pgshift.commands.pull",
            "pgshift.commands.baseline", "pgshift.commands.repair", "pgshift.commands.verify",
            "pgshift.commands.shell", "pgshift.runner.postgres", "pgshift.runner.urls"]
_DROPPED = ("DATABASE_URL", "PGPASSWORD")  # of the test's own environment


def run_all(runs: Sequence[tuple[Sequence[str], Mapping[str, str]]]
            ) -> list[subprocess.CompletedProcess[str]]:
    """Each (arguments, extra environment) run as `pgshift ARGS`, in order."""
    request = [{"args": list(args), "env": dict(env)} for args, env in runs]
    server = subprocess.run([sys.executable, __file__], input=json.dumps(request),
                            capture_output=True, text=True, check=False)
    assert server.returncode == 0, server.stderr
    return [subprocess.CompletedProcess(["pgshift", *r["args"]], answer["code"],
                                        answer["stdout"], answer["stderr"])
            for r, answer in zip(request, json.loads(server.stdout), strict=True)]


def _child(args: list[str], env: dict[str, str], stdout: Path, stderr: Path) -> NoReturn:
    code = 1
    try:
        for number, path in ((1, stdout), (2, stderr)):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(descriptor, number)
            os.close(descriptor)
        for name in _DROPPED:
            os.environ.pop(name, None)
        os.environ.update(env)
        sys.argv = ["pgshift", *args]
        from pgshift.cli import run

        run()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    except BaseException:
        traceback.print_exc()  # as the interpreter would
    finally:
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(code)


def _serve() -> None:
    request = json.load(sys.stdin)
    for module in _PRELOAD:
        importlib.import_module(module)
    answers = []
    # not a TemporaryDirectory: its finalizer is an atexit handler, which a child runs
    scratch = tempfile.mkdtemp(prefix="pgshift-forks-")
    try:
        for index, run in enumerate(request):
            stdout, stderr = Path(scratch, f"{index}.out"), Path(scratch, f"{index}.err")
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(run["args"], run["env"], stdout, stderr)
            _, status = os.waitpid(pid, 0)
            answers.append({"code": os.waitstatus_to_exitcode(status),
                            "stdout": stdout.read_text(), "stderr": stderr.read_text()})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    _serve()
