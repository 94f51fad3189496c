"""No password is ever printed: every shape of database URL, on every command that takes
one, from --database-url and from DATABASE_URL, with --log-format text and json. These are
failure paths (libpq cannot parse the URL, or no server listens at /nonexistent), where
libpq's own messages quote the URL; and one run on the real server, by a role with a
password, where the connection succeeds and the failures come later."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.e2e.cli_database_support import environment
from tests.e2e.cli_forks_support import run_all
from tests.e2e.cli_support import pgshift, write

# Each URL, and what of it must never show: the password and the pieces libpq would cut
# it into. Every host is a socket directory that does not exist: nothing leaves the machine.
SHAPES = {
    "uri": ("postgresql://app:S3cretPW@/x?host=/nonexistent", ["S3cretPW"]),
    "sqlalchemy scheme": ("postgresql+psycopg://app:S3cretPW@/rag?host=/nonexistent",
                          ["S3cretPW"]),
    "leading space": (" postgresql://app:S3cretPW@/x?host=/nonexistent", ["S3cretPW"]),
    "upper-case scheme": ("POSTGRESQL://app:S3cretPW@/x?host=/nonexistent", ["S3cretPW"]),
    "unquoted space": ("host=/nonexistent password=S3cret PW dbname=x", ["S3cret", "PW"]),
    "unencoded @": ("postgresql://app:S3cretPW@42@/x?host=/nonexistent", ["S3cretPW", "@42"]),
    "percent-encoded @": ("postgresql://app:S3cret%40PW@/x?host=/nonexistent", ["S3cret"]),
    "quote in keyword": ("host=/nonexistent password='S3cret\\'PW' dbname=x", ["S3cret", "PW"]),
    "spaces in keyword": ("host=/nonexistent password='S3cret P W' dbname=x",
                          ["S3cret", "P W"]),
    "query": ("postgresql://app@/x?host=/nonexistent&password=S3cretPW", ["S3cretPW"]),
}
COMMANDS = {
    "up": ["up"], "down": ["down"], "status": ["status"], "status --json": ["status", "--json"],
    "history": ["history"], "force": ["force", "0.0.1"], "drift": ["drift"],
    "repair": ["repair"], "pull": ["pull", "--stdout"], "baseline": ["baseline", "0.0.1"],
    "verify": ["verify"], "db": ["db"], "db --psql": ["db", "--psql"],
    "up --dry-run": ["up", "--dry-run"],
}
# (where the URL comes from, --log-format): both sources and both formats, two by two;
# status, the deploy's health check, all four. verify reads --database-url only (without
# it, its scratch server is the embedded one).
WAYS = [("--database-url", "text"), ("DATABASE_URL", "json")]
ALL_WAYS = [*WAYS, ("--database-url", "json"), ("DATABASE_URL", "text")]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one compiled migration: every command gets as far as the database."""
    root = tmp_path_factory.mktemp("passwords") / "app"
    write(root / "migrations" / "0.0.1_notes.shift", "table notes {\n    id bigint\n}\n")
    assert pgshift("compile", cwd=root).returncode == 0
    return root


def _command(root: Path, args: list[str], url: str, source: str,
             log_format: str) -> tuple[list[str], dict[str, str]]:
    """pgshift's arguments and extra environment for one run."""
    args = [*args, "--project", str(root), "--log-format", log_format]
    if source == "--database-url":
        return [*args, "--database-url", url], {}
    return args, {"DATABASE_URL": url}


def _run(root: Path, args: list[str], url: str, source: str,
         log_format: str) -> subprocess.CompletedProcess[str]:
    """One run as a process of its own, as a user starts it."""
    arguments, extra = _command(root, args, url, source, log_format)
    return subprocess.run([sys.executable, "-m", "pgshift", *arguments], capture_output=True,
                          text=True, check=False, env=environment(extra))


Run = tuple[str, str, str, str]  # command, shape, source, log format


def _matrix() -> list[Run]:
    runs = []
    for name in COMMANDS:
        ways = ALL_WAYS if name == "status" else WAYS
        if name == "verify":
            ways = [("--database-url", "text"), ("--database-url", "json")]
        runs += [(name, shape, source, log_format) for shape in SHAPES
                 for source, log_format in ways]
    return runs


