"""What can go wrong while migrating: one class per case, each with its CLI exit code.

Messages name the version, the statement and PostgreSQL's own SQLSTATE, message and hint,
and say what state the database was left in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..exit_codes import ExitCode
from .locks import Lock

if TYPE_CHECKING:
    import psycopg


class RunnerError(Exception):
    """Base of every expected failure; `exit_code` is what the CLI exits with."""

    exit_code: ExitCode = ExitCode.INTERNAL


class ConnectionFailed(RunnerError):
    exit_code = ExitCode.CONFIG


class TableError(RunnerError):
    """The migration history table could not be created or read."""

    exit_code = ExitCode.TABLE_ERROR


class LockHeld(RunnerError):
    """Another instance holds the migration lock."""

    exit_code = ExitCode.LOCK_HELD


class LockError(RunnerError):
    """The lock could not be taken for a reason other than another holder."""

    exit_code = ExitCode.LOCK_ERROR


class LockReleaseError(RunnerError):
    exit_code = ExitCode.LOCK_RELEASE


class DirtyDatabase(RunnerError):
    exit_code = ExitCode.DIRTY


class ChecksumMismatch(RunnerError):
    exit_code = ExitCode.CHECKSUM_MISMATCH


class UnknownVersions(RunnerError):
    exit_code = ExitCode.UNKNOWN_VERSIONS


class IrreversibleError(RunnerError):
    exit_code = ExitCode.IRREVERSIBLE


class StaleBuild(RunnerError):
    exit_code = ExitCode.STALE


class OutOfOrder(RunnerError):
    """A pending migration is older than one already applied (a branch merged late)."""

    exit_code = ExitCode.OUT_OF_ORDER


class NoSuchVersion(RunnerError):
    exit_code = ExitCode.USAGE


class NotAtomic(RunnerError):
    """`up --atomic` with a pending migration that cannot run in a transaction."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True, slots=True)
class ServerError:
    """PostgreSQL's account of a failed statement."""

    sqlstate: str | None
    message: str
    detail: str | None
    hint: str | None
    position: int | None

    @classmethod
    def of(cls, error: psycopg.Error) -> ServerError:
        diag = error.diag
        position = int(diag.statement_position) if diag.statement_position else None
        message = diag.message_primary or str(error).strip().splitlines()[0]
        return cls(error.sqlstate, message, diag.message_detail, diag.message_hint, position)

    def describe(self, statement: str = "") -> str:
        name = _condition_name(self.sqlstate)
        lines = [f"ERROR {self.sqlstate}{f' ({name})' if name else ''}: {self.message}"
                 if self.sqlstate else self.message]  # no SQLSTATE: the client's error
        if self.detail:
            lines.append(f"DETAIL: {self.detail}")
        if self.hint:
            lines.append(f"HINT: {self.hint}")
        if self.position is not None and statement:
            line, column = _line_column(statement, self.position)
            lines.append(f"at line {line}, column {column} of the statement")
        return "\n".join(lines)


