"""Exit codes of the `pgshift` command: a stable contract for scripts (docs/cli.md)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2
    COMPILE = 3
    STALE = 4
    CONFIG = 5
    LOCK_HELD = 10
    LOCK_ERROR = 11
    TABLE_ERROR = 12
    DIRTY = 13
    MIGRATION_FAILED = 14
    LOCK_RELEASE = 15
    CHECKSUM_MISMATCH = 16
    UNKNOWN_VERSIONS = 17
    IRREVERSIBLE = 18
    DRIFT = 19
    LINT = 20
    VERIFY = 21
    PENDING = 22
    OUT_OF_ORDER = 23


class CommandFailed(Exception):
    """An expected failure of a command: the message to print and the code to exit with."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.code = code
