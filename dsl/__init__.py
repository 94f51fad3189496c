"""The pgshift language front end: `.shift` text → typed AST, or positioned diagnostics."""

from .diagnostics import Diagnostic, DiagnosticError, Severity, render, render_all
from .filename import BadFileName, MigrationName, Version, parse_file_name
from .parser import load_source, parse_file, parse_source, parse_text
from .source import Source, Span

__all__ = [
    "BadFileName",
    "Diagnostic",
    "DiagnosticError",
    "MigrationName",
    "Severity",
    "Source",
    "Span",
    "Version",
    "load_source",
    "parse_file",
    "parse_file_name",
    "parse_source",
    "parse_text",
    "render",
    "render_all",
]
