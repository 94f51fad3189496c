"""A synthetic, semantically plausible migration history for benchmarks.

`generate_history(files, seed)` plays a schema forward file by file: every `alter`, `drop`,
`rename` or `index` names a table, column or index that exists at that point of the history
(the generator keeps the schema as it goes), names are never reused, foreign keys point at
an existing table's `id` with the same type, vector indexes use an operator class that fits
the column (`vector`/`halfvec` with a dimension hnsw and ivfflat accept) and parameters in
range, and a file that adds an enum value says `irreversible`. So the same corpus can
benchmark the parser and, later, the compiler.

Per 1,000 files: about 50,000 lines, 2,000 tables, 20,000 columns and 3,000 indexes, plus
alters (add, drop, rename and retype columns; defaults; not null), dropped and renamed tables
and indexes, enums, comments and a few `sql` blocks. The output depends only on the
arguments (a seeded `random.Random`).

    python bench/corpus.py --files 1000 --seed 1 --out /tmp/history   # writes the files
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

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


class Writer:
    """Builds one migration file: statements separated by blank lines."""

    def __init__(self) -> None:
        self.blocks: list[list[str]] = []
        self.actions: list[str] = []  # for the file's description

    def block(self, *lines: str) -> None:
        self.blocks.append(list(lines))

    def text(self, heading: list[str]) -> str:
        return "\n\n".join("\n".join(b) for b in [heading, *self.blocks]) + "\n"


class HistoryGenerator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.schema = Schema()

    # ------------------------------------------------------------ building blocks

    def random_type(self) -> ColumnType:
        r = self.rng
        roll = r.random()
        if roll < 0.22:
            return ColumnType("text", "text")
        if roll < 0.34:
            size = r.choice((20, 50, 100, 200, 500))
            return ColumnType(f"varchar({size})", "varchar", size)
        if roll < 0.44:
            return ColumnType("integer", "int")
        if roll < 0.50:
            return ColumnType("bigint", "bigint")
        if roll < 0.53:
            return ColumnType("smallint", "smallint")
        if roll < 0.59:
            return ColumnType("numeric(12, 2)", "numeric", 12)
        if roll < 0.66:
            return ColumnType("boolean", "bool")
        if roll < 0.76:
            return ColumnType("timestamptz", "timestamptz")
        if roll < 0.79:
            return ColumnType("timestamp", "timestamp")
        if roll < 0.83:
            return ColumnType("date", "date")
        if roll < 0.88:
            return ColumnType("jsonb", "jsonb")
        if roll < 0.91:
            return ColumnType("uuid", "uuid")
        if roll < 0.93:
            return ColumnType("text[]", "array")
        if roll < 0.95:
            return ColumnType("real", "real")
        if roll < 0.97:
            return ColumnType("double precision", "double")
        if roll < 0.985 and self.schema.enums:
            return ColumnType(r.choice(sorted(self.schema.enums)), "enum")
        return ColumnType("interval", "interval")

    def default_for(self, column_type: ColumnType) -> str | None:
        r = self.rng
        return {
            "text": r.choice(("''", "'unknown'")),
            "varchar": "''",
            "int": str(r.choice((0, 1, 10))),
            "bigint": "0",
            "smallint": "0",
            "numeric": "0",
            "bool": r.choice(("false", "true")),
            "timestamptz": "now()",
            "timestamp": "current_timestamp",
            "date": "current_date",
            "jsonb": "'{}'",
            "uuid": "gen_random_uuid()",
            "array": "'{}'",
            "real": "0",
            "double": "0",
            "enum": None,
            "interval": "'1 day'",
        }.get(column_type.family)

    def column_line(self, column: Column, width: int) -> str:
        parts = [f"{column.name:<{width}} {column.type.spelling}"]
        if column.not_null:
            parts.append("not null")
        if column.default is not None:
            parts.append(f"default {column.default}")
        if column.references:
            action = self.rng.choice(("", " on delete cascade", " on delete set null",
                                      " on delete restrict"))
            if action == " on delete set null" and column.not_null:
                action = " on delete cascade"
            parts.append(f"references {column.references} (id){action}")
        if column.type.family in ("text", "varchar") and self.rng.random() < 0.06:
            parts.append(f"check `length({column.name}) > 0`")
            column.locked = True  # the check names the column: keep it as it is
        return "    " + " ".join(parts)

    def new_column(self, table: Table, allow_reference: bool = True) -> Column:
        r = self.rng
        name = r.choice(COLUMN_WORDS)
        while name in table.columns or name == "id":
            name = f"{r.choice(COLUMN_WORDS)}_{r.randint(2, 99)}"
        others = [t for t in self.schema.tables if t != table.name]
        if allow_reference and others and r.random() < 0.06:
            target = r.choice(others)
            name = f"{target[:40]}_id"
            while name in table.columns:
                name = f"{target[:36]}_{r.randint(2, 999)}_id"
            return Column(name, ColumnType("bigint", "bigint"), r.random() < 0.5,
                          references=target)
        column_type = self.random_type()
        not_null = r.random() < 0.35
        default = self.default_for(column_type) if r.random() < 0.3 else None
        if not_null and default is None and r.random() < 0.5:
            default = self.default_for(column_type)
        return Column(name, column_type, not_null, default)

    # ------------------------------------------------------------ statements

    def create_table(self, w: Writer) -> None:
        r = self.rng
        schema = self.schema
        table = Table(schema.fresh(r.choice(TABLE_NOUNS)))
        table.columns["id"] = Column("id", ColumnType("bigint", "bigint"), locked=True)
        parents = list(schema.tables)
        if parents and r.random() < 0.5:
            parent = r.choice(parents)
            column = Column(f"{parent[:40]}_id", ColumnType("bigint", "bigint"), True,
                            references=parent, locked=True)
            table.columns[column.name] = column
        vector = None
        if r.random() < 0.25:
            kind = "vector" if r.random() < 0.8 else "halfvec"
            dimension = r.choice(VECTOR_DIMENSIONS[kind])
            vector = Column("embedding", ColumnType(f"{kind}({dimension})", kind, dimension),
                            r.random() < 0.5)
            table.columns["embedding"] = vector
        for _ in range(r.randint(4, 9)):
            column = self.new_column(table)
            table.columns[column.name] = column
        table.columns["created_at"] = Column("created_at", ColumnType("timestamptz",
                                             "timestamptz"), True, "now()")
        width = max(len(c) for c in table.columns)
        lines = [f"table {table.name} {{"]
        lines.append(f"    {'id':<{width}} bigint identity primary key")
        lines += [self.column_line(c, width) for c in table.columns.values() if c.name != "id"]
        plain = [c for c in table.columns.values() if c.type.family in ("text", "varchar",
                 "int", "bigint", "uuid", "date") and not c.references and c.name != "id"]
        if len(plain) >= 2 and r.random() < 0.2:
            pair = r.sample(plain, 2)
            for c in pair:
                c.locked = True
            lines.append(f"    unique ({pair[0].name}, {pair[1].name})")
        numeric = [c for c in table.columns.values() if c.type.family in ("int", "numeric")]
        if numeric and r.random() < 0.15:
            c = r.choice(numeric)
            c.locked = True
            lines.append(f"    check `{c.name} >= 0`")
        lines.append("}")
        schema.tables[table.name] = table
        w.block(*lines)
        w.actions.append(f"create_{table.name}")
        if vector is not None:
            self.vector_index(w, table, vector)
        if r.random() < 0.45:
            w.block(f"comment on table {table.name} is 'The {table.name.split('_')[0]}"
                    " of the application.'")

    def vector_index(self, w: Writer, table: Table, column: Column) -> None:
        r = self.rng
        method = "hnsw" if r.random() < 0.7 else "ivfflat"
        opclass = r.choice(VECTOR_OPCLASSES[column.type.family])
        name = self.schema.fresh(f"{table.name}_{column.name}_{method}")
        if method == "hnsw":
            m = r.choice((8, 16, 24, 32))
            params = f"m = {m}, ef_construction = {r.choice((2 * m, 64, 128, 200))}"
        else:
            params = f"lists = {r.choice((50, 100, 200, 1000))}"
        w.block(f"index {name} on {table.name} using {method} ({column.name} {opclass})",
                f"    with ({params})")
        self.add_index(name, table, [column.name])

    def add_index(self, name: str, table: Table, columns: list[str]) -> None:
        self.schema.indexes[name] = Index(name, table.name, columns)
        table.indexes.add(name)
        for c in columns:
            table.columns[c].locked = True

    def create_index(self, w: Writer) -> None:
        r = self.rng
        tables = list(self.schema.tables.values())
        if not tables:
            return
        table = r.choice(tables)
        candidates = [c for c in table.columns.values()
                      if c.name != "id" and c.type.family not in ("vector", "halfvec", "jsonb",
                                                                  "array")]
        vectors = [c for c in table.columns.values() if c.type.family in ("vector", "halfvec")]
        if vectors and r.random() < 0.15:
            self.vector_index(w, table, r.choice(vectors))
            return
        if not candidates:
            return
        columns = r.sample(candidates, min(len(candidates), r.choice((1, 1, 1, 2))))
        names = [c.name for c in columns]
        unique = len(columns) == 2 and r.random() < 0.3
        name = self.schema.fresh(f"{table.name}_{'_'.join(names)}_{'uniq' if unique else 'idx'}")
        head = f"{'unique ' if unique else ''}index {name} on {table.name}"
        elements = ", ".join(f"{n} desc" if r.random() < 0.1 else n for n in names)
        line = f"{head} ({elements})"
        deleted = table.columns.get("deleted_at")
        if deleted is not None and r.random() < 0.5:
            line += " where `deleted_at is null`"
        jsonb = [c for c in table.columns.values() if c.type.family == "jsonb"]
        if jsonb and r.random() < 0.1:
            column = r.choice(jsonb)
            name = self.schema.fresh(f"{table.name}_{column.name}_gin")
            line = f"index {name} on {table.name} using gin ({column.name} jsonb_path_ops)"
            names = [column.name]
        w.block(line)
        self.add_index(name, table, names)

    def alter_table(self, w: Writer) -> None:
        r = self.rng
        tables = list(self.schema.tables.values())
        if not tables:
            return
        table = r.choice(tables)
        lines = [f"alter table {table.name} {{"]
        added: list[Column] = []
        for _ in range(r.choice((1, 2, 3, 3, 4, 4))):
            action = r.random()
            free = [c for c in table.columns.values() if not c.locked and c not in added]
            if action < 0.36 or not free:
                column = self.new_column(table)
                if column.not_null and column.default is None:
                    column.default = self.default_for(column.type)
                    column.not_null = column.default is not None
                table.columns[column.name] = column
                added.append(column)
                lines.append("    add column " + self.column_line(column, 0).strip())
            elif action < 0.50:
                column = r.choice(free)
                del table.columns[column.name]
                lines.append(f"    drop column {column.name}")
            elif action < 0.66:
                column = r.choice(free)
                old = column.name
                new = f"{old[:40]}_{r.choice(('old', 'v2', 'raw', 'text', 'new'))}"
                while new in table.columns:
                    new = f"{old[:40]}_{r.randint(2, 999)}"
                del table.columns[old]
                column.name = new
                table.columns[new] = column
                lines.append(f"    rename column {old} to {new}")
            elif action < 0.80:
                column = r.choice(free)
                widened = column.type.widened()
                if widened is None or column.references:
                    column.default = self.default_for(column.type)
                    lines.append(f"    alter column {column.name} set default"
                                 f" {column.default or 'null'}")
                    continue
                column.type = widened
                lines.append(f"    alter column {column.name} type {widened.spelling}")
            elif action < 0.90:
                column = r.choice(free)
                if column.not_null:
                    column.not_null = False
                    lines.append(f"    alter column {column.name} drop not null")
                elif column.default is not None:
                    column.not_null = True
                    lines.append(f"    alter column {column.name} set not null")
                else:
                    lines.append(f"    alter column {column.name} drop default")
            else:
                column = r.choice(free)
                default = self.default_for(column.type)
                if default is None or column.references:
                    lines.append(f"    alter column {column.name} drop default")
                    column.default = None
                else:
                    column.default = default
                    lines.append(f"    alter column {column.name} set default {default}")
        lines.append("}")
        w.block(*lines)
        w.actions.append(f"alter_{table.name}")

    def drop_table(self, w: Writer) -> None:
        referenced = self.schema.referenced()
        droppable = [t for t in self.schema.tables.values() if t.name not in referenced]
        if len(self.schema.tables) < 8 or not droppable:
            return
        table = self.rng.choice(droppable)
        for index in table.indexes:
            del self.schema.indexes[index]
        del self.schema.tables[table.name]
        w.block(f"drop table {table.name}")
        w.actions.append(f"drop_{table.name}")

    def rename_table(self, w: Writer) -> None:
        tables = list(self.schema.tables.values())
        if not tables:
            return
        table = self.rng.choice(tables)
        old = table.name
        suffix = self.rng.choice(("v2", "archive", "legacy", "main"))
        table.name = self.schema.fresh(f"{old.rsplit('_', 1)[0]}_{suffix}")
        del self.schema.tables[old]
        self.schema.tables[table.name] = table
        for other in self.schema.tables.values():
            for column in other.columns.values():
                if column.references == old:
                    column.references = table.name
        for index in table.indexes:
            self.schema.indexes[index].table = table.name
        w.block(f"rename table {old} to {table.name}")
        w.actions.append(f"rename_{old}")

    def drop_or_rename_index(self, w: Writer) -> None:
        if not self.schema.indexes:
            return
        index = self.schema.indexes[self.rng.choice(sorted(self.schema.indexes))]
        table = self.schema.tables[index.table]
        if self.rng.random() < 0.6:
            del self.schema.indexes[index.name]
            table.indexes.discard(index.name)
            w.block(f"drop index {index.name}")
            w.actions.append(f"drop_{index.name}")
            return
        new = self.schema.fresh(f"{index.name[:50]}_renamed")
        del self.schema.indexes[index.name]
        table.indexes.discard(index.name)
        w.block(f"rename index {index.name} to {new}")
        index.name = new
        self.schema.indexes[new] = index
        table.indexes.add(new)

    def enum(self, w: Writer) -> None:
        r = self.rng
        if self.schema.enums and r.random() < 0.4:
            name = r.choice(sorted(self.schema.enums))
            labels = self.schema.enums[name]
            label = r.choice([x for x in ENUM_LABELS if x not in labels] or ["other"])
            if label in labels:
                return
            labels.append(label)
            w.block(f"alter enum {name} add value '{label}'",
                    "irreversible 'an enum value cannot be removed'")
            return
        name = self.schema.fresh(f"{r.choice(TABLE_NOUNS)[:-1]}_{r.choice(ENUM_WORDS)}")
        labels = r.sample(ENUM_LABELS, r.randint(2, 5))
        self.schema.enums[name] = labels
        w.block(f"enum {name} ({', '.join(repr(x) for x in labels)})")
        w.actions.append(f"enum_{name}")

    def comment_on_column(self, w: Writer) -> None:
        tables = list(self.schema.tables.values())
        if not tables:
            return
        table = self.rng.choice(tables)
        column = self.rng.choice(list(table.columns))
        w.block(f"comment on column {table.name}.{column} is"
                f" 'The {column.replace('_', ' ')} of a row in {table.name}.'")

    def raw_sql(self, w: Writer) -> None:
        tables = list(self.schema.tables.values())
        if not tables:
            return
        table = self.rng.choice(tables)
        function = self.schema.fresh(f"touch_{table.name}")
        w.block(
            'sql """',
            f"    CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$",
            "    BEGIN NEW.created_at := now(); RETURN NEW; END $$;",
            '""" down """',
            f"    DROP FUNCTION {function}();",
            '"""',
        )

    # ------------------------------------------------------------ files

    def migration(self, number: int) -> tuple[str, str]:
        r = self.rng
        w = Writer()
        if number == 1:
            w.block("extension vector")
        for _ in range(r.choice((1, 2, 2, 2, 3))):
            self.create_table(w)
        for _ in range(r.choice((2, 2, 3, 3, 3))):
            self.create_index(w)
        for _ in range(r.choice((1, 1, 2, 2, 2))):
            self.alter_table(w)
        if r.random() < 0.12:
            self.drop_table(w)
        if r.random() < 0.10:
            self.rename_table(w)
        if r.random() < 0.25:
            self.drop_or_rename_index(w)
        if r.random() < 0.06:
            self.enum(w)
        if r.random() < 0.9:
            self.comment_on_column(w)
        if r.random() < 0.03:
            self.raw_sql(w)
        description = (w.actions[0] if w.actions else "changes")[:60]
        version = f"0.0.{number}"
        heading = [f"-- {version}: {description.replace('_', ' ')}",
                   f"-- {len(w.blocks)} statements, generated by bench/corpus.py"
                   f" (seed {self.seed})",
                   f"-- touches: {', '.join(a.split('_', 1)[1] for a in w.actions) or '-'}",
                   "-- Do not edit: regenerate with `python bench/corpus.py`."]
        if r.random() < 0.1:
            heading.append("migration { lock_timeout 5s }")
        return f"{version}_{description}.shift", w.text(heading)


def generate_history(files: int, seed: int) -> list[tuple[str, str]]:
    """`files` migrations, oldest first: (file name such as `0.0.17_alter_orders.shift`, text)."""
    generator = HistoryGenerator(seed)
    return [generator.migration(number) for number in range(1, files + 1)]


def write_history(directory: str | Path, files: int, seed: int) -> list[Path]:
    """Write the history into `directory` (created if missing); returns the paths in order."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate_history(files, seed):
        path = root / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, help="directory to write the .shift files to")
    args = parser.parse_args()
    paths = write_history(args.out, args.files, args.seed)
    lines = sum(p.read_text(encoding="utf-8").count("\n") for p in paths)
    print(f"wrote {len(paths)} files, {lines} lines, to {args.out}")


if __name__ == "__main__":
    main()
