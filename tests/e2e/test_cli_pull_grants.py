"""`pgshift pull` writes grants on views, materialized views, sequences (a serial column's
too) and functions in the language, and a function's EXECUTE taken from PUBLIC as a `revoke` (the
schema, tests/e2e/testdata/pull/grants_on_objects.sql, is also rebuilt by
test_cli_pull_roundtrip's round trip)."""

from __future__ import annotations

from tests.e2e.cli_database_support import Project, execute
from tests.e2e.test_cli_pull_roundtrip import CORPUS, _pull, _pulled

CASE = CORPUS / "grants_on_objects.sql"


def test_pull_writes_grants_on_views_sequences_and_functions(project: Project) -> None:
    execute(project.url, CASE.read_text(encoding="utf-8"))
    _pull(project)
    text = _pulled(project)
    assert "\ngrant usage, select on sequence invoice_numbers to \"Pull Writer\"\n" in text, text
    assert "\ngrant select on recent_invoices to pgshift_pull_reader\n" in text
    assert "\ngrant select on recent_invoices to public\n" in text
    assert "\ngrant select on invoice_count to pgshift_pull_reader\n" in text
    assert "\nrevoke execute on function invoice_label(bigint, text) from public\n" in text
    assert ("\ngrant execute on function invoice_label(bigint, text) to pgshift_pull_reader\n"
            in text)
    assert "\ngrant execute on function next_invoice() to \"Pull Writer\"\n" in text
    assert "on function next_invoice() to public" not in text


def test_what_the_language_cannot_say_stays_sql(project: Project) -> None:
    """WITH GRANT OPTION is SQL; a serial column's own sequence is the language's."""
    execute(project.url, CASE.read_text(encoding="utf-8"))
    _pull(project)
    text = _pulled(project)
    assert ("GRANT UPDATE ON SEQUENCE public.invoice_numbers TO pgshift_pull_reader WITH GRANT"
            " OPTION;") in text, text
    assert "\ngrant usage on sequence invoices_legacy_seq to \"Pull Writer\"\n" in text, text
    assert "GRANT USAGE" not in text, text
