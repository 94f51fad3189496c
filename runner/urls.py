"""Database URLs as they may be shown: the password is never printed."""

from __future__ import annotations

import re

from psycopg.conninfo import conninfo_to_dict

_URL_PASSWORD = re.compile(r"^(?P<head>[a-z][a-z0-9+.-]*://[^:/@]*:)(?P<password>[^@]*)(?=@)",
                           re.IGNORECASE)
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*", re.IGNORECASE)


def mask_password(url: str) -> str:
    """The URL with any password replaced by ***, in URI and key=value forms alike."""
    masked = _URL_PASSWORD.sub(lambda m: m["head"] + ("***" if m["password"] else ""), url)
    masked = _QUERY_PASSWORD.sub(r"\1***", masked)
    return _KEYWORD_PASSWORD.sub(r"\1***", masked)


def describe(url: str) -> str:
    """host/port/database in a few words, for messages."""
    try:
        parts = conninfo_to_dict(url)
    except Exception:
        return mask_password(url)
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    return f"database {parts.get('dbname') or '(default)'} on {host}:{port}"
