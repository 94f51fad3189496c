"""What the compile-cache tests share: a small history, a project on disk, and everything a
compile produces that a user sees, to compare a compile with the cache against one without."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from pgshift.compiler import cache_file
from pgshift.compiler.codegen import render_module, render_schema_file
from pgshift.compiler.history import History, compile_history
from pgshift.dsl import Diagnostic, render

CREATE_DOCS = """table documents {
    id    bigint identity primary key
    title text not null
    body  text
    url   text
}
"""
ADD_LANGUAGE = """alter table documents {
    add column language text not null default 'en'
    rename column body to content
}

table users {
    id    bigint identity primary key
    email text not null
}
"""
INDEX_TITLES = """index documents_title on documents (title)
alter table documents {
    drop column url
}
"""
AUTHORS = """alter table documents {
    add column author_id bigint references users (id)
    add column rank integer not null
    alter column content set default 'none'
}
"""
COMMENTS = "comment on column documents.title is 'shown in lists'\n"
USER_INDEX = "unique index users_email on users (email)\n"
HISTORY = [
    ("0.0.1_create_docs.shift", CREATE_DOCS),
    ("0.0.2_add_language.shift", ADD_LANGUAGE),
    ("0.0.3_index_titles.shift", INDEX_TITLES),  # warns: drop column
    ("0.0.4_authors.shift", AUTHORS),  # warns: not null column without a default
]
CACHED = len(HISTORY) - 1  # the cache never holds the newest file

Outcome = tuple[str, str, list[Diagnostic], list[str]]
SIGNED_FROM = len(cache_file.MAGIC) + hashlib.sha256().digest_size  # where the pickle starts


def signed(payload: bytes, key: bytes | None = None) -> bytes:
    """A cache file holding `payload`, signed with `key` (default: this user's own)."""
    key = cache_file.user_key() if key is None else key
    assert key is not None, "the user's cache directory must be usable for these tests"
    mac = hmac.new(key, cache_file.MAGIC + payload, hashlib.sha256).digest()
    return cache_file.MAGIC + mac + payload


def outcome(history: History) -> Outcome:
    """Everything a compile produces that a user sees: module, schema, diagnostics."""
    rendered = [render(d, history.source(d.file)) for d in history.diagnostics]
    return (render_module(history, "migrations"), render_schema_file(history),
            history.diagnostics, rendered)


@dataclass
class Project:
    """A project directory: its migrations and its compile cache."""

    root: Path

    @property
    def migrations(self) -> Path:
        return self.root / "migrations"

    @property
    def cache(self) -> Path:
        return self.root / "build" / "history.pickle"

    def write(self, files: list[tuple[str, str]]) -> None:
        self.migrations.mkdir(parents=True, exist_ok=True)
        for name, text in files:
            (self.migrations / name).write_text(text, encoding="utf-8")

    def delete(self, name: str) -> None:
        (self.migrations / name).unlink()

    def compile(self, cached: bool = True) -> History:
        return compile_history(self.migrations, self.root, self.cache if cached else None)

    def uncached(self) -> Outcome:
        return outcome(self.compile(cached=False))


def compile_repeatedly(root: str, times: int) -> int:
    """Compile from a cold cache again and again; how many compiles failed."""
    project = Project(Path(root))
    failures = 0
    for _ in range(times):
        project.cache.unlink(missing_ok=True)
        try:
            project.compile()
        except OSError:
            failures += 1
    return failures
