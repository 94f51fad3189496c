"""What a dirty migration left in the live database, object by object, and whether it is
safe to repair without a person.

Three catalog snapshots decide it: the schema just before the migration and just after it
(both built in a scratch database from the compiled migrations), and the live one. Only
the objects the migration changes are looked at, so drift elsewhere does not get in the
way. Each is applied (as compiled), not applied (as before), or neither; an INVALID index
the schema before did not have is what a failed concurrent build left, and can go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .drift import KEY_FIELDS, WHAT, Snapshot, describe_row

State = Literal["applied", "not applied", "different"]
Verdict = Literal["applied", "not applied", "mixed"]


@dataclass(frozen=True, slots=True)
class ObjectState:
    """One object the migration changes, and how the live database has it."""

    kind: str
    name: str
    state: State
    compiled: str | None  # its definition after the migration (None: the migration drops it)
    live: str | None  # in the live database (None: absent)

    def describe(self) -> str:
        what = f"{WHAT[self.kind]} {self.name}"
        if self.state == "applied":
            return f"= {what}: as the migration makes it"
        if self.state == "not applied":
            return f"- {what}: as before the migration"
        return (f"~ {what}: the database has {self.live or 'nothing'}; the migration makes"
                f" {self.compiled or 'nothing'}")


@dataclass(frozen=True, slots=True)
class Assessment:
    objects: list[ObjectState] = field(default_factory=list)
    invalid_indexes: list[tuple[str, str]] = field(default_factory=list)  # (schema, name)

    @property
    def verdict(self) -> Verdict:
        """`applied` when every object is as the migration makes it; `not applied` when
        every one is as before (an INVALID index aside); `mixed` otherwise, and when the
        migration changes no object pgshift can see (its data, say), which no catalog can
        tell apart."""
        states = {o.state for o in self.objects}
        if states == {"applied"}:
            return "applied"
        if states == {"not applied"} or (not states and self.invalid_indexes):
            return "not applied"
        return "mixed"


def assess(before: Snapshot, after: Snapshot, live: Snapshot) -> Assessment:
    """Each object that differs between `before` and `after`, as `live` has it; and the
    INVALID indexes `live` has that neither of them has."""
    objects: list[ObjectState] = []
    invalid: list[tuple[str, str]] = []
    for kind, width in KEY_FIELDS.items():
        old = _keyed(before, kind, width)
        new = _keyed(after, kind, width)
        now = _keyed(live, kind, width)
        if kind == "indexes":  # a row: schema, name, definition, comment, valid
            # An INVALID index the schema before did not have is what a failed concurrent
            # build of this migration left: it goes, and counts as not there.
            left = [key for key, row in now.items() if not row[4] and key not in old]
            invalid += [(str(schema), str(name)) for schema, name in left]
            now = {key: row for key, row in now.items() if key not in left}
        for key in sorted(old.keys() | new.keys(), key=lambda k: tuple(map(str, k))):
            if old.get(key) == new.get(key):
                continue  # the migration does not change it
            found = now.get(key)
            state: State = ("applied" if found == new.get(key) else
                            "not applied" if found == old.get(key) else "different")
            objects.append(ObjectState(
                kind, ".".join(map(str, key)), state,
                describe_row(kind, new[key]) if key in new else None,
                describe_row(kind, found) if found is not None else None))
    return Assessment(objects, invalid)


def _keyed(snapshot: Snapshot, kind: str, width: int) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    return {row[:width]: row for row in snapshot.get(kind, [])}
