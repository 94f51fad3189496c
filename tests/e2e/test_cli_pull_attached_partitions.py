"""`pgshift pull` and a table attached as a partition: it keeps the names it had (its key,
its indexes, its NOT NULLs), which `partition NAME of TABLE` would not give it, so pull
does not write it that way (the migration would rebuild it under other names): it leaves it
out, says so and how to add it; a partition made `of` its table is written as before."""

from __future__ import annotations

from tests.e2e.cli_database_support import Project, execute
from tests.e2e.test_cli_pull_roundtrip import _pull, _pulled

SCHEMA = """
CREATE TABLE events (
    id bigint NOT NULL,
    at date NOT NULL,
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE INDEX events_at ON events (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE events_2027 (
    id bigint NOT NULL,
    at date NOT NULL,
    CONSTRAINT events_2027_key PRIMARY KEY (id, at)
);
CREATE INDEX events_2027_on_at ON events_2027 (at);
ALTER TABLE events ATTACH PARTITION events_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
"""


def test_an_attached_table_keeping_its_names_is_left_out_with_a_warning(
        project: Project) -> None:
    execute(project.url, SCHEMA)
    warnings = _pull(project)
    text = _pulled(project)
    assert ("\npartition events_2026 of events for values from ('2026-01-01') to"
            " ('2027-01-01')\n") in text, text
    assert "events_2027" not in text, text
    assert ("table public.events_2027 is not written: it is a partition with a name, a default"
            " or an object of its own") in warnings, warnings
    assert "`attach" in warnings
