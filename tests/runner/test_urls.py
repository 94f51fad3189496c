"""Masking passwords (runner/urls.py), no database needed: every shape of URL a user may
give, as pgshift shows it and inside the messages libpq makes of it when it cannot parse
it; pieces of a password that libpq quotes; passwords kept for the whole process."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from pgshift.runner import urls
from pgshift.runner.urls import describe, keep_secret, mask_password, passwords_in

# Each URL, and what of it must never be shown: the password, and its pieces where libpq
# would cut it (an unquoted space, an unencoded @).
SHAPES = {
    "uri": ("postgresql://app:S3cretPW@/x?host=/nonexistent", ["S3cretPW"]),
    "sqlalchemy scheme": ("postgresql+psycopg://app:S3cretPW@db.internal:5432/rag",
                          ["S3cretPW"]),
    "leading space": (" postgresql://app:S3cretPW@/x?host=/nonexistent", ["S3cretPW"]),
    "upper-case scheme": ("POSTGRESQL://app:S3cretPW@/x?host=/nonexistent", ["S3cretPW"]),
    "unquoted space": ("host=/nonexistent password=S3cret PW dbname=x", ["S3cret", "PW"]),
    "unencoded @": ("postgresql://app:S3cretPW@42@/x", ["S3cretPW", "@42", "42@"]),
    "percent-encoded @": ("postgresql://app:S3cret%40PW@/x?host=/nonexistent",
                          ["S3cret%40PW", "S3cret@PW"]),
    "quote in keyword": ("host=/nonexistent password='S3cret\\'PW' dbname=x",
                         ["S3cret", "PW"]),
    "spaces in keyword": ("host=/nonexistent password='S3cret P W' dbname=x",
                          ["S3cret", "P W"]),
    "query": ("postgresql://app@/x?host=/nonexistent&password=S3cretPW", ["S3cretPW"]),
    "space in uri": ("postgresql://app:S3cret PW@/x", ["S3cret", "PW"]),
    "bad percent": ("postgresql://app:S3cret%4PW@/x", ["S3cret"]),
    "unterminated quote": ("host=x password='S3cret PW", ["S3cret", "PW"]),
}


@pytest.fixture(autouse=True)
def _nothing_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no kept URL, and keeps none after it."""
    monkeypatch.setattr(urls, "_kept", [])


def _shown(text: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret in text]


@pytest.mark.parametrize(("url", "secrets"), SHAPES.values(), ids=SHAPES.keys())
def test_the_url_as_shown_holds_no_password(url: str, secrets: list[str]) -> None:
    shown = mask_password(url)

    assert not _shown(shown, secrets), shown
    assert "***" in shown


@pytest.mark.parametrize(("url", "secrets"), SHAPES.values(), ids=SHAPES.keys())
def test_libpq_messages_about_the_url_hold_no_password(url: str, secrets: list[str]) -> None:
    try:
        conninfo_to_dict(url)
    except psycopg.Error as error:
        message = f"cannot connect to the database: {error}"
    else:  # libpq reads it: psycopg names the host it could not resolve, say
        message = f"cannot connect to the database: failed to resolve host '{url[-5:]}'"

    assert not _shown(mask_password(message, url), secrets), mask_password(message, url)


def test_a_quoted_piece_of_a_password_is_masked() -> None:
    url = "postgresql://app:S3cretPW@42@/x"  # libpq: password S3cretPW, host 42@

    assert mask_password("failed to resolve host '42@': Name or service not known", url) == (
        "failed to resolve host '***': Name or service not known")
    assert mask_password('missing "=" after "PW" in connection info string',
                         "host=db password=S3cret PW dbname=x") == (
        'missing "=" after "***" in connection info string')


def test_every_form_of_the_password_is_masked_wherever_it_occurs() -> None:
    url = "postgresql://app:S3cret%40PW@/x?host=/nonexistent"

    assert passwords_in(url) == {"S3cret%40PW", "S3cret@PW"}
    assert mask_password("it was S3cret@PW, or S3cret%40PW", url) == "it was ***, or ***"
    assert passwords_in("host=db password='it\\'s' dbname=x") == {"it\\'s", "it's"}
    assert passwords_in("host=db password=S3cret PW dbname=x") == {"S3cret", "S3cret PW"}


def test_a_kept_url_is_masked_in_every_later_message() -> None:
    url = " postgresql://app:S3cretPW@42@/x?host=/nonexistent"
    assert mask_password("the server said S3cretPW") == "the server said S3cretPW"

    keep_secret(url)

    assert mask_password("the server said S3cretPW") == "the server said ***"
    assert mask_password("failed to resolve host '42@'") == "failed to resolve host '***'"


def test_what_holds_no_password_is_left_as_it_is() -> None:
    message = ('connection to server on socket "/nonexistent/.s.PGSQL.5432" failed: No such'
               ' file or directory')
    for url in ("postgresql://app@/x?host=/nonexistent", "postgresql://db:5432/rag",
                "host=/nonexistent dbname=x", "postgresql://app:@db/rag"):
        assert mask_password(url) == url
        assert mask_password(message, url) == message


def test_masked_forms_are_kept_readable() -> None:
    assert mask_password("postgresql://app:S3cretPW@db.internal:5432/rag") == (
        "postgresql://app:***@db.internal:5432/rag")
    assert mask_password("postgresql://app:S3cretPW@42@/x") == "postgresql://app:***@/x"
    assert mask_password("host=db password='S3cret PW' dbname=x") == (
        "host=db password=*** dbname=x")
    assert mask_password("postgresql://db/rag?password=S3cret&sslmode=require") == (
        "postgresql://db/rag?password=***&sslmode=require")
    assert describe("postgresql://app:S3cretPW@/x?host=/nonexistent") == (
        "database x on /nonexistent:5432")
