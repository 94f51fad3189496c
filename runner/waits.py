"""How long a migration may wait for its locks, and how it tries again when it cannot get them.

A statement that waits for a table lock queues every later query on that table behind
it: while pgshift waits for ACCESS EXCLUSIVE, the application cannot even read. So every
statement runs under a short `lock_timeout`, and a migration that times out is rolled
back, waits with the table free, and tries again (exponential backoff with jitter), up
to a number of retries and a total time. The defaults and why: docs/operations.md.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# 500 ms: the longest the application waits behind one attempt. Queries of a busy OLTP
# application take milliseconds, so a lock that can be had at all is had well within it;
# a lock that is not there in 500 ms belongs to a long transaction, which waiting longer
# would only turn into an outage (bench/lock_bench.py measures both).
DEFAULT_LOCK_TIMEOUT_MS = 500
DEFAULT_LOCK_RETRIES = 30
DEFAULT_LOCK_WAIT_BUDGET_S = 300.0
FIRST_DELAY_S = 0.5
MAX_DELAY_S = 30.0

# SQLSTATEs after which the migration's transaction is rolled back and may simply run
# again: lock_not_available (a lock_timeout) and deadlock_detected.
RETRYABLE = frozenset({"55P03", "40P01"})


@dataclass(frozen=True, slots=True)
class Timeouts:
    """The session settings every migration statement runs under, in milliseconds.

    `lock_timeout_ms` 0 waits without limit; `statement_timeout_ms` None leaves the
    server's and role's setting alone. A migration's header overrides both for itself.
    """

    lock_timeout_ms: int = DEFAULT_LOCK_TIMEOUT_MS
    statement_timeout_ms: int | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often, and for how long in all, a migration that could not get its locks runs
    again: `retries` more attempts at most, none starting after `budget_s` seconds."""

    retries: int = DEFAULT_LOCK_RETRIES
    budget_s: float = DEFAULT_LOCK_WAIT_BUDGET_S
    first_delay_s: float = FIRST_DELAY_S
    max_delay_s: float = MAX_DELAY_S

    def delay(self, retry: int, chance: random.Random) -> float:
        """The pause before retry number `retry` (1, 2, …): doubling from `first_delay_s`,
        capped at `max_delay_s`, each drawn between half and all of that ("equal
        jitter"), so instances that failed together do not come back together."""
        doublings = min(retry - 1, 64)  # past the cap anyway; 2.0 ** 1024 overflows
        ceiling = min(self.max_delay_s, self.first_delay_s * 2.0 ** doublings)
        return ceiling * chance.uniform(0.5, 1.0)


@dataclass(slots=True)
class Attempts:
    """One piece of work's attempts against a RetryPolicy: counts them, and says how long
    to sleep before the next one, or that there is none left."""

    policy: RetryPolicy
    clock: Callable[[], float] = time.monotonic
    chance: random.Random = field(default_factory=random.Random)
    started: float = field(init=False)
    made: int = field(init=False, default=1)

    def __post_init__(self) -> None:
        self.started = self.clock()

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    def next_delay(self) -> float | None:
        """The pause before another attempt, counting it as made; None when the retries or
        the budget are spent (an attempt that would start after the budget is not made)."""
        if self.made > self.policy.retries:
            return None
        delay = self.policy.delay(self.made, self.chance)
        if self.elapsed + delay > self.policy.budget_s:
            return None
        self.made += 1
        return delay
