"""Drift: how a live schema differs from the one its applied migrations should have built.

Both sides are catalog snapshots (runner/catalog.py); objects are matched by name, so a
difference says which object is missing, unexpected, or defined otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

Snapshot = dict[str, list[tuple[Any, ...]]]

# How many leading fields of each kind's rows name the object.
KEY_FIELDS = {"schemas": 1, "extensions": 1, "enums": 2, "tables": 2, "columns": 3,
              "constraints": 3, "indexes": 2, "sequences": 2, "views": 2, "functions": 2,
              "triggers": 3, "policies": 3, "row_security": 2,
              "grants": 4}
WHAT = {"schemas": "schema", "extensions": "extension", "enums": "enum", "tables": "relation",
        "columns": "column", "constraints": "constraint", "indexes": "index",
        "sequences": "sequence", "views": "view", "functions": "function",
        "triggers": "trigger", "policies": "policy",
        "row_security": "row level security of table",
        "grants": "privileges on"}
RELKINDS = {"r": "table", "p": "partitioned table", "S": "sequence", "v": "view",
            "m": "materialized view"}


@dataclass(frozen=True, slots=True)
class Difference:
    kind: str
    name: str
    change: Literal["missing", "unexpected", "changed"]
    expected: str | None
    actual: str | None

    def describe(self) -> str:
        what = WHAT[self.kind]
        if self.change == "missing":
            return (f"- {what} {self.name} is missing from the database (expected:"
                    f" {self.expected})")
        if self.change == "unexpected":
            return (f"+ {what} {self.name} is in the database but not in the migrations"
                    f" ({self.actual})")
        return (f"~ {what} {self.name} differs: the database has {self.actual}; the migrations"
                f" give {self.expected}")

    def as_json(self) -> dict[str, Any]:
        return {"kind": WHAT[self.kind], "name": self.name, "change": self.change,
                "expected": self.expected, "actual": self.actual}


def describe_row(kind: str, row: tuple[Any, ...]) -> str:
    """The defining part of a catalog row, in words PostgreSQL would use."""
    if kind == "columns":
        _, _, _, type_name, not_null, default, identity, generated, collation, comment = row
        text = str(type_name) + (" NOT NULL" if not_null else " NULL")
        if default is not None:
            text += f" DEFAULT {default}"
        if identity:
            text += " GENERATED " + ("ALWAYS" if identity == "a" else "BY DEFAULT") + " AS IDENTITY"
        if generated:
            text += " GENERATED ALWAYS (stored)"
        if collation:
            text += f" COLLATE {collation}"
        return text + (f", comment {comment!r}" if comment else "")
    if kind == "constraints":
        return str(row[4]) + (f", comment {row[5]!r}" if row[5] else "")
    if kind == "indexes":
        valid = "" if len(row) < 5 or row[4] else ", INVALID (a failed concurrent build)"
        return str(row[2]) + (f", comment {row[3]!r}" if row[3] else "") + valid
    if kind == "sequences":
        _, _, type_name, start, increment, low, high, cache, cycle, *owner = row
        owned = f" OWNED BY {owner[0]}" if owner and owner[0] else ""
        return (f"{type_name} START {start} INCREMENT {increment} MINVALUE {low} MAXVALUE"
                f" {high} CACHE {cache}{' CYCLE' if cycle else ''}{owned}")
    if kind == "views":
        options = f", options {', '.join(row[3])}" if len(row) > 3 and row[3] else ""
        populated = ", not populated" if len(row) > 4 and not row[4] else ""
        return " ".join(str(row[2]).split()).rstrip(";") + options + populated
    if kind == "functions":
        comment = f", comment {row[3]!r}" if len(row) > 3 and row[3] else ""
        return " ".join(str(row[2]).split()) + comment
    if kind == "triggers":
        return str(row[3])
    if kind == "policies":
        _, _, _, permissive, roles, command, using, check = row
        return (f"{permissive} FOR {command} TO {', '.join(roles)}"
                + (f" USING ({using})" if using else "")
                + (f" WITH CHECK ({check})" if check else ""))
    if kind == "grants":
        return f"{row[4]} granted"
    if kind == "row_security":
        return ("enabled" if row[2] else "disabled") + (", forced" if row[3] else "")
    if kind == "tables":
        partitioning = "".join(
            f", {words} {row[index]}" for index, words in ((4, "partition by"),
                                                           (5, "partition of"))
            if len(row) > index and row[index])
        return (RELKINDS.get(row[2], str(row[2])) + partitioning
                + (f", comment {row[3]!r}" if row[3] else ""))
    if kind == "enums":
        return "(" + ", ".join(map(repr, row[2])) + ")"
    if kind == "extensions" and len(row) > 1:
        return f"installed in schema {row[1]}"
    if kind == "schemas" and len(row) > 1 and row[1] is not None:
        return f"comment {row[1]!r}"
    return "installed"


def _name(kind: str, key: tuple[Any, ...]) -> str:
    """How a difference names its object: `public.documents.title`; for privileges, what
    they are on and who holds them (`table public.documents to app`)."""
    if kind == "grants":
        what, schema, name, grantee = key
        return f"{what} {schema}{f'.{name}' if name else ''} to {grantee}"
    return ".".join(str(part) for part in key)


def compare(expected: Snapshot, actual: Snapshot) -> list[Difference]:
    """Every object that is missing, unexpected, or defined otherwise, in a stable order."""
    differences: list[Difference] = []
    for kind, width in KEY_FIELDS.items():
        if expected.get(kind, []) == actual.get(kind, []):  # the usual case, compared in C
            continue
        wanted = {row[:width]: row for row in expected.get(kind, [])}
        found = {row[:width]: row for row in actual.get(kind, [])}
        for key in sorted(wanted.keys() | found.keys(), key=_sort_key):
            name = _name(kind, key)
            if key not in found:
                differences.append(Difference(kind, name, "missing",
                                              describe_row(kind, wanted[key]), None))
            elif key not in wanted:
                differences.append(Difference(kind, name, "unexpected", None,
                                              describe_row(kind, found[key])))
            elif wanted[key] != found[key]:
                differences.append(Difference(kind, name, "changed",
                                              describe_row(kind, wanted[key]),
                                              describe_row(kind, found[key])))
    return differences


def _sort_key(key: Sequence[Any]) -> tuple[str, ...]:
    return tuple(str(part) for part in key)
