"""`pgshift db`: the database URL in use (password masked), or psql opened on it."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import TextIO

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from ..exit_codes import ExitCode
from ..runner.embedded import bundled_bin_dir
from ..runner.errors import ConnectionFailed
from ..runner.urls import mask_password
from .target import Options, open_target


def db(options: Options, out: TextIO, err: TextIO, *, psql: bool) -> int:
    with open_target(options.project, options.database_url, err) as target:
        print(target.shown, file=out)
        if not psql:
            return int(ExitCode.OK)
        out.flush()
        conninfo, environment = without_password(target.url)
        executable = shutil.which("psql") or str(bundled_bin_dir() / "psql")
        return subprocess.call([executable, conninfo], env=environment)


def without_password(url: str) -> tuple[str, dict[str, str]]:
    """The URL for a client program's command line (psql, pg_dump), where every user of
    the machine can read it, and its environment: the password goes there (PGPASSWORD).
    A URL libpq cannot parse is refused here, in pgshift's words: psql would print it
    back, password and all."""
    try:
        parameters = conninfo_to_dict(url)
    except psycopg.Error as error:
        first_line = (str(error).strip() or type(error).__name__).splitlines()[0]
        raise ConnectionFailed(mask_password(f"cannot open psql: {first_line}", url)) from None
    environment = dict(os.environ)
    password = parameters.pop("password", None)
    if password is not None:
        environment["PGPASSWORD"] = str(password)
    return make_conninfo("", **parameters), environment
