"""Lexer expressions handed to the regex engine as kept code (dsl/regex_programs.py): each
must match exactly as `re.compile` of its pattern does, and anything amiss with a kept
program must fall back to `re.compile`, never fail."""

from __future__ import annotations

import re

import pytest

from pgshift.dsl.lalr_scanner import match_pattern
from pgshift.dsl.parser import grammar_tables
from pgshift.dsl.regex_programs import compiled, program
from tests.dsl.lalr_driver_support import SNIPPETS, corpus_texts

SAMPLE = corpus_texts(1)[3][:900] + "".join(SNIPPETS.values())


def test_every_lexer_matches_as_re_compile_at_every_position() -> None:
    """All the grammar's lexers, at every position of a corpus file and the driver tests'
    edge cases: the same match, span and group."""
    lexers = grammar_tables().tables.lexers
    assert all(spec.program is not None for spec in lexers)
    for spec in lexers:
        pattern = match_pattern(spec.alternation, spec.blanks)
        kept = compiled(pattern, spec.flags, spec.program)
        usual = re.compile(pattern, spec.flags)
        assert (kept.pattern, kept.flags, kept.groupindex) == (
            usual.pattern, usual.flags, usual.groupindex)
        for position in range(len(SAMPLE)):
            ours, theirs = kept.match(SAMPLE, position), usual.match(SAMPLE, position)
            assert (ours and (ours.span(), ours.lastgroup)) == (
                theirs and (theirs.span(), theirs.lastgroup)), (pattern, position)


@pytest.mark.parametrize("damage", ["magic", "code", "shape"])
def test_a_kept_program_that_does_not_fit_falls_back_to_re_compile(damage: str) -> None:
    """Another engine's program, code the engine refuses, a record of another shape. (The
    engine does not check a program against its pattern: the two are kept side by side in
    one LexerSpec, made from one another, and the test above holds every one of them.)"""
    pattern = r"(?P<A>ab+)|(?P<B>[0-9]+)"
    kept = program(pattern, 0)
    assert kept is not None
    magic, flags, code, groups, groupindex, indexgroup = kept
    damaged: object = {
        "magic": (magic + 1, flags, code, groups, groupindex, indexgroup),
        "code": (magic, flags, [*code[:5], 999_999, *code[6:]], groups, groupindex, indexgroup),
        "shape": (magic, flags),
    }[damage]
    result = compiled(pattern, 0, damaged)  # type: ignore[arg-type]
    found = result.match("abbb")
    assert found is not None
    assert (found.group(), found.lastgroup) == ("abbb", "A")


def test_without_the_engine_s_internals_patterns_compile_as_usual(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> object:
        raise ImportError(name)

    monkeypatch.setattr("importlib.import_module", missing)
    assert program("a+", 0) is None
    assert compiled("a+", 0, None).fullmatch("aaa") is not None
