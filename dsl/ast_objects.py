"""AST nodes of schemas, extensions, enums and comments: `schema`, `extension`, `enum`,
`alter enum`, their `drop`s, and `comment on …` (re-exported by ast.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Literal as Kind

if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from .ast_frozen import dataclass

from .ast_columns import Name, QualifiedName, TypeName
from .source import Span


@dataclass(frozen=True, slots=True)
class CreateSchema:
    name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class DropSchema:
    name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class CreateExtension:
    """`extension X [with schema S]`: S holds its objects (pgvector's types, operator
    classes); without it, `public`."""

    name: Name
    span: Span
    schema: Name | None = None


@dataclass(frozen=True, slots=True)
class DropExtension:
    name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class EnumLabel:
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class CreateEnum:
    name: QualifiedName
    labels: tuple[EnumLabel, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class AddEnumValue:
    """`alter enum E add value 'v' [before|after 'w']`."""

    enum: QualifiedName
    label: EnumLabel
    position: Kind["before", "after"] | None
    neighbor: EnumLabel | None
    span: Span


@dataclass(frozen=True, slots=True)
class RenameEnumValue:
    enum: QualifiedName
    old: EnumLabel
    new: EnumLabel
    span: Span


@dataclass(frozen=True, slots=True)
class DropEnum:
    name: QualifiedName
    span: Span


@dataclass(frozen=True, slots=True)
class Comment:
    """`comment on table|column|index|view|materialized view|schema|sequence X is 'text'`
    (`is null` removes it); a schema's name is `object.name`."""

    target: Kind["table", "column", "index", "view", "materialized view", "schema",
                 "sequence"]
    object: QualifiedName
    column: Name | None
    text: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class CommentOnFunction:
    """`comment on function NAME (arg types) is 'text'` (`is null` removes it)."""

    name: QualifiedName
    argument_types: tuple[TypeName, ...]
    text: str | None
    span: Span


__all__ = [
    "AddEnumValue",
    "Comment",
    "CommentOnFunction",
    "CreateEnum",
    "CreateExtension",
    "CreateSchema",
    "DropEnum",
    "DropExtension",
    "DropSchema",
    "EnumLabel",
    "RenameEnumValue",
]
