"""Database URLs and connection errors as they may be shown: a password is never printed.

Masking works in three layers, so that a URL libpq cannot parse is no more a leak than
one it can:

- patterns: whatever is written where a password goes (`scheme://user:PASSWORD@`,
  `?password=…` or `&password=…`, `password=…` in a keyword string, quoted or not) is
  replaced by `***`, in a URL and in any text that quotes one;
- passwords: the password of each URL known to the message (the text itself, the URLs
  passed in, and those `keep_secret` was given) is found leniently (a leading space, an
  upper-case scheme, `postgresql+psycopg://`, an unencoded `@`, an unquoted space in a
  keyword string), and every occurrence of it, as written and percent-decoded, is
  replaced by `***`;
- pieces: a quoted word of a message (libpq's `missing "=" after "PW"`, psycopg's
  `failed to resolve host '42@'`) that is part of such a password is replaced by `***`.

This module imports nothing beyond the standard library: a usage error masks with it.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import unquote

MASK = "***"

_URL_PASSWORD = re.compile(
    # the password of scheme://user:password@host: up to the last @ before the host, so
    # that an unencoded @ in it (app:S3cret@42@host) is masked whole
    r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/@\s\"']*:)(?P<password>[^\s/]*?)"
    r"(?=@[^@/?#\s\"']*(?:[/?#\s\"']|$))", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&#\s\"']*", re.IGNORECASE)
_QUERY_PASSWORD_TO_END = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)  # spaces too
# In a keyword string, an unquoted password with spaces runs up to the next `keyword=`
# (as far as the string goes when it is the whole URL); in other text, only words that a
# `keyword=` follows are taken for it, so a message goes on after the masked password.
_KEYWORD_PASSWORD_IN_URL = re.compile(
    r"(?<![?&\w])(password\s*=\s*)('(?:[^'\\]|\\.)*'?|\S+(?:\s+(?![a-z_]+\s*=)\S+)*)",
    re.IGNORECASE)
_KEYWORD_PASSWORD = re.compile(
    r"(?<![?&\w])(password\s*=\s*)('(?:[^'\\]|\\.)*'?"
    r"|\S+(?:(?:\s+(?![a-z_]+\s*=)\S+)*(?=\s+[a-z_]+\s*=))?)",
    re.IGNORECASE)
_SCHEME = re.compile(r"\b[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_QUOTED = re.compile(r"\"([^\"]+)\"|'([^']+)'")

_kept: list[str] = []  # the URLs this process connects with: their passwords never show


def keep_secret(url: str) -> None:
    """Mask the password of `url` in everything masked from now on, in this process (the
    URL a command runs against: its password may come back in any message)."""
    if url not in _kept:
        _kept.append(url)


def mask_password(text: str, *urls: str) -> str:
    """`text` (a URL, or a message) with every password replaced by ***: any written as
    one in it, and those of `urls` and of the URLs given to `keep_secret`, wherever they
    occur, with the quoted pieces of them."""
    known = [text, *urls, *_kept]
    masked = _URL_PASSWORD.sub(lambda m: m["head"] + (MASK if m["password"] else ""), text)
    masked = _QUERY_PASSWORD.sub(rf"\1{MASK}", masked)
    masked = _KEYWORD_PASSWORD.sub(rf"\1{MASK}", masked)
    secrets = sorted({s for url in known for s in passwords_in(url)}, key=len, reverse=True)
    for secret in secrets:
        masked = masked.replace(secret, MASK)
    return _mask_pieces(masked, [*urls, *_kept])


def mask_passwords_in(text: str) -> str:
    """Any text (a usage error echoing the command line) with every URL's password, in
    either form, replaced by ***."""
    return mask_password(text)


@functools.lru_cache(maxsize=64)
def passwords_in(url: str) -> frozenset[str]:
    """Every string that may be a password in `url` (or in a text that quotes URLs), read
    leniently: as written, percent-decoded, and unescaped from a quoted keyword value."""
    found: set[str] = set()
    for start, end, quoted in _password_spans(url):
        written = url[start:end]
        found |= {written, unquote(written)}
        if quoted:
            found.add(re.sub(r"\\(.)", r"\1", written))
        if not quoted and " " in written.strip():  # libpq reads the first word only
            found.add(written.split()[0])
    return frozenset(secret for secret in found if secret)


def describe(url: str) -> str:
    """host/port/database in a few words, for messages."""
    from psycopg.conninfo import conninfo_to_dict  # not for masking: a usage error needs none

    try:
        parts = conninfo_to_dict(url)
    except Exception:
        return mask_password(url)
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    return mask_password(f"database {parts.get('dbname') or '(default)'} on {host}:{port}",
                         url)


def _password_spans(url: str) -> list[tuple[int, int, bool]]:
    """Where a password may be written in `url`: (start, end, quoted) for the user-info
    part of each scheme://, each ?password= / &password=, and each keyword password=
    (unquoted: up to the next keyword=, however libpq would split it)."""
    spans: list[tuple[int, int, bool]] = []
    for scheme in _SCHEME.finditer(url):
        spans += _user_info_password(url, scheme.end())
    for pattern in (_QUERY_PASSWORD, _QUERY_PASSWORD_TO_END):
        spans += [(query.end(1), query.end(), False) for query in pattern.finditer(url)]
    for keyword in _KEYWORD_PASSWORD_IN_URL.finditer(url):
        start, end = keyword.span(2)
        if url[start] == "'":
            start += 1
            end -= 1 if end - start >= 1 and url[end - 1] == "'" else 0
            spans.append((start, end, True))
        else:
            spans.append((start, end, False))
    return spans


def _user_info_password(url: str, after_scheme: int) -> list[tuple[int, int, bool]]:
    """The password of scheme://user:password@host, as libpq reads it (up to the first @)
    and as its author may have meant it (up to the last @ before the host)."""
    slash = url.find("/", after_scheme)
    authority_end = slash if slash >= 0 else len(url)
    first_at = url.find("@", after_scheme, authority_end)
    colon = url.find(":", after_scheme, first_at)
    if first_at < 0 or colon < 0:
        return []
    last_at = first_at
    while True:  # a host holds no @: one after the first belongs to the password
        host_end = min((i for i in (url.find(c, last_at + 1) for c in "/?#") if i >= 0),
                       default=len(url))
        following = url.find("@", last_at + 1, host_end)
        if following < 0:
            break
        last_at = following
    return [(colon + 1, first_at, False), (colon + 1, last_at, False)]


def _mask_pieces(text: str, urls: list[str]) -> str:
    """Quoted words of `text` that are part of a password in one of `urls`, but not the
    whole of it (the whole password is replaced wherever it occurs), as ***."""
    spans = [(url, start, end) for url in urls for start, end, _ in _password_spans(url)]
    if not spans:
        return text

    def piece(match: re.Match[str]) -> str:
        word = match[1] if match[1] is not None else match[2]
        for url, start, end in spans:
            at = url.find(word)
            while at >= 0:
                if at < end and at + len(word) > start and not (
                        at <= start and at + len(word) >= end):
                    quote = match[0][0]
                    return f"{quote}{MASK}{quote}"
                at = url.find(word, at + 1)
        return match[0]

    return _QUOTED.sub(piece, text)
