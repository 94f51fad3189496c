"""`Manager`: applies and reverts generated migrations through a Migrator, under its lock.

run: ensure the table → take the lock → refuse a dirty database → refuse unknown versions
and edited migrations → apply what is pending in version order → release the lock, also
on failure (a failing release is reported without hiding the failure before it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from .errors import (
    ChecksumMismatch,
    ConnectionLost,
    DirtyDatabase,
    IrreversibleError,
    LockReleaseError,
    MigrationFailed,
    NoSuchVersion,
    NotAtomic,
    OutOfOrder,
    UnknownVersions,
)
from .events import emit
from .migration import Migration, version_key
from .protocol import AppliedMigration, Migrator
from .segments import REPAIR_HINT

Progress = Callable[[int, int, Migration], None]


@dataclass(frozen=True, slots=True)
class Status:
    """What is applied, what is pending, and the state of the newest record."""

    applied: list[AppliedMigration]
    pending: list[Migration]
    unknown: list[AppliedMigration]

    @property
    def current_version(self) -> str | None:
        return self.applied[-1].version if self.applied else None

    @property
    def dirty(self) -> bool:
        return any(a.dirty for a in self.applied)


def status_of(applied: list[AppliedMigration], migrations: Sequence[Migration]) -> Status:
    known = {m.version for m in migrations}
    done = {a.version for a in applied}
    return Status(
        applied=applied,
        pending=[m for m in sorted(migrations, key=lambda m: m.version_key)
                 if m.version not in done],
        unknown=[a for a in applied if a.version not in known],
    )


class Manager:
    """Runs migrations through `migrator`, logging each step to `logger`."""

    def __init__(self, migrator: Migrator, logger: logging.Logger) -> None:
        self.migrator = migrator
        self.logger = logger

    @contextmanager
    def locked(self, wait: float | None = None) -> Iterator[None]:
        """Ensure the table, hold the lock for the block, release it whatever happens."""
        self.migrator.ensure_table()
        started = time.monotonic()
        self.migrator.acquire_lock(wait)
        waited = round((time.monotonic() - started) * 1000)
        emit(self.logger, logging.INFO, "lock_acquired",
             f"took the migration lock (waited {waited} ms)", waited_ms=waited)
        try:
            yield
        except BaseException as failure:
            if isinstance(failure, MigrationFailed):
                self._failed(failure)
            if isinstance(failure, ConnectionLost):
                raise  # the lock went with the session; its message says so
            try:
                self.migrator.release_lock()
            except LockReleaseError as release:
                emit(self.logger, logging.ERROR, "lock_release_failed", str(release))
                failure.add_note(f"Also: {release}")
            raise
        self.migrator.release_lock()
        emit(self.logger, logging.DEBUG, "lock_released", "released the migration lock")

    def _failed(self, failure: MigrationFailed) -> None:
        server = failure.server
        emit(self.logger, logging.ERROR, "migration_failed", str(failure).splitlines()[0],
             version=failure.version, direction=failure.direction,
             statement_index=failure.index, sqlstate=server.sqlstate, error=server.message)

    def status(self, migrations: Sequence[Migration]) -> Status:
        """Read-only: no table is created and no lock is taken."""
        return status_of(self.migrator.applied(), migrations)

    def _verified(self, migrations: Sequence[Migration], ignore_checksums: bool) -> Status:
        state = self.status(migrations)
        refuse_dirty(state, "Nothing was run.")
        if state.unknown:
            versions = ", ".join(a.version for a in state.unknown)
            raise UnknownVersions(
                f"the database has version(s) {versions} that this build does not know: it was"
                " migrated by a newer build, or migrations were deleted; nothing was run")
        by_version = {m.version: m for m in migrations}
        edited = [a for a in state.applied if by_version[a.version].checksum != a.checksum]
        if edited and not ignore_checksums:
            names = ", ".join(a.version for a in edited)
            raise ChecksumMismatch(
                f"applied migration(s) {names} were edited after they ran: their checksum"
                " differs from the database's record. Restore the original file(s) and put"
                " the change in a new migration (or pass --ignore-checksums); nothing was run")
        return state

    def to_apply(self, migrations: Sequence[Migration], *, target: str | None = None,
                 ignore_checksums: bool = False, out_of_order: bool = False,
                 ) -> list[Migration]:
        """What `run` would apply now, after the same checks; changes nothing, takes no lock."""
        state = self._verified(migrations, ignore_checksums)
        pending = state.pending
        if not out_of_order:
            _check_in_order(state)
        if target is not None:
            _require(migrations, target)
            pending = [m for m in pending if m.version_key <= version_key(target)]
        return pending

    def to_revert(self, migrations: Sequence[Migration], *, steps: int | None = 1,
                  target: str | None = None, ignore_checksums: bool = False) -> list[Migration]:
        """What `rollback` would revert now, newest first; raises if one is irreversible."""
        state = self._verified(migrations, ignore_checksums)
        by_version = {m.version: m for m in migrations}
        newest_first = [by_version[a.version] for a in reversed(state.applied)]
        if target is not None:
            _require(migrations, target)
            chosen = [m for m in newest_first if m.version_key > version_key(target)]
        else:
            chosen = newest_first[: steps if steps is not None else len(newest_first)]
        blocked = [m for m in chosen if not m.reversible]
        if blocked:
            raise IrreversibleError(
                f"migration {blocked[0].version} ({blocked[0].description}) is irreversible:"
                " it has no Down, so nothing was reverted")
        return chosen

    def run(self, migrations: Sequence[Migration], *, target: str | None = None,
            wait: float | None = None, ignore_checksums: bool = False,
            progress: Progress | None = None, atomic: bool = False,
            out_of_order: bool = False) -> list[Migration]:
        """Apply pending migrations (up to `target`); return those applied. `atomic`: all
        in one transaction, refused before anything runs when one cannot be.
        `out_of_order`: apply a pending migration older than the newest applied one,
        which is refused otherwise."""
        with self.locked(wait):
            pending = self.to_apply(migrations, target=target, ignore_checksums=ignore_checksums,
                                    out_of_order=out_of_order)
            numbers = {m.version: number for number, m in enumerate(pending, 1)}
            if atomic:
                _check_atomic(pending)

            def starting(migration: Migration) -> None:
                if progress is not None:
                    progress(numbers[migration.version], len(pending), migration)

            with self._run_events("up", len(pending)):
                if atomic and pending:
                    self.migrator.migrate_atomically(pending, starting)
                else:
                    self.migrator.migrate_many(pending, starting)
            return pending

    def rollback(self, migrations: Sequence[Migration], *, steps: int | None = 1,
                 target: str | None = None, wait: float | None = None,
                 ignore_checksums: bool = False,
                 progress: Progress | None = None) -> list[Migration]:
        """Revert the newest `steps` applied migrations, or all newer than `target`."""
        with self.locked(wait):
            chosen = self.to_revert(migrations, steps=steps, target=target,
                                    ignore_checksums=ignore_checksums)
            with self._run_events("down", len(chosen)):
                for number, migration in enumerate(chosen, 1):
                    if progress is not None:
                        progress(number, len(chosen), migration)
                    self.migrator.rollback(migration)
            return chosen

    @contextmanager
    def _run_events(self, direction: str, count: int) -> Iterator[None]:
        """run_started before, run_finished after a run that did not fail."""
        up = direction == "up"
        verb, done, idle = (("applying", "applied", "nothing to apply") if up
                            else ("reverting", "reverted", "nothing to revert"))
        many = f"{count} migration{'s' * (count != 1)}"
        # Nothing to do is the usual case at a service's start-up: say so plainly.
        emit(self.logger, logging.INFO, "run_started", f"{verb} {many}" if count else idle,
             direction=direction, count=count)
        started = time.monotonic()
        yield
        took = round((time.monotonic() - started) * 1000)
        finished = f"{done} {many} in {took} ms" if count else f"{idle} (checked in {took} ms)"
        emit(self.logger, logging.INFO, "run_finished", finished, direction=direction,
             count=count, duration_ms=took)

    def force(self, migrations: Sequence[Migration], version: str | None) -> str | None:
        """Record `version` as current, clean; returns it as the build spells it (a user
        may write 0.0.03 for 0.0.3)."""
        if version is not None:
            version = _require(migrations, version).version
        with self.locked():
            self.migrator.force(version, list(migrations))
        return version


def refuse_dirty(state: Status, outcome: str) -> None:
    """Raise DirtyDatabase when a version is dirty: what stopped, where, and the way out;
    `outcome` says what the command did not do."""
    dirty = [a for a in state.applied if a.dirty]
    if dirty:
        row = dirty[-1]
        failed = f"; it failed at:\n    {row.failed_statement.strip()}" if (
            row.failed_statement) else ""
        raise DirtyDatabase(
            f"the database is dirty at version {row.version}: a non-transactional migration"
            f" stopped part-way{failed}\n{outcome} {REPAIR_HINT}")


def _check_in_order(state: Status) -> None:
    """Refuse a pending migration older than the newest applied one: written on a branch
    merged after a newer one ran, it was never applied before that newer one, as it was
    everywhere else (and the history would list it out of version order)."""
    if not state.applied:
        return
    newest = max(state.applied, key=lambda a: version_key(a.version))
    older = [m for m in state.pending if m.version_key < version_key(newest.version)]
    if older:
        names = ", ".join(f"{m.version} ({m.description})" for m in older)
        several = len(older) > 1
        raise OutOfOrder(
            f"pending migration{'s' * several} {names} {'are' if several else 'is'} older than"
            f" {newest.version} ({newest.description}), which is applied: applying"
            f" {'them' if several else 'it'} now would run {'them' if several else 'it'}"
            " after a newer one, unlike on a database migrated in order. Nothing was run."
            " Give it a version after the newest applied one (rename the file), or apply it"
            " anyway with --out-of-order")


def _check_atomic(pending: Sequence[Migration]) -> None:
    outside = [m for m in pending if not m.transactional]
    if outside:
        names = ", ".join(f"{m.version} ({m.description})" for m in outside)
        raise NotAtomic(
            f"--atomic applies every pending migration in one transaction, and"
            f" {'these cannot run' if len(outside) > 1 else 'this one cannot run'} in one"
            f" (index concurrently): {names}. Nothing was run; apply without --atomic, or"
            " up to the version before it with --to")


def migration_named(migrations: Sequence[Migration], version: str) -> Migration | None:
    """The migration a user's VERSION names (0.0.03 is 0.0.3), if there is one."""
    if all(part.isdigit() for part in version.split(".")):
        for migration in migrations:
            if migration.version_key == version_key(version):
                return migration
    return None


def _require(migrations: Sequence[Migration], version: str) -> Migration:
    """The migration with this version, or NoSuchVersion."""
    found = migration_named(migrations, version)
    if found is None:
        known = ", ".join(m.version for m in migrations) or "none"
        raise NoSuchVersion(f"no migration with version {version} (known: {known})")
    return found


def new_migration_manager(migrator: Migrator, logger: logging.Logger | None = None) -> Manager:
    return Manager(migrator, logger or logging.getLogger("pgshift"))
