"""dsl/regex_start.py: whether a terminal's match can begin with a blank (or a '-').

The parse loop lets a state's lexer swallow the blanks before a token only where no terminal
tried first can begin with a blank; a wrong False here would make it lex text differently
from Lark (a wrong True only costs speed). So every False below must be a true "cannot".
"""

from __future__ import annotations

import re

import pytest

from pgshift.dsl.parser import lark_parser
from pgshift.dsl.regex_start import character_run, may_start_with

BLANKS = " \t\x0c\r\n"


def terminal_regexps() -> dict[str, str]:
    return {t.name: t.pattern.to_regexp() for t in lark_parser().terminals}


@pytest.mark.parametrize(("pattern", "blank", "dash"), [
    # literals
    ("abc", False, False),
    (" abc", True, False),
    ("\tx", True, False),
    ("-x", False, True),
    ("", False, False),
    # classes and ranges
    ("[a-z]+", False, False),
    ("[ a]", True, False),
    ("[\\x00-\\x20]", True, False),
    ("[+-]", False, True),
    ("[\\d-]", False, True),
    ("[\\w ]", True, False),
    # categories: \d and \w are neither blank nor '-'; anything else may be
    ("\\s", True, True),
    ("\\s+x", True, True),
    ("\\d+", False, False),
    ("\\w+", False, False),
    ("\\S", True, True),
    # negated classes may begin with anything they do not name
    ("[^a]", True, True),
    ("[^ ]+", True, True),
    ("[^\\n]*x", True, True),
    # optional prefixes and repeats that may match nothing continue to the next item
    ("-?\\d+", False, True),
    ("a* ", True, False),
    ("a*? ", True, False),
    ("a*+ ", True, False),
    ("a+ ", False, False),
    ("a{0,3}-", False, True),
    ("a{1,3}-", False, False),
    ("(?:a|b)?-", False, True),
    ("(?: )*x", True, False),
    ("a?", False, False),
    # groups, flags and alternations
    ("(?i:abc)", False, False),
    ("(?i: abc)", True, False),
    ("(?i:(table|column)\\b)", False, False),
    ("a|b", False, False),
    ("a| b", True, False),
    ("(?:a|)-", False, True),
    ("(x|-)y", False, True),
    # zero-width items consume nothing: what follows them decides
    ("(?= )a", False, False),
    ("(?! )a", False, False),
    ("(?!x) ", True, False),
    ("(?<=x) ", True, False),
    ("^ ", True, False),
    ("\\b-", False, True),
    # anything else counts as "may"
    (".", True, True),
    ("(a)\\1", False, False),
    ("(", True, True),  # not a regular expression at all
])
def test_may_start_with(pattern: str, blank: bool, dash: bool) -> None:
    assert may_start_with(pattern, BLANKS) is blank
    assert may_start_with(pattern, "-") is dash


def test_may_start_with_any_one_of_the_characters() -> None:
    assert may_start_with("\ny", " \n")
    assert not may_start_with("\ny", " \t")
    assert may_start_with("[\\t-]x", "-")


def test_a_category_is_only_ruled_out_for_blanks_and_dashes() -> None:
    """\\d surely begins with a digit; asked about '0' the answer must be "may"."""
    assert may_start_with("\\d", "0")
    assert may_start_with("\\w", "_")


def test_characters_with_a_case_are_not_accepted() -> None:
    """`(?i)` could make `A` match `a`; the function is only for caseless characters."""
    with pytest.raises(AssertionError):
        may_start_with("x", "a")


@pytest.mark.parametrize(("pattern", "run"), [
    ("[ \t\n]+", " \t\n"),
    ("[ \t\x0c\r\n]+", " \t\x0c\r\n"),
    ("[\n ]+", "\n "),
    ("(?:[ \t])+", " \t"),
])
def test_character_run(pattern: str, run: str) -> None:
    assert character_run(pattern) == run


@pytest.mark.parametrize("pattern", [
    "[ \t]", "[ \t]*", "[ \t]{2,}", "[ \t]+x", "x[ \t]+", "[a-z]+", "[\\s]+", "\\s+", "[^ ]+",
    "(?i:[ \t]+)", " +", "--[^\n]*", "", "(",
])
def test_not_a_character_run(pattern: str) -> None:
    assert character_run(pattern) is None


# ------------------------------------------------------------------ the real grammar


def test_the_grammars_terminals_that_may_start_with_a_blank() -> None:
    """The two that do (TABLE_CHECK, INTERVAL_FIELDS) disable the shortcut in their states;
    any other name here would disable it for nothing, and a missing one would be a bug."""
    regexps = terminal_regexps()
    assert {name for name, regexp in regexps.items() if may_start_with(regexp, BLANKS)} == {
        "TABLE_CHECK", "INTERVAL_FIELDS", "WHITESPACE"}
    assert {name for name, regexp in regexps.items() if may_start_with(regexp, "-")} == {
        "TABLE_CHECK", "LINE_COMMENT", "DECIMAL", "SIGNED_INT"}


def test_the_grammars_only_character_run_is_whitespace() -> None:
    regexps = terminal_regexps()
    assert character_run(regexps["WHITESPACE"]) == BLANKS
    assert {name for name, regexp in regexps.items() if character_run(regexp) is not None} == {
        "WHITESPACE"}


@pytest.mark.parametrize(("terminal", "text"), [
    ("TABLE_CHECK", "\n  check"),
    ("TABLE_CHECK", " -- note\ncheck"),
    ("INTERVAL_FIELDS", " day to second"),
    ("INTERVAL_FIELDS", "\tyear"),
])
def test_the_blank_starting_terminals_really_do_start_with_blanks(terminal: str,
                                                                  text: str) -> None:
    """What the set above says of them is not merely conservative."""
    assert re.fullmatch(terminal_regexps()[terminal], text)
