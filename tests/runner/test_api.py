"""`pgshift.runner.migrate`, the one call a service makes at start-up, from real processes.

Sixteen processes start at once, as the replicas of a service do after a deploy, each
calling migrate(url, migrations, wait=…): the lock makes them take turns, one applies
everything, the others find nothing pending, and the history holds one row per version.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pgshift.runner import LockHeld, migrate
from pgshift.runner.postgres import PostgresMigrator
from tests.runner import runner_support as support

migration = support.migration
PROCESSES = 16
TIMEOUT = 180  # seconds; only so that a hung process fails the test instead of hanging

SERVICE = """
import json, sys
from pgshift.runner import Migration, RunnerError, migrate

url, name, listing = sys.argv[1:4]
migrations = [Migration(v, d, c, t, tuple(up), tuple(down)) for v, d, c, t, up, down
              in json.loads(listing)]
try:
    applied = migrate(url, migrations, wait=120, application_name=name)
except RunnerError as failure:
    print(failure, file=sys.stderr)
    sys.exit(int(failure.exit_code))
print(json.dumps([m.version for m in applied]))
"""

STEPS = [
    migration("0.0.1", "CREATE TABLE documents (id bigint PRIMARY KEY, title text)",
              down=("DROP TABLE documents",)),
    migration("0.0.2", "SELECT pg_sleep(1)", "ALTER TABLE documents ADD COLUMN body text",
              down=("ALTER TABLE documents DROP COLUMN body",)),
    migration("0.0.3", "CREATE INDEX documents_title ON documents (title)",
              down=("DROP INDEX documents_title",)),
]


def _listing() -> str:
    return json.dumps([[m.version, m.description, m.checksum, m.transactional,
                        list(m.up_sql), list(m.down_sql or ())] for m in STEPS])


def test_sixteen_services_starting_at_once_apply_each_migration_once(database_url: str) -> None:
    processes = [subprocess.Popen([sys.executable, "-c", SERVICE, database_url, f"replica-{n}",
                                   _listing()], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for n in range(PROCESSES)]
    results = [(p.wait(TIMEOUT), *p.communicate()) for p in processes]

    assert [code for code, _, _ in results] == [0] * PROCESSES, [e for _, _, e in results]
    applied = sorted(json.loads(out) for _, out, _ in results)
    assert applied == [[]] * (PROCESSES - 1) + [["0.0.1", "0.0.2", "0.0.3"]]
    with support.connect(database_url) as connection:
        assert support.versions(connection) == ["0.0.1", "0.0.2", "0.0.3"]
        assert not any(row["dirty"] for row in support.history(connection))


def test_migrate_in_process_returns_what_it_applied(database_url: str) -> None:
    assert [m.version for m in migrate(database_url, STEPS, target="0.0.1")] == ["0.0.1"]
    assert [m.version for m in migrate(database_url, STEPS)] == ["0.0.2", "0.0.3"]
    assert migrate(database_url, STEPS) == []


def test_without_wait_a_held_lock_is_raised(database_url: str) -> None:
    holder = PostgresMigrator.connect(database_url, application_name="other-deploy")
    holder.ensure_table()
    holder.acquire_lock()
    try:
        with pytest.raises(LockHeld, match="other-deploy"):
            migrate(database_url, STEPS)
    finally:
        holder.close()
