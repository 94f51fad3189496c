"""Database URLs as they may be shown: the password is never printed."""

from __future__ import annotations

import re

_URL_PASSWORD = re.compile(r"^(?P<head>[a-z][a-z0-9+.-]*://[^:/@]*:)(?P<password>[^@]*)(?=@)",
                           re.IGNORECASE)
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*", re.IGNORECASE)


def mask_password(url: str) -> str:
    """The URL with any password replaced by ***, in URI and key=value forms alike."""
    masked = _URL_PASSWORD.sub(lambda m: m["head"] + ("***" if m["password"] else ""), url)
    masked = _QUERY_PASSWORD.sub(r"\1***", masked)
    return _KEYWORD_PASSWORD.sub(r"\1***", masked)


_URL_PASSWORD_IN_TEXT = re.compile(
    r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@\s]*)(?=@)", re.IGNORECASE)


def mask_passwords_in(text: str) -> str:
    """Any text (a usage error echoing the command line) with every URL's password, in
    either form, replaced by ***."""
    masked = _URL_PASSWORD_IN_TEXT.sub(
        lambda m: m["head"] + ("***" if m["password"] else ""), text)
    masked = _QUERY_PASSWORD.sub(r"\1***", masked)
    return _KEYWORD_PASSWORD.sub(r"\1***", masked)


def describe(url: str) -> str:
    """host/port/database in a few words, for messages."""
    from psycopg.conninfo import conninfo_to_dict  # not for masking: a usage error needs none

    try:
        parts = conninfo_to_dict(url)
    except Exception:
        return mask_password(url)
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    return f"database {parts.get('dbname') or '(default)'} on {host}:{port}"
