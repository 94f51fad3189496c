"""The model's tables and indexes as the compile cache keeps them: object by object.

The cache keeps each table and each index as a pickle of its own, beside the SQL that
generated/schema.sql prints for it. Loading a cache of a thousand migrations then unpickles
a few thousand bytes objects instead of every column, and an object is unpickled only when
a migration looks it up. An object never looked up since the cache was written cannot have
changed, so its SQL is printed as stored: adding a migration re-renders only what it
touched.

That reasoning holds because everything that reaches a table or an index goes through this
mapping: the model's cross-references (the foreign keys pointing at a table, a table's
indexes) hold keys, never objects. A lookup hands the object out and keeps it; from then on
its stored SQL is not used again.

A lookup unpickles bytes without checking them: they are trusted because every `Stored`
comes from this process (`Stored.of`) or from the compile cache, whose signature covers
them and is checked before the cache is unpickled (cache_file.py).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, Generic, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
D = TypeVar("D")

Pieces = tuple[str, ...]  # an object's SQL in schema.sql, one text per section it appears in


class Stored:
    """An object as the cache keeps it: pickled, with its SQL pieces when they are known.

    `live` is the object the pickle was made from, while it is still in this process and
    untouched since: the mapping hands that out instead of unpickling a copy.
    """

    __slots__ = ("data", "live", "pieces")

    def __init__(self, data: bytes, pieces: Pieces | None, live: object = None) -> None:
        self.data = data
        self.pieces = pieces
        self.live = live

    @classmethod
    def of(cls, value: object, pieces: Pieces | None, live: bool) -> Stored:
        """`value` pickled now, kept live (handed out on lookup) or not."""
        return cls(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), pieces,
                   value if live else None)

    def __reduce__(self) -> tuple[type[Stored], tuple[bytes, Pieces | None]]:
        return (Stored, (self.data, self.pieces))


class StoredMap(MutableMapping[K, V], Generic[K, V]):
    """A dict whose values may still be stored; a lookup unpickles them, in place."""

    __slots__ = ("_entries",)

    def __init__(self, entries: dict[K, Any] | None = None) -> None:
        self._entries: dict[K, Any] = {} if entries is None else entries

    def __getitem__(self, key: K) -> V:
        value = self._entries[key]
        if value.__class__ is Stored:
            value = value.live if value.live is not None else pickle.loads(value.data)
            self._entries[key] = value  # the same key, so the order is kept
        return value  # type: ignore[no-any-return]

    @overload
    def get(self, key: K, /) -> V | None: ...
    @overload
    def get(self, key: K, default: V | D, /) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        return self[key] if key in self._entries else default

    def __setitem__(self, key: K, value: V) -> None:
        self._entries[key] = value

    def __delitem__(self, key: K) -> None:
        del self._entries[key]

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[K]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"StoredMap({dict(self.items())!r})"

    def store(self, render: Callable[[V], Pieces]) -> None:
        """Pickle every object handed out or added since the last store, and render its SQL
        pieces: what the cache writes. Objects stay usable; a lookup hands the same one out."""
        for key, value in list(self._entries.items()):
            if value.__class__ is not Stored:
                self._entries[key] = Stored.of(value, render(value), live=True)

    def pieces(self, key: K, render: Callable[[V], Pieces]) -> Pieces:
        """The object's SQL pieces: as stored if it was never looked up since, else rendered."""
        value = self._entries[key]
        if value.__class__ is Stored and value.pieces is not None:
            return value.pieces
        return render(self[key])

    def __reduce__(self) -> tuple[type[StoredMap[K, V]], tuple[dict[K, Stored]]]:
        return (StoredMap, ({
            key: value if value.__class__ is Stored else Stored.of(value, None, live=False)
            for key, value in self._entries.items()},))
