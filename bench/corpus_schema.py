"""The schema state bench/corpus.py plays forward, the words it names things with, and the
writer of one migration file.

Kept apart from the statement generators so that they all share one picture of what exists
at this point of the history (and so of what a statement may name), and one `fresh` that
never hands out a name twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

TABLE_NOUNS = (
    "accounts", "users", "orders", "invoices", "payments", "products", "documents", "chunks",
    "embeddings", "messages", "threads", "comments", "tags", "events", "sessions", "teams",
    "projects", "tasks", "files", "images", "reviews", "ratings", "carts", "shipments",
    "addresses", "contacts", "leads", "campaigns", "articles", "authors", "sources", "queries",
    "answers", "prompts", "models", "datasets", "features", "labels", "jobs", "runs",
    "metrics", "alerts", "webhooks", "tokens", "audits", "notes", "folders", "pages",
    "sections", "vendors",
)
COLUMN_WORDS = (
    "title", "name", "body", "summary", "status", "kind", "score", "rank", "price", "amount",
    "currency", "quantity", "email", "phone", "url", "slug", "locale", "country", "city",
    "zip", "notes", "payload", "metadata", "source", "checksum", "version", "position",
    "priority", "weight", "width", "height", "duration", "language", "category", "color",
    "label", "reason", "code", "reference", "external_id", "visits", "clicks", "views",
    "likes", "flags", "options", "settings", "headline", "subtitle", "caption", "author",
    "owner", "started_at", "finished_at", "expires_at", "published_at", "deleted_at",
    "archived", "verified", "enabled", "public", "ip_address", "user_agent", "content",
    "excerpt", "keywords", "tokens_used", "latency_ms", "cost", "discount", "tax", "total",
    "balance", "limit_value", "region", "timezone", "birthday", "due_on",
)
ENUM_WORDS = ("status", "state", "kind", "level", "tier", "phase", "mode")
ENUM_LABELS = ("draft", "pending", "active", "paused", "done", "failed", "archived",
               "low", "medium", "high", "critical", "free", "pro", "enterprise")
VECTOR_OPCLASSES = {
    "vector": ("vector_cosine_ops", "vector_l2_ops", "vector_ip_ops"),
    "halfvec": ("halfvec_cosine_ops", "halfvec_l2_ops", "halfvec_ip_ops"),
}
VECTOR_DIMENSIONS = {"vector": (384, 768, 1024, 1536), "halfvec": (768, 1536, 3072)}


@dataclass(frozen=True, slots=True)
class ColumnType:
    """A type as written in a migration, with what the generator needs to know about it."""

    spelling: str
    family: str  # text, varchar, int, bigint, smallint, numeric, real, bool, time, ...
    size: int = 0  # varchar length, numeric precision, vector dimension

    def widened(self) -> ColumnType | None:
        """A type this one can be altered to without losing data, or None."""
        if self.family == "varchar":
            if self.size >= 1000:
                return ColumnType("text", "text")
            return ColumnType(f"varchar({self.size * 2})", "varchar", self.size * 2)
        if self.family == "smallint":
            return ColumnType("integer", "int")
        if self.family == "int":
            return ColumnType("bigint", "bigint")
        if self.family == "real":
            return ColumnType("double precision", "double")
        if self.family == "numeric":
            return ColumnType(f"numeric({self.size + 4}, 2)", "numeric", self.size + 4)
        if self.family == "timestamp":
            return ColumnType("timestamptz", "timestamptz")
        return None


BIGINT = ColumnType("bigint", "bigint")  # ids and the foreign keys to them (frozen: shared)


@dataclass(slots=True)
class Column:
    name: str
    type: ColumnType
    not_null: bool = False
    default: str | None = None
    references: str | None = None  # the table whose `id` this column points at
    locked: bool = False  # part of a key, index or constraint: never dropped or retyped


@dataclass(slots=True)
class Table:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    indexes: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Index:
    name: str
    table: str
    columns: list[str]


@dataclass(slots=True)
class Schema:
    """The schema as the history so far has left it, and every name ever used."""

    tables: dict[str, Table] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)
    enums: dict[str, list[str]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    counter: int = 0

    def fresh(self, base: str, limit: int = 60) -> str:
        """A relation or type name never used before in this history (under 63 bytes)."""
        base = base[:limit - 6]
        if base not in self.used:
            self.used.add(base)
            return base
        while True:
            self.counter += 1
            name = f"{base}_{self.counter}"
            if name not in self.used:
                self.used.add(name)
                return name

    def referenced(self) -> set[str]:
        """Tables some foreign key points at (they cannot be dropped)."""
        return {c.references for t in self.tables.values() for c in t.columns.values()
                if c.references}

    def pick_table(self, r: random.Random) -> Table | None:
        """A table drawn with `r`, or None (no draw) while there is none: most statements
        start so, and the draw must stay one `choice` over the tables in creation order."""
        tables = list(self.tables.values())
        if not tables:
            return None
        return r.choice(tables)


class Writer:
    """Builds one migration file: statements separated by blank lines."""

    def __init__(self) -> None:
        self.blocks: list[list[str]] = []
        self.actions: list[str] = []  # for the file's description

    def block(self, *lines: str) -> None:
        self.blocks.append(list(lines))

    def text(self, heading: list[str]) -> str:
        return "\n\n".join("\n".join(b) for b in [heading, *self.blocks]) + "\n"
