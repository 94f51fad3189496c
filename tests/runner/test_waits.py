"""The pure parts of lock waits and segmented runs, no database needed: the backoff's
delays (runner/waits.py), when the attempts stop, how statements group into segments and
what a failure at each point is said to leave (runner/segments.py)."""

from __future__ import annotations

import itertools
import random

import pytest

from pgshift.runner.migration import Migration, StatementPlan
from pgshift.runner.segments import concurrent_note, dirty_left, segments_of, statement_at
from pgshift.runner.waits import Attempts, RetryPolicy

SEEDS = range(20)
ORDINARY = StatementPlan()
CONCURRENT = StatementPlan(concurrently=True)


class Clock:
    """A monotonic clock the test moves by hand: what `sleep` and a statement would take."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Highest(random.Random):
    """Jitter that always draws the top of the range, so each delay is its ceiling."""

    def uniform(self, a: float, b: float) -> float:
        return b


# ---------------------------------------------------------------- RetryPolicy.delay


@pytest.mark.parametrize("seed", SEEDS)
def test_delay_doubles_from_the_first_until_the_cap(seed: int) -> None:
    """The same draw at each retry shows the ceiling alone: 0.5, 1, 2, ... 16, then 30."""
    policy = RetryPolicy()
    delays = [policy.delay(retry, random.Random(seed)) for retry in range(1, 10)]
    draw = delays[0] / policy.first_delay_s
    assert 0.5 <= draw <= 1.0
    assert delays[:6] == pytest.approx([d * draw for d in (0.5, 1, 2, 4, 8, 16)])
    assert delays[6:] == pytest.approx([30 * draw] * 3)


def test_delay_stays_capped_far_out() -> None:
    policy = RetryPolicy(first_delay_s=0.25, max_delay_s=5.0)
    assert policy.delay(40, Highest()) == 5.0
    assert policy.delay(1000, Highest()) == 5.0
    assert policy.delay(3, Highest()) == 1.0


def test_delay_stays_capped_past_a_thousand_retries() -> None:
    """2.0 ** (retry - 1) overflows a float from retry 1025."""
    assert RetryPolicy().delay(1025, Highest()) == 30.0


@pytest.mark.parametrize("seed", SEEDS)
def test_delay_is_drawn_between_half_and_all_of_its_ceiling(seed: int) -> None:
    """Equal jitter: never under half (a retry storm), never over the ceiling."""
    policy = RetryPolicy(first_delay_s=0.1, max_delay_s=3.0)
    chance = random.Random(seed)
    for retry in range(1, 12):
        ceiling = min(3.0, 0.1 * 2 ** (retry - 1))
        for _ in range(50):
            assert ceiling / 2 <= policy.delay(retry, chance) <= ceiling


def test_delay_jitter_spreads_over_the_range() -> None:
    """Instances that failed together must not all come back together."""
    chance = random.Random(7)
    delays = [RetryPolicy().delay(10, chance) for _ in range(1000)]
    assert len(set(delays)) == 1000
    assert min(delays) < 16.0 < 29.0 < max(delays)


def test_a_seeded_random_repeats_its_delays() -> None:
    policy = RetryPolicy()
    first = [policy.delay(r, random.Random(3)) for r in range(1, 8)]
    assert first == [policy.delay(r, random.Random(3)) for r in range(1, 8)]


# ---------------------------------------------------------------- Attempts.next_delay


def test_attempts_stop_after_the_retries() -> None:
    attempts = Attempts(RetryPolicy(retries=3, budget_s=1e9), clock=Clock(),
                        chance=random.Random(1))
    delays = [attempts.next_delay() for _ in range(5)]
    assert [d is not None for d in delays] == [True, True, True, False, False]
    assert attempts.made == 4, "the first attempt and three more"


def test_no_retries_means_one_attempt() -> None:
    attempts = Attempts(RetryPolicy(retries=0), clock=Clock(), chance=random.Random(1))
    assert attempts.next_delay() is None
    assert attempts.made == 1


def test_each_retry_gets_the_delay_of_its_number() -> None:
    policy = RetryPolicy(retries=6, budget_s=1e9, first_delay_s=1.0, max_delay_s=4.0)
    attempts = Attempts(policy, clock=Clock(), chance=Highest())
    assert [attempts.next_delay() for _ in range(7)] == [1.0, 2.0, 4.0, 4.0, 4.0, 4.0, None]


def test_attempts_stop_when_the_next_would_start_after_the_budget() -> None:
    """Delays 1, 2, 4, 4 against a 10 s budget: the fourth retry would start at 11 s."""
    clock = Clock(500.0)
    policy = RetryPolicy(retries=100, budget_s=10.0, first_delay_s=1.0, max_delay_s=4.0)
    attempts = Attempts(policy, clock=clock, chance=Highest())
    for expected in (1.0, 2.0, 4.0):
        delay = attempts.next_delay()
        assert delay == expected
        clock.now += delay  # the sleep; the attempt itself takes no time here
    assert attempts.elapsed == 7.0
    assert attempts.next_delay() is None
    assert attempts.made == 4, "the attempt not made is not counted"


def test_an_attempt_starting_exactly_at_the_budget_is_made() -> None:
    clock = Clock()
    policy = RetryPolicy(retries=100, budget_s=3.0, first_delay_s=1.0, max_delay_s=4.0)
    attempts = Attempts(policy, clock=clock, chance=Highest())
    assert attempts.next_delay() == 1.0
    clock.now += 1.0
    assert attempts.next_delay() == 2.0  # 1 + 2 == 3: on the budget, not after it
    clock.now += 2.0
    assert attempts.next_delay() is None


def test_time_spent_in_the_attempts_counts_against_the_budget() -> None:
    """Not only the sleeps: a statement that waited its lock_timeout used time too."""
    clock = Clock()
    policy = RetryPolicy(retries=100, budget_s=10.0, first_delay_s=1.0, max_delay_s=1.0)
    attempts = Attempts(policy, clock=clock, chance=Highest())
    clock.now += 9.5  # the first attempt ran long
    assert attempts.next_delay() is None
    assert attempts.made == 1


def test_elapsed_counts_from_construction() -> None:
    clock = Clock(123.0)
    attempts = Attempts(RetryPolicy(), clock=clock)
    clock.now = 125.5
    assert attempts.elapsed == 2.5


# ---------------------------------------------------------------- segments_of


@pytest.mark.parametrize(("plans", "segments"), [
    ((), []),
    ((ORDINARY,), [[0]]),
    ((ORDINARY, ORDINARY, ORDINARY), [[0, 1, 2]]),
    ((CONCURRENT,), [[0]]),
    ((CONCURRENT, CONCURRENT), [[0], [1]]),
    ((ORDINARY, CONCURRENT, ORDINARY, ORDINARY), [[0], [1], [2, 3]]),
    ((CONCURRENT, ORDINARY, ORDINARY), [[0], [1, 2]]),
    ((ORDINARY, ORDINARY, CONCURRENT), [[0, 1], [2]]),
    ((ORDINARY, CONCURRENT, CONCURRENT, ORDINARY), [[0], [1], [2], [3]]),
], ids=["none", "one", "ordinary", "concurrent", "two-concurrent", "mixed",
        "concurrent-first", "concurrent-last", "concurrent-pair"])
def test_segments_group_ordinary_runs_and_isolate_concurrent_statements(
        plans: tuple[StatementPlan, ...], segments: list[list[int]]) -> None:
    assert segments_of(plans) == segments


def test_segments_keep_every_statement_once_in_order() -> None:
    chance = random.Random(11)
    for _ in range(200):
        plans = [CONCURRENT if chance.random() < 0.3 else ORDINARY
                 for _ in range(chance.randrange(12))]
        segments = segments_of(plans)
        assert [i for segment in segments for i in segment] == list(range(len(plans)))
        for segment in segments:
            assert len(segment) == 1 or not any(plans[i].concurrently for i in segment)
        for before, after in itertools.pairwise(segments):
            assert plans[before[0]].concurrently or plans[after[0]].concurrently


# ---------------------------------------------------------------- the messages


def migration() -> Migration:
    return Migration("0.0.7", "mixed", "c0ffee", False,
                     ("ALTER TABLE t ADD COLUMN a int", "CREATE INDEX CONCURRENTLY i ON t (a)"),
                     ("DROP INDEX CONCURRENTLY i", "ALTER TABLE t DROP COLUMN a"))


@pytest.mark.parametrize(("direction", "applied", "done"), [
    ("up", 0, "none of its statements is applied;"),
    ("up", 1, "statement 1 of its Up is applied;"),
    ("up", 3, "statements 1 to 3 of its Up are applied;"),
    ("down", 1, "statement 1 of its Down is applied;"),
    ("down", 2, "statements 1 to 2 of its Down are applied;"),
])
def test_dirty_left_says_which_statements_are_applied(direction: str, applied: int,
                                                      done: str) -> None:
    text = dirty_left(migration(), direction, applied)
    assert text.startswith(f"It is not transactional: {done}")
    assert "marked dirty at version 0.0.7" in text
    assert "`pgshift repair` settles it" in text
    assert "`pgshift force VERSION`" in text
    assert "ran in one transaction" not in text


@pytest.mark.parametrize("statement", [
    "CREATE INDEX CONCURRENTLY i ON t (a)",
    "CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)",
    "create unique index concurrently i on t (a)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)",
    "\n  CREATE   INDEX\n  CONCURRENTLY i\n  ON t USING hnsw (embedding vector_l2_ops)",
])
def test_concurrent_note_for_a_failed_create_index_concurrently(statement: str) -> None:
    note = concurrent_note(statement)
    assert note.startswith(" ")  # appended to the sentence before it
    assert "INVALID" in note
    assert "DROP INDEX CONCURRENTLY" in note


@pytest.mark.parametrize("statement", [
    "DROP INDEX CONCURRENTLY i",
    "CREATE INDEX i ON t (a)",
    "CREATE UNIQUE INDEX i ON t (a)",
    "ALTER TABLE t ADD COLUMN a int",
    "COMMENT ON INDEX i IS 'CREATE INDEX CONCURRENTLY'",
    "",
])
def test_no_concurrent_note_for_anything_else(statement: str) -> None:
    assert concurrent_note(statement) == ""


def test_statement_at_names_the_history_row_then_commit_past_the_statements() -> None:
    statements = ("ALTER TABLE t ADD COLUMN a int", "ALTER TABLE t ADD COLUMN b int")
    assert statement_at(statements, 1, "the row") == "ALTER TABLE t ADD COLUMN b int"
    assert statement_at(statements, 2, "the row") == "the row"
    assert statement_at(statements, 3, "the row") == "COMMIT"
