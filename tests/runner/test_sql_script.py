"""`sql_script`: statements as a script psql runs as pgshift does, one `;` each."""

from __future__ import annotations

from pgshift.runner.migration import sql_script


def test_each_statement_ends_with_one_semicolon() -> None:
    assert sql_script(["CREATE TABLE a (id int)", "UPDATE a SET id = 1;\n"]) == (
        "CREATE TABLE a (id int);\n\nUPDATE a SET id = 1;\n")


def test_a_trailing_comment_gets_the_semicolon_on_a_line_of_its_own() -> None:
    assert sql_script(["SELECT 1 -- the answer"]) == "SELECT 1 -- the answer\n;\n"


def test_no_statements_is_an_empty_script() -> None:
    assert sql_script([]) == ""