def _line_column(statement: str, position: int) -> tuple[int, int]:
    """PostgreSQL's 1-based character position as a line and column."""
    before = statement[: max(position - 1, 0)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _condition_name(sqlstate: str | None) -> str | None:
    if not sqlstate:
        return None
    from psycopg import errors

    try:
        return errors.lookup(sqlstate).__name__
    except KeyError:
        return None


class MigrationFailed(RunnerError):
    """A statement of a migration failed; says which, why, and what state remains."""

    exit_code = ExitCode.MIGRATION_FAILED

    index: int | None = None  # which statement, from 0 (None: not known)
    direction: str = "up"
    left: str = ""  # what the failure left behind, the message's last words
    # For a non-transactional migration whose row was already marked dirty: how many of its
    # statements were applied, and the INVALID indexes a failed concurrent build left.
    applied: int | None = None
    invalid_indexes: tuple[tuple[str, str], ...] = ()

    def __init__(self, version: str, description: str, direction: str, index: int, total: int,
                 statement: str, server: ServerError, left: str) -> None:
        self.version = version
        self.statement = statement
        self.server = server
        self.index = index
        self.direction = direction
        self.left = left
        indented = "\n".join(f"    {line}" for line in statement.strip().splitlines())
        super().__init__(
            f"migration {version} ({description}) failed during {direction} at statement"
            f" {index + 1} of {total}:\n{indented}\n{server.describe(statement)}\n{left}")


def with_left(failure: MigrationFailed, left: str) -> MigrationFailed:
    """The failure, saying `left` instead of what it said was left (after an undo)."""
    message = str(failure)
    if failure.left and failure.left in message:
        failure.args = (message.replace(failure.left, left, 1),)
    else:
        failure.args = (f"{message}\n{left}",)
    failure.left = left
    return failure


def first_line(error: BaseException) -> str:
    """An error's first line, for a message that names it in passing; its class's name when
    it says nothing."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class ConnectionLost(MigrationFailed):
    """The connection ended while a migration's statements were in flight together."""

    def __init__(self, version: str, description: str, server: ServerError) -> None:
        self.version = version
        self.statement = ""
        self.server = server
        RunnerError.__init__(
            self, f"migration {version} ({description}) failed: the connection to the database"
            f" was lost while it ran ({server.describe()}). It ran in one transaction, which"
            " PostgreSQL rolls back when the connection ends: nothing of it remains and the"
            " database is still at the previous version; the migration lock ended with the"
            " session.")


@dataclass(frozen=True, slots=True)
class LockWait:
    """One attempt of a migration that could not get its locks in time: the statement, the
    locks it waited for, and the sessions in their way (described by runner/blockers.py)."""

    version: str
    description: str
    direction: str
    statement: str
    locks: tuple[Lock, ...]
    lock_timeout_ms: int
    blockers: list[str]
    sqlstate: str | None = None

    def waited_for(self) -> str:
        return " and ".join(lock.describe() for lock in self.locks) or "its locks"

    def what_happened(self) -> str:
        if self.sqlstate == "40P01":
            return "was ended by PostgreSQL to break a deadlock"
        return (f"could not get {self.waited_for()} within lock_timeout"
                f" {self.lock_timeout_ms} ms")

    def retry_line(self, attempt: int, delay: float) -> str:
        """The line a retry prints: `0.0.2 (add language): could not get … (attempt 1);
        pid 4242 (…) holds ACCESS SHARE on documents, …; trying again in 0.7 s`."""
        who = "; ".join(self.blockers) if self.blockers else "no session holds it now"
        down = " Down" if self.direction == "down" else ""
        return (f"{self.version} ({self.description}){down}: {self.what_happened()} (attempt"
                f" {attempt}); {who}; rolled back, trying again in {delay:.1f} s")


class LocksUnavailable(MigrationFailed):
    """A migration could not get its locks within the retry budget."""

    def __init__(self, wait: LockWait, attempts: int, seconds: float, index: int, total: int,
                 server: ServerError, left: str) -> None:
        self.version = wait.version
        self.statement = wait.statement
        self.server = server
        self.wait = wait
        self.index = index
        self.direction = wait.direction
        self.left = left
        indented = "\n".join(f"    {line}" for line in wait.statement.strip().splitlines())
        tries = f"{attempts} attempt{'s' * (attempts != 1)} in {seconds:.1f} s"
        if wait.blockers:
            blocking = ("In its way when it gave up:\n" + "\n".join(
                f"    {blocker}" for blocker in wait.blockers))
        else:
            blocking = "No session held a conflicting lock when it gave up."
        pids = [blocker.split()[1] for blocker in wait.blockers
                if blocker.startswith("pid ")][:3]
        end = (" or end them (" + "; ".join(f"SELECT pg_terminate_backend({pid})"
                                           for pid in pids) + ")") if pids else ""
        down = " Down" if wait.direction == "down" else ""
        RunnerError.__init__(
            self, f"migration {wait.version} ({wait.description}){down} gave up waiting for"
            f" its locks after {tries}: each time it {wait.what_happened()}, at statement"
            f" {index + 1} of {total}:\n{indented}\n{blocking}\n{server.describe()}\n{left}\n"
            f"To go on: wait for the sessions in its way to end{end}, then run it again;"
            " --lock-wait-budget and --lock-retries (or lock_wait_budget and lock_retries in"
            " [tool.pgshift]) wait longer.")
