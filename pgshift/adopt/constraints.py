"""Which constraints `pull` writes in the language, and where: on its column's line (one
column, the name PostgreSQL would give it), in its table's block (named only where the
compiler would name it otherwise), in an `alter table` once every table exists (NOT VALID,
or a foreign key to a table not yet written), or as ALTER TABLE … ADD CONSTRAINT where the
language has no words for it or the compiler refused it.
"""

from __future__ import annotations

from ..compiler.naming import column_addition, make_object_name
from ..compiler.quoting import quote_ident
from . import language
from .language import Unwritable, name, qualified
from .lines import Choices, Lines, constraint_id, display, sql_name
from .records import Column, Constraint, Key, RawObject, Table


def added_later(lines: Lines, table: Table, constraints: list[Constraint],
                choices: Choices) -> None:
    """One `alter table` adding a table's deferred constraints; SQL for those it cannot."""
    said = []
    for constraint in constraints:
        owner = constraint_id(table, constraint)
        if constraint_as_sql(table, constraint, choices):
            lines.sql(add_constraint(table, constraint), owner)
            continue
        try:
            text = table_constraint(table, constraint, named=True)
        except Unwritable as why:
            choices.as_sql[owner] = str(why)
            lines.sql(add_constraint(table, constraint), owner)
            continue
        said.append((f"    add {text}{'' if constraint.validated else ' not valid'}", owner))
    if said:
        lines.blank()
        lines.add(f"alter table {qualified(table.key)} {{", said[0][1])
        for text, owner in said:
            lines.add(text, owner)
        lines.add("}", said[0][1])


def table_constraint(table: Table, constraint: Constraint, *, named: bool) -> str:
    columns = ", ".join(map(name, constraint.columns))
    if constraint.kind == "p":
        text = f"primary key ({columns})"
    elif constraint.kind == "u":
        distinct = "" if constraint.nulls_distinct else "nulls not distinct "
        text = f"unique {distinct}({columns})"
    elif constraint.kind == "c":
        text = f"check {language.backticks(language.unwrapped(constraint.expression or ''))}"
    else:
        assert constraint.references is not None
        text = f"foreign key ({columns}) " + language.references(
            constraint.references, constraint.ref_columns, constraint.on_delete,
            constraint.on_update)
    return f"constraint {name(constraint.name)} {text}" if named else text


def add_constraint(table: Table, constraint: Constraint) -> RawObject:
    target = sql_name(table.key)
    named = quote_ident(constraint.name)
    return RawObject("constraint", f"{display(table.key)}.{constraint.name}",
                     f"ALTER TABLE {target} ADD CONSTRAINT {named} {constraint.definition};",
                     f"ALTER TABLE {target} DROP CONSTRAINT {named};")


def constraint_as_sql(table: Table, constraint: Constraint, choices: Choices) -> bool:
    """A constraint the language cannot say: written as ALTER TABLE … ADD CONSTRAINT."""
    return beyond_the_language(constraint) is not None or (
        constraint.kind in "pucf" and constraint_id(table, constraint) in choices.as_sql)


def beyond_the_language(constraint: Constraint) -> str | None:
    """What of a constraint the language has no words for; None when it has."""
    if constraint.kind == "x":
        return "exclusion constraints"
    if constraint.kind not in "pucf":
        return None
    reasons = [("DEFERRABLE", constraint.deferrable), ("MATCH FULL", constraint.match_full),
               ("NOT ENFORCED", not constraint.enforced),
               ("NO INHERIT", constraint.no_inherit and constraint.kind == "c"),
               ("ON DELETE SET NULL/DEFAULT (columns)", constraint.delete_set_columns),
               ("INCLUDE, WITH or a tablespace on its index", not constraint.plain_index)]
    found = [words for words, present in reasons if present]
    return " and ".join(found) if found else None


def is_deferred(constraint: Constraint, written: set[Key]) -> bool:
    """Added after every table: NOT VALID, or a foreign key to a table not yet written."""
    if constraint.kind not in "cf":
        return False
    return not constraint.validated or (
        constraint.kind == "f" and constraint.references is not None
        and constraint.references not in written)


def on_its_column(table: Table, constraint: Constraint, choices: Choices) -> bool:
    """Written on its column's line: one column, and the name PostgreSQL would give it."""
    owner = constraint_id(table, constraint)
    if len(constraint.columns) != 1 or owner in choices.named:
        return False
    if constraint.kind == "u" and not constraint.nulls_distinct:
        return False
    same_kind = [c for c in table.constraints if c.kind == constraint.kind
                 and c.columns == constraint.columns]
    return same_kind[0] is constraint and default_name(table, constraint)


def default_name(table: Table, constraint: Constraint) -> bool:
    """Is the constraint's name the one PostgreSQL (and the compiler) would choose?"""
    columns = column_addition(constraint.columns)
    expected = {
        "p": make_object_name(table.name, None, "pkey"),
        "u": make_object_name(table.name, columns, "key"),
        "f": make_object_name(table.name, columns, "fkey"),
        "c": make_object_name(table.name, constraint.columns[0] if len(
            constraint.columns) == 1 else None, "check"),
    }
    return expected.get(constraint.kind) == constraint.name


def unvalidated_not_null(table: Table, column: Column) -> Constraint | None:
    """PostgreSQL 18's NOT NULL … NOT VALID, which the language cannot say."""
    return next((c for c in table.constraints if c.kind == "n" and not c.validated
                 and c.columns == (column.name,)), None)
