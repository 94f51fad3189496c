"""The partition rules on detach, beside the proofs every rule has in test_lint_rules.py:
without `concurrently` it is found, with it not, and with a default partition (where
PostgreSQL refuses `concurrently`) the advice says so."""

from __future__ import annotations

from pgshift.compiler.history import compile_texts

EVENTS = """\
table events {
    id bigint not null
    at date not null
} partition by range (at)
partition events_2025 of events for values from ('2025-01-01') to ('2026-01-01')
"""


def _findings(*migrations: str) -> list[tuple[str, str]]:
    files = [(f"0.0.{n}_step.shift", text) for n, text in enumerate(migrations, 1)]
    history = compile_texts(files)
    assert not history.errors, history.errors
    return [(d.code, d.help or "") for d in history.diagnostics
            if d.file.startswith(f"0.0.{len(migrations)}_")]


def test_detach_without_concurrently_blocks_the_whole_table() -> None:
    [(code, help_text)] = _findings(EVENTS, "alter table events {\n"
                                            "    detach partition events_2025\n}\n")
    assert code == "partition-blocks"
    assert "concurrently" in help_text


def test_detach_concurrently_is_left_alone() -> None:
    assert _findings(EVENTS, "alter table events {\n"
                             "    detach partition events_2025 concurrently\n}\n") == []


def test_with_a_default_partition_the_advice_is_a_quiet_moment() -> None:
    [(code, help_text)] = _findings(
        EVENTS + "partition events_other of events default\n",
        "alter table events {\n    detach partition events_2025\n}\n")
    assert code == "partition-blocks"
    assert "only from a table without a default partition ('events_other')" in help_text
