"""`pgshift db`: the database URL in use (password masked), or psql opened on it."""

from __future__ import annotations

import shutil
import subprocess
from typing import TextIO

from ..exit_codes import ExitCode
from ..runner.embedded import bundled_bin_dir
from .target import Options, open_target


def db(options: Options, out: TextIO, err: TextIO, *, psql: bool) -> int:
    with open_target(options.project, options.database_url, err) as target:
        print(target.shown, file=out)
        if not psql:
            return int(ExitCode.OK)
        out.flush()
        executable = shutil.which("psql") or str(bundled_bin_dir() / "psql")
        return subprocess.call([executable, target.url])
