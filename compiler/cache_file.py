"""The compile cache on disk: a pickle, unpickled only when this user's pgshift wrote it.

Unpickling runs whatever code the pickle names, and the cache lives in the project
(`.pgshift/cache/compile.pickle`), where a checkout, an archive or another user can put a
file. So the file is signed: `MAGIC`, then an HMAC-SHA256 of `MAGIC` and the pickle, then
the pickle. The key is this user's own, 32 random bytes made on first use in the user's
cache directory (`$XDG_CACHE_HOME/pgshift`, else `~/.cache/pgshift`, created private) as
`compile-cache.key`, readable by the user alone. A cache is read whole, refused unless
its owner is this user and neither group nor others may write it, and its signature is
checked over every byte after it before anything is unpickled. The table and index
pickles the cache holds inside it (stored_map.py), unpickled later and one by one, are
bytes of that signed pickle: a lookup unpickles nothing the signature did not cover.

A refused cache is only a slower compile: `Refused` says why, and the caller says so.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import stat
from pathlib import Path
from typing import BinaryIO

from ..atomic import write_whole
from ..dsl.parser_cache import cache_directory

MAGIC = b"pgshift compile cache, signed\n"
KEY_FILE = "compile-cache.key"
KEY_BYTES = 32
_MAC_BYTES = hashlib.sha256().digest_size
NOT_OURS = "not written by this user's pgshift"


class Refused(Exception):
    """A cache file pgshift will not unpickle; the message says why, in a few words."""


def load(path: Path) -> object | None:
    """The object in the cache at `path`, None when there is none; `Refused` when the file
    is not this user's own, signed by this user's pgshift (nothing of it is unpickled)."""
    try:
        with path.open("rb") as stream:
            _check_owner(os.fstat(stream.fileno()))
            data = stream.read()
    except OSError:  # none there, or none pgshift can read: only a slower compile
        return None
    key = user_key()
    if key is None:
        raise Refused(f"this user has no key to check it with ({KEY_FILE} in"
                      f" {_key_directory_named()} cannot be made or is not private)")
    head = len(MAGIC) + _MAC_BYTES
    if len(data) < head or not data.startswith(MAGIC):
        raise Refused(NOT_OURS)
    payload = memoryview(data)[head:]
    signature = hmac.new(key, MAGIC, hashlib.sha256)
    signature.update(payload)
    if not hmac.compare_digest(signature.digest(), data[len(MAGIC):head]):
        raise Refused(NOT_OURS)
    value: object = pickle.loads(payload)
    return value


def save(path: Path, value: object) -> None:
    """`value` pickled into `path`, signed; nothing is written without the user's key (a
    cache that cannot be written is only a slower next compile)."""
    key = user_key()
    if key is None:
        return

    def dump(stream: BinaryIO) -> None:
        stream.write(MAGIC + bytes(_MAC_BYTES))
        signed = _Signing(stream, hmac.new(key, MAGIC, hashlib.sha256))
        pickle.dump(value, signed, protocol=pickle.HIGHEST_PROTOCOL)
        stream.seek(len(MAGIC))
        stream.write(signed.signature.digest())

    write_whole(path, dump)


class _Signing:
    """A stream that signs what passes through it."""

    __slots__ = ("signature", "stream")

    def __init__(self, stream: BinaryIO, signature: hmac.HMAC) -> None:
        self.stream = stream
        self.signature = signature

    def write(self, data: bytes) -> int:
        self.signature.update(data)
        return self.stream.write(data)


def _check_owner(status: os.stat_result) -> None:
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        raise Refused(f"owned by another user (uid {status.st_uid})")
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise Refused("writable by other users")


def user_key() -> bytes | None:
    """This user's key, made on first use; None where the user's cache directory is not
    usable, or the key there is not the user's alone."""
    directory = cache_directory()
    if directory is None:
        return None
    path = directory / KEY_FILE
    key = _read_key(path)
    if key is None and not path.exists():
        key = _make_key(path)
    return key


def _read_key(path: Path) -> bytes | None:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with open(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if (not stat.S_ISREG(status.st_mode) or status.st_mode & 0o077
                or (hasattr(os, "getuid") and status.st_uid != os.getuid())):
            return None
        key = stream.read(KEY_BYTES + 1)
    return key if len(key) == KEY_BYTES else None


def _make_key(path: Path) -> bytes | None:
    """A new key, written whole beside `path` (mode 0600) and linked into place, so that
    two commands making one at once both end with the one that was linked first."""
    import tempfile  # not at start-up: the key is made once per user

    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{KEY_FILE}.", dir=path.parent)
    except OSError:
        return None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(os.urandom(KEY_BYTES))  # what secrets.token_bytes reads
        os.link(temporary, path)
    except FileExistsError:
        pass  # another command made it first: use theirs
    except OSError:
        return None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return _read_key(path)


def _key_directory_named() -> str:
    directory = cache_directory()
    return str(directory) if directory is not None else "$XDG_CACHE_HOME/pgshift"
