"""Compile a project's whole history: discover, parse, fold in version order, cache.

Each file's result depends on every file before it, so results are cached under a chain
key (the previous key, the file's name and content, the compiler version), which starts
from the history table's name: a migration that creates that table is an error, so
changing history_table compiles every file again. The cache holds
the model after every file but the newest, the one an author is most likely still editing:
editing it, or adding the next one, reuses everything before it. Changing an earlier file
changes every later key and compiles the history again.

The cache is a pickle signed with this user's key, refused unsigned or tampered with before
anything in it is unpickled (cache_file.py); a refused cache is compiled again, and
`History.cache_refused` says why it was not used.

The cache is rewritten only when that pays: when compiling the files it did not hold took
at least as long as loading it did (writing costs about what loading does), so adding one
migration to a long history does not rewrite a large cache every time. The first of those
files is not counted: it pays for the parser's one-time set-up (its lexers' expressions),
which is no measure of what the next compile would save.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import __version__
from ..collector import fewer_collections, paused
from ..dsl import BadFileName, DiagnosticError, parse_file_name, parse_source
from ..dsl.diagnostics import Diagnostic, Severity, error
from ..dsl.parser import prepare_parser, source_from_bytes
from ..dsl.source import Source
from ..fingerprint import combined_hash, digest
from . import cache_file as signed
from .codegen import render_block
from .compiled_migration import CompiledMigration, compile_migration
from .history_table import DEFAULT_HISTORY_TABLE
from .model import Key, SchemaModel
from .render import index_pieces, table_pieces
from .sources import MigrationSource, discover, duplicate_versions
from .suppressions import apply_allow_comments

# 9: CompiledMigration lives in compiled_migration.py (the pickle names it); 10: the chain
# of keys starts from the history table's name; 11: `external` declarations (the AST's
# External, the model's external marks, CompiledMigration.externals); 12: an extension's
# schema (the AST's `with schema`, the model's extensions by name), SQL's own spellings
CACHE_FORMAT = 14
_GENERATED_SOURCE = re.compile(r"# source (\d+(?:\.\d+)*) (.+)")


@dataclass(slots=True)
class History:
    """The compiled history, or what is wrong with it."""

    migrations: list[CompiledMigration] = field(default_factory=list)
    model: SchemaModel = field(default_factory=SchemaModel)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)  # (file name, content digest)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    paths: dict[str, Path] = field(default_factory=dict)
    reused: int = 0  # how many files, from the first, came from the compile cache
    # version → source path of each migration that the existing generated module holds
    previously_compiled: dict[str, str] = field(default_factory=dict)
    cache_refused: str | None = None  # why a compile cache that was there was not used

    @property
    def sources_hash(self) -> str:
        return combined_hash(self.files)

    def source(self, display_path: str) -> Source | None:
        """The text of a migration, for quoting its lines in diagnostics."""
        if display_path not in self.sources and display_path in self.paths:
            data = self.paths[display_path].read_bytes()
            text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
            self.sources[display_path] = Source(display_path, text)
        return self.sources.get(display_path)


@dataclass(slots=True)
class _Cache:
    format: int
    compiler: str
    keys: list[str]
    migrations: list[CompiledMigration]
    warnings: list[list[Diagnostic]]
    model: SchemaModel


def _chain(previous: str, name: str, content: str) -> str:
    return hashlib.sha256(f"{previous}\0{name}\0{content}\0{__version__}".encode()).hexdigest()


def _chain_start(history_table: Key | None) -> str:
    """The key before the first file's: what every file's result depends on besides the
    files before it (the history table's name, which no migration may create)."""
    if history_table is None:
        return ""
    return hashlib.sha256("\0".join(("history_table", *history_table)).encode()).hexdigest()


def _load_cache(path: Path | None) -> tuple[_Cache | None, str | None]:
    """The cache at `path` if it is usable, and why one that is there was refused (one
    not signed by this user's pgshift, or not the user's own: see cache_file.py)."""
    if path is None:
        return None, None
    try:
        with paused():
            cache = signed.load(path)
    except signed.Refused as refused:
        return None, str(refused)
    except Exception:  # a corrupt cache, or one pgshift cannot read: only a slower compile
        return None, None
    if not isinstance(cache, _Cache) or cache.format != CACHE_FORMAT or (
            cache.compiler != __version__):
        return None, None
    return cache, None


def _save_cache(path: Path, cache: _Cache) -> None:
    """Written whole or not at all (see atomic.write_whole), signed: a cache that cannot be
    written is only a slower next compile."""
    cache.model.tables.store(table_pieces)
    cache.model.indexes.store(index_pieces)
    with paused():
        signed.save(path, cache)


def compiled_versions(generated_module: Path) -> dict[str, str]:
    """Versions (and their source paths) that an existing generated module was built from:
    its header's comment lines, read up to the code (the module can be megabytes long)."""
    if not generated_module.is_file():
        return {}
    versions = {}
    with generated_module.open(encoding="utf-8", errors="replace") as module:
        for line in module:
            if line.startswith(("from ", "POSTGRESQL_MIGRATIONS")):
                break
            found = _GENERATED_SOURCE.match(line.rstrip("\n"))
            if found is not None:
                versions[found[1]] = found[2]
    return versions


Progress = Callable[[int, int, str], None]  # (number, of how many, file) as each compiles


@fewer_collections()
def compile_history(migrations_dir: Path, root: Path, cache_file: Path | None = None,
                    generated_module: Path | None = None,
                    progress: Progress | None = None,
                    history_table: Key | None = DEFAULT_HISTORY_TABLE) -> History:
    """Compile every migration file of a project, in version order; `progress` hears of
    each file compiled (not of those the cache holds). A migration that makes the name of
    `history_table` (schema, table: the project's history_table) is an error."""
    history = History()
    found, problems = discover(migrations_dir, root)
    history.diagnostics += problems
    contents: list[tuple[MigrationSource, bytes]] = [(s, s.path.read_bytes()) for s in found]
    history.paths = {s.display_path: s.path for s in found}
    if generated_module is not None:
        history.previously_compiled = compiled_versions(generated_module)
        _check_not_in_the_past(history, found, history.previously_compiled)
    if any(d.code == "duplicate-version" for d in problems):
        return history  # which of the two files is the history? compiling either misleads
    return _compile(history, contents, cache_file, progress, history_table)


@fewer_collections()
def compile_texts(files: list[tuple[str, str]],
                  history_table: Key | None = DEFAULT_HISTORY_TABLE) -> History:
    """Compile migrations given as (file name, text) pairs, without touching the disk."""
    history = History()
    contents = []
    for file_name, text in files:
        try:
            name = parse_file_name(file_name)
        except BadFileName as bad:
            history.diagnostics.append(error("bad-file-name", str(bad), None, file_name))
            continue
        contents.append((MigrationSource(Path(file_name), file_name, name), text.encode()))
        history.sources[file_name] = Source(file_name, text)
    contents.sort(key=lambda item: item[0].name.version.parts)
    duplicates = duplicate_versions([source for source, _ in contents])
    if duplicates:
        history.diagnostics += duplicates
        return history
    return _compile(history, contents, None, None, history_table)


def _compile(history: History, contents: list[tuple[MigrationSource, bytes]],
             cache_file: Path | None, progress: Progress | None,
             history_table: Key | None) -> History:
    history.files = [(s.path.name, digest(data)) for s, data in contents]

    keys: list[str] = []
    previous = _chain_start(history_table)
    for (source, _), (_, content) in zip(contents, history.files, strict=True):
        previous = _chain(previous, source.display_path, content)
        keys.append(previous)

    loading = time.perf_counter()
    cache, history.cache_refused = _load_cache(cache_file)
    # Without a usable cache, any compile pays for writing one.
    load_seconds = time.perf_counter() - loading if cache is not None else 0.0
    start = 0
    if cache is not None and cache.keys == keys[: len(cache.keys)]:
        start = history.reused = len(cache.keys)
        history.migrations = list(cache.migrations)
        for warnings in cache.warnings:
            history.diagnostics += warnings
        history.model = cache.model
    warnings_per_file = list(cache.warnings) if cache is not None and start else []

    newest = len(contents) - 1
    if start < len(contents):
        prepare_parser()
    counted_from = 0.0  # set after the first file, which pays for the parser's set-up
    for index in range(start, len(contents)):
        if (index == newest and index > start and cache_file is not None
                and not history.errors
                and time.perf_counter() - counted_from >= load_seconds):
            _save_cache(cache_file, _Cache(CACHE_FORMAT, __version__, keys[:index],
                                           history.migrations, warnings_per_file,
                                           history.model))
        source, data = contents[index]
        if progress is not None:
            progress(index - start + 1, len(contents) - start, source.display_path)
        file_diagnostics = _compile_one(history, source, data, history_table)
        warnings_per_file.append(
            [d for d in file_diagnostics if d.severity is Severity.WARNING])
        history.diagnostics += file_diagnostics
        if index == start:
            counted_from = time.perf_counter()
    return history


def _compile_one(history: History, source: MigrationSource, data: bytes,
                 history_table: Key | None) -> list[Diagnostic]:
    try:
        parsed_source = source_from_bytes(source.display_path, data)
        history.sources[source.display_path] = parsed_source
        parsed = parse_source(parsed_source)
    except DiagnosticError as failed:
        return [_relocate(d, source.display_path) for d in failed.diagnostics]

    compiled, diagnostics = compile_migration(history.model, parsed, source.name,
                                              source.display_path, history_table)
    history.migrations.append(replace(compiled, block=render_block(compiled)))
    kept = apply_allow_comments(diagnostics, parsed_source,
                                [statement.span for statement in parsed.statements])
    return sorted(kept, key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))


def _relocate(diagnostic: Diagnostic, path: str) -> Diagnostic:
    if diagnostic.span is None:
        return replace(diagnostic, path=path)
    return replace(diagnostic, span=diagnostic.span._replace(file=path))


def _check_not_in_the_past(history: History, found: list[MigrationSource],
                           compiled: dict[str, str]) -> None:
    """A new file must not slip in before the newest version already compiled."""
    if not compiled:
        return
    known = {tuple(int(p) for p in v.split(".")): path for v, path in compiled.items()}
    newest = max(known)
    for source in found:
        parts = source.name.version.parts
        if parts not in known and parts < newest:
            history.diagnostics.append(error(
                "history-in-the-past",
                f"{source.display_path} has version {source.name.version}, older than"
                f" {'.'.join(map(str, newest))} ({known[newest]}) which generated/ was already"
                " built from: give the new migration a version after the newest one",
                None, source.display_path))