@pytest.fixture(scope="module")
def matrix(compiled: Path) -> dict[Run, subprocess.CompletedProcess[str]]:
    """Every run of the matrix, each a process of its own (forked after the imports)."""
    runs = _matrix()
    results = run_all([_command(compiled, COMMANDS[name], SHAPES[shape][0], source,
                                log_format) for name, shape, source, log_format in runs])
    return dict(zip(runs, results, strict=True))


@pytest.mark.parametrize("name", COMMANDS)
def test_no_command_prints_a_password_of_any_url_shape(
        matrix: dict[Run, subprocess.CompletedProcess[str]], name: str) -> None:
    runs = {run: result for run, result in matrix.items() if run[0] == name}
    assert len(runs) >= 2 * len(SHAPES)
    for (_, shape, source, log_format), result in runs.items():
        both = result.stdout + result.stderr
        where = f"{shape} by {source}, {log_format}: {both}"
        assert not [s for s in SHAPES[shape][1] if s in both], f"password shown: {where}"
        assert "Traceback" not in both, where
        assert "internal error" not in both, where
        if name == "db":
            assert result.returncode == 0, where
            assert "***" in result.stdout, where
        elif name == "db --psql":  # refused (5), or psql's own failure to connect (2)
            assert result.returncode in (2, 5), where
            assert "***" in result.stdout, where
        else:
            assert result.returncode == 5, where  # cannot connect, or bad configuration
            assert result.stdout == "", where


def test_the_forked_runs_are_the_command_line(compiled: Path) -> None:
    """A run of the matrix says what `python -m pgshift` says."""
    args = ["status", "--json"]
    for url in (SHAPES["uri"][0], SHAPES["unquoted space"][0]):
        for source, log_format in WAYS:
            alone = _run(compiled, args, url, source, log_format)
            [forked] = run_all([_command(compiled, args, url, source, log_format)])
            assert (forked.returncode, forked.stdout) == (alone.returncode, alone.stdout)
            if log_format == "text":
                assert forked.stderr == alone.stderr


# ---------------------------------------------------------------- on the real server

PASSWORD = "S3cret P'W@42%x"


@pytest.fixture
def role(server_url: str, database_url: str) -> Iterator[list[tuple[str, list[str]]]]:
    """A login role with a password (and no CREATEDB), free to create in the test's
    database; URLs for it, each with what of it must never show: as a URI, in keyword
    form, and as a URI with an unencoded @ in its password (libpq sends S3cret, and
    connects, since the test server trusts local connections)."""
    name = f"pgshift_pw_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(name), sql.Literal(PASSWORD)))
    with psycopg.connect(database_url, autocommit=True) as owner:
        owner.execute(sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(
            sql.Identifier(name)))
    keywords = make_conninfo(database_url, user=name, password=PASSWORD)
    parts = conninfo_to_dict(keywords)
    query = "&".join(f"{key}={quote(str(parts[key]), safe='')}" for key in ("host", "port")
                     if parts.get(key))
    secrets = [PASSWORD, quote(PASSWORD, safe=""), "S3cret"]
    try:
        yield [(f"postgresql://{name}:{quote(PASSWORD, safe='')}@/{parts['dbname']}?{query}",
                secrets),
               (keywords, secrets),
               (f"postgresql://{name}:S3cret@42@/{parts['dbname']}?{query}", ["S3cret", "@42"])]
    finally:
        with psycopg.connect(database_url, autocommit=True) as owner:
            owner.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_after_connecting_no_failure_prints_the_password(
        compiled: Path, role: list[tuple[str, list[str]]]) -> None:
    """Each URL one way (--database-url or DATABASE_URL, text lines or JSON events):
    success, then failures the server or the role cause."""
    for (url, secrets), (source, log_format) in zip(role, ALL_WAYS, strict=False):
        runs = [
            (["baseline", "0.0.1", "--scratch-on-server"], url, 5),  # no CREATEDB
            (["status"], make_conninfo(url, dbname="pgshift_no_such_database"), 5),
            (["up"], url, 0),
            (["status", "--json"], url, 0),
            (["db"], url, 0),
            (["down"], url, 0),
        ]
        if source == "--database-url":  # verify's scratch server: no CREATEDB either
            runs.append((["verify"], url, 5))
        for args, target, code in runs:
            result = _run(compiled, args, target, source, log_format)
            both = result.stdout + result.stderr
            where = f"{args} by {source}, {log_format}: {both}"
            assert result.returncode == code, where
            assert not [s for s in secrets if s in both], f"password shown: {where}"
            assert "Traceback" not in both, where
            if args == ["db"]:
                assert "***" in result.stdout, where
