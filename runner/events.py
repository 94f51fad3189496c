"""Structured events: what the runner says as it works, for people and for machines.

An event is a record of the `pgshift` logger (or the logger given to the Manager and the
migrator) whose `event` attribute names it and whose `fields` attribute holds its data.
People read its message; `--log-format json` prints each as one JSON object
(pgshift/commands/log_output.py). The names, levels and fields are a contract, listed in
docs/operations.md; a field that does not apply is left out.

Events and their fields (besides `event`, `level`, `message` and `timestamp`):

- `lock_waiting` (NOTICE): `holder`, `wait_s`; `lock_acquired` (INFO): `waited_ms`;
  `lock_released` (DEBUG).
- `run_started`, `run_finished` (INFO): `direction`, `count`, and at the end `duration_ms`.
- `migration_started` (INFO): `version`, `description`, `direction`, `transactional`,
  `statements`; `migration_finished` (INFO): `version`, `direction`, `duration_ms`.
- `statement` (DEBUG): `version`, `direction`, `statement_index`, `duration_ms`, `sql`.
- `lock_retry` (WARNING): `version`, `direction`, `statement_index`, `attempt`, `sqlstate`,
  `delay_ms`, `locks`, `blockers`.
- `index_progress` (INFO): `version`, `statement_index`, `phase`, `blocks_done`,
  `blocks_total`, `tuples_done`, `tuples_total`.
- `migration_failed` (ERROR): `version`, `direction`, `statement_index`, `sqlstate`,
  `error`.
"""

from __future__ import annotations

import logging
from typing import Any

NOTICE = 25  # between INFO and WARNING: what a person should see without --verbose
logging.addLevelName(NOTICE, "NOTICE")


def emit(logger: logging.Logger, level: int, event: str, message: str, **fields: Any) -> None:
    """Log one event; fields whose value is None are left out."""
    if logger.isEnabledFor(level):
        logger.log(level, "%s", message, extra={
            "event": event, "fields": {k: v for k, v in fields.items() if v is not None}})


def wants(logger: logging.Logger, level: int) -> bool:
    """Whether anyone listens at `level`: work done only to report (timing each statement
    of a pipelined migration, polling an index build's progress) is skipped otherwise."""
    return logger.isEnabledFor(level)
