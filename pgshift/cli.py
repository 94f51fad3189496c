"""The `pgshift` command: parse the command line (cli_parser.py), run the command
(cli_commands.py), and end as docs/cli.md says.

Expected failures print one clear message and exit with the code docs/cli.md gives;
only a bug shows a traceback, and only with --verbose.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence
from typing import NoReturn

from .cli_parser import build_parser
from .collector import fewer_collections
from .exit_codes import CommandFailed, ExitCode
from .project import ProjectError


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code. A reader of its output that went away early (a
    closed pipe) is no error: the exit code is then SIGPIPE's, as for `git log | head`."""
    from .closed_pipe import READER_GONE, readers_may_leave

    with readers_may_leave() as reader_gone:
        code = _main(argv)
    return READER_GONE if reader_gone[0] and code == ExitCode.OK else code


class Terminated(KeyboardInterrupt):
    """SIGTERM (a deploy stopping the job, `kill`), raised in the main thread as Ctrl-C's
    KeyboardInterrupt is: psycopg then cancels the statement running on the server before
    the process ends, instead of leaving it to run (and hold its locks) without a client."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _main(argv: Sequence[str] | None) -> int:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error already printed
        return int(ExitCode.USAGE if exit_.code else ExitCode.OK)
    from .commands.log_output import LogFormat, print_error
    from .runner.errors import RunnerError

    log_format: LogFormat = "json" if getattr(args, "log_format", "") == "json" else "text"
    try:
        with fewer_collections():
            return int(args.handler(args, sys.stdout))
    except CommandFailed as failed:
        print_error(str(failed), failed.code, log_format)
        return int(failed.code)
    except RunnerError as failed:
        print_error(str(failed), failed.exit_code, log_format,
                    list(getattr(failed, "__notes__", [])))
        return int(failed.exit_code)
    except ProjectError as bad:
        print_error(str(bad), ExitCode.CONFIG, log_format)
        return int(ExitCode.CONFIG)
    except OSError as failed:  # the file system's refusal (read-only, full, not a directory)
        where = f" ({failed.filename})" if failed.filename else ""
        print_error(f"{failed.strerror or failed}{where}", ExitCode.CONFIG, log_format)
        return int(ExitCode.CONFIG)
    except Terminated:
        print("pgshift: terminated (SIGTERM); a statement running on the server was cancelled",
              file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("pgshift: interrupted; a statement running on the server was cancelled",
              file=sys.stderr)
        return 130
    except Exception as bug:  # a bug: say so plainly, traceback only on request
        if args.verbose:
            traceback.print_exc()
        from .runner.urls import mask_password  # a bug's text may quote a URL

        print(f"pgshift: internal error: {type(bug).__name__}: {mask_password(str(bug))}"
              " (run with --verbose for the traceback, and please report it)", file=sys.stderr)
        return int(ExitCode.INTERNAL)


def run() -> NoReturn:
    """The `pgshift` command: `main()`, then the end of the process.

    After a command that loaded no database code and started no thread (compile, check,
    sql, new, …), the process ends at once once its output is flushed, without freeing
    its objects one by one: a compiled history is hundreds of thousands of them, ~0.05 s
    of a `pgshift compile`. mypy ends the same way. Any other command exits as usual, so
    whatever cleanup was registered (the embedded server's, say) runs.
    """
    code = main()
    if "psycopg" not in sys.modules and threading.active_count() == 1:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to deliver
                stream.flush()
        os._exit(code)
    raise SystemExit(code)
