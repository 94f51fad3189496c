"""The compile cache is unpickled only when this user's pgshift wrote it (compiler/cache_file.py):
signed with the user's key, owned by the user, writable by no one else. A planted,
tampered or foreign cache runs nothing, says why it was not used, and costs one compile
without it, after which a signed cache is written and used again."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgshift.compiler import cache_file
from pgshift.compiler.stored_map import Stored
from pgshift.dsl.parser_cache import cache_directory
from tests.compiler.cache_support import (
    CACHED,
    HISTORY,
    SIGNED_FROM,
    Project,
    outcome,
    signed,
)


class _Plant:
    """What a planted pickle does when it is loaded: here, create `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


def planted(marker: Path) -> bytes:
    return pickle.dumps(_Plant(marker))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The four-file history, compiled once: its cache holds the first three files."""
    made = Project(tmp_path / "app")
    made.write(HISTORY)
    made.compile()
    assert made.compile().reused == CACHED
    return made


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    path = tmp_path / "unpickled"
    pickle.loads(planted(path))  # the payload works: loading it makes the marker
    assert path.exists()
    path.unlink()
    return path


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A user cache directory of the test's own ($XDG_CACHE_HOME/pgshift)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cache_directory.cache_clear()
    yield tmp_path / "user-cache" / "pgshift"
    cache_directory.cache_clear()  # computed again once the environment is back


def _refused_and_rebuilt(project: Project, reason: str) -> None:
    """The compile ignores the cache, says why, gives the uncached result, and writes a
    signed cache that the next compile uses."""
    refused = project.compile()
    assert refused.reused == 0
    assert refused.cache_refused is not None
    assert refused.cache_refused.startswith(reason), refused.cache_refused
    assert outcome(refused) == project.uncached()
    again = project.compile()
    assert again.reused == CACHED
    assert again.cache_refused is None


def test_the_cache_is_signed_and_private(project: Project) -> None:
    data = project.cache.read_bytes()
    assert data.startswith(cache_file.MAGIC)
    assert project.cache.stat().st_mode & 0o077 == 0
    assert project.compile().cache_refused is None


def test_a_planted_pickle_is_never_unpickled(project: Project, marker: Path) -> None:
    project.cache.write_bytes(planted(marker))
    _refused_and_rebuilt(project, cache_file.NOT_OURS)
    assert not marker.exists()


def test_a_pickle_signed_with_another_key_is_refused(project: Project, marker: Path) -> None:
    project.cache.write_bytes(signed(planted(marker), key=os.urandom(cache_file.KEY_BYTES)))
    _refused_and_rebuilt(project, cache_file.NOT_OURS)
    assert not marker.exists()


@pytest.mark.parametrize("where", ["magic", "signature", "first", "middle", "last", "appended",
                                   "cut"])
def test_a_cache_changed_anywhere_is_refused(project: Project, where: str) -> None:
    data = bytearray(project.cache.read_bytes())
    at = {"magic": 0, "signature": len(cache_file.MAGIC) + 3, "first": SIGNED_FROM,
          "middle": (SIGNED_FROM + len(data)) // 2, "last": len(data) - 1}.get(where)
    if at is not None:
        data[at] ^= 0x01
    elif where == "appended":
        data += b"."
    else:
        del data[-1]
    project.cache.write_bytes(bytes(data))
    _refused_and_rebuilt(project, cache_file.NOT_OURS)


def test_the_pickles_inside_the_cache_are_signed_too(project: Project, marker: Path) -> None:
    """A table is kept as a pickle of its own inside the cache, unpickled only when a
    migration looks it up: putting another one there changes the signed bytes."""
    data = project.cache.read_bytes()
    cache = pickle.loads(data[SIGNED_FROM:])
    entries = cache.model.tables._entries
    name = next(iter(entries))
    assert isinstance(entries[name], Stored)
    entries[name] = Stored(planted(marker), entries[name].pieces)
    tampered = pickle.dumps(cache)
    project.cache.write_bytes(data[:SIGNED_FROM] + tampered)  # the signature of the original

    _refused_and_rebuilt(project, cache_file.NOT_OURS)
    assert not marker.exists()

    # Signed by this user's pgshift, the same bytes would run on the table's lookup.
    project.cache.write_bytes(signed(tampered))
    loaded = cache_file.load(project.cache)
    assert not marker.exists()
    loaded.model.tables[name]  # type: ignore[attr-defined]
    assert marker.exists()


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666], ids=oct)
def test_a_cache_others_can_write_is_refused(project: Project, mode: int) -> None:
    project.cache.chmod(mode)
    _refused_and_rebuilt(project, "writable by other users")
    assert project.cache.stat().st_mode & 0o777 == 0o600


def test_a_cache_of_another_user_is_refused(project: Project,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen as another user (no root to give the file away): its owner is not them."""
    owner = project.cache.stat().st_uid
    with monkeypatch.context() as patch:
        patch.setattr(os, "getuid", lambda: owner + 1)
        compiled = project.compile()
    assert compiled.reused == 0
    assert compiled.cache_refused == f"owned by another user (uid {owner})"
    assert outcome(compiled) == project.uncached()


def test_the_key_is_made_once_readable_by_the_user_alone(tmp_path: Path,
                                                         cache_home: Path) -> None:
    project = Project(tmp_path / "app")
    project.write(HISTORY)
    project.compile()
    key = cache_home / cache_file.KEY_FILE
    assert key.stat().st_mode & 0o777 == 0o600
    assert cache_home.stat().st_mode & 0o777 == 0o700
    assert len(key.read_bytes()) == cache_file.KEY_BYTES
    made = key.read_bytes()
    assert project.compile().reused == CACHED
    assert key.read_bytes() == made
    key.unlink()  # a new key: the caches the old one signed are not this user's any more
    _refused_and_rebuilt(project, cache_file.NOT_OURS)
    assert key.read_bytes() != made


def test_a_key_others_can_read_is_not_used(tmp_path: Path, cache_home: Path) -> None:
    project = Project(tmp_path / "app")
    project.write(HISTORY)
    project.compile()
    (cache_home / cache_file.KEY_FILE).chmod(0o644)
    compiled = project.compile()
    assert compiled.reused == 0
    assert compiled.cache_refused is not None
    assert compiled.cache_refused.startswith("this user has no key to check it with")
    project.cache.unlink()
    project.compile()
    assert not project.cache.exists(), "nothing is written that cannot be signed"
