"""SQL passed through as written stays what it says (issue 17.3, 17.5): a backtick
expression is one expression, and a `sql` block leaves the migration's transaction alone.

Each refusal is a positioned compile error pointing into the backticks or the block; the
legitimate forms next to each (semicolons and brackets in strings, dollar quotes, casts,
arrays, PL/pgSQL and BEGIN ATOMIC bodies) still compile.
"""

from __future__ import annotations

import pytest

from pgshift.compiler.history import History, compile_texts
from pgshift.compiler.sql_checks import expression_problem, transaction_control
from pgshift.compiler.sql_scan import parenthesised, statements
from pgshift.dsl import render_all
from pgshift.dsl.diagnostics import Diagnostic

TABLE = "table t {\n    a integer\n    b text\n    c text[]\n}\n"


def compiled(text: str) -> History:
    return compile_texts([("0.0.1_table.shift", TABLE), ("0.0.2_change.shift", text)])


def errors(text: str) -> list[Diagnostic]:
    return compiled(text).errors


def only_error(text: str, code: str) -> Diagnostic:
    found = errors(text)
    assert [d.code for d in found] == [code], render_all(found, compiled(text).sources)
    return found[0]


# ---------------------------------------------------------------- one expression

REFUSED_EXPRESSIONS = {
    "statement_after": ("a > 0); DROP TABLE victim; --", "closes nothing", 6),
    "semicolon": ("a > 0; DROP TABLE victim", "';' would end the statement", 6),
    "semicolon_at_end": ("a > 0;", "';'", 6),
    "line_comment": ("a > 0 -- and the rest", "comment", 7),
    "block_comment": ("a > 0 /* and the rest */", "comment", 7),
    "unclosed_block_comment": ("a > 0 /* and the rest", "comment", 7),
    "closing_nothing": ("a > 0)", "closes nothing", 6),
    "closing_bracket_nothing": ("c[1]] = 'x'", "']' closes nothing", 5),
    "never_closed": ("(a > 0", "'(' is never closed", 1),
    "bracket_never_closed": ("c[1 = 'x'", "'[' is never closed", 2),
    "wrong_bracket": ("(a > 0]", "']' does not close the '('", 7),
    "unterminated_string": ("b = 'x", "unterminated string", 5),
    "unterminated_escape_string": ("b = E'x\\'", "unterminated string: this E'", 5),
    "unterminated_name": ('"b = 1', "unterminated quoted name", 1),
    "unterminated_dollar": ("b = $q$x$$", "unterminated dollar-quoted string: this $q$", 5),
    "backslash_quote": ("b <> 'x\\' or true", "standard_conforming_strings off", 6),
}


@pytest.mark.parametrize(("sql", "says", "column"), REFUSED_EXPRESSIONS.values(),
                         ids=REFUSED_EXPRESSIONS.keys())
def test_an_expression_that_is_not_one_is_refused_where_it_goes_wrong(
        sql: str, says: str, column: int) -> None:
    problem = expression_problem(sql)
    assert problem is not None
    assert says in problem.message
    assert problem.offset == column - 1
    text = f"alter table t {{\n    add check `{sql}`\n}}\n"
    found = only_error(text, "bad-expression")
    assert found.span is not None
    assert (found.span.line, found.span.column) == (2, len("    add check `") + column)


ACCEPTED_EXPRESSIONS = {
    "semicolon_in_string": "b <> 'x; DROP TABLE victim; --'",
    "quote_in_string": "b <> 'it''s'",
    "escape_string": "b <> E'it\\'s; \\\\' and b <> e'\\\\'",
    "brackets_in_strings": "b <> ')' and b <> '(' and b <> ']'",
    "quoted_name": '"b" <> \'x\' and "a" > 0',
    "semicolon_in_quoted_name": "\"b\" <> 'x;'",
    "dollar_quotes": "b <> $$;)--$$ and b <> $tag$ /* $$ $tag$",
    "cast_and_array": "b::text <> 'x'::text and c[1] = 'y' and c = ARRAY['a;b', '']",
    "nested": "((a > 0) and (length(b) < 10 or b is null)) and c[(1)] is not null",
    "regex_backslash": "b ~ '^\\S+@\\S+$'",
    "dollars_elsewhere": "b <> 'x$y$' and a <> $1 and b$c is null",
}


@pytest.mark.parametrize("sql", ACCEPTED_EXPRESSIONS.values(), ids=ACCEPTED_EXPRESSIONS.keys())
def test_legitimate_expressions_compile(sql: str) -> None:
    assert expression_problem(sql) is None
    history = compiled(f"alter table t {{\n    add check `{sql}`\n}}\n")
    assert history.errors == [], render_all(history.errors, history.sources)
    assert f"CHECK ({sql})" in history.migrations[-1].up[0]


SLOTS = {
    "column_check": "table u {\n    x integer check `{e}`\n}\n",
    "table_check": "table u {\n    x integer\n    check `{e}`\n}\n",
    "default": "table u {\n    x integer default `{e}`\n}\n",
    "default_argument": "table u {\n    x integer default f(`{e}`)\n}\n",
    "generated": "table u {\n    x integer\n    y integer generated always as `{e}` stored\n}\n",
    "index_element": "index i on t (`{e}`)\n",
    "index_where": "index i on t (a) where `{e}`\n",
    "add_column": "alter table t {\n    add column x integer default `{e}`\n}\n",
    "add_check": "alter table t {\n    add check `{e}` not valid\n}\n",
    "add_named_check": "alter table t {\n    add constraint k check `{e}`\n}\n",
    "set_default": "alter table t {\n    alter column a set default `{e}`\n}\n",
    "using": "alter table t {\n    alter column a type bigint using `{e}`\n}\n",
}


@pytest.mark.parametrize("slot", SLOTS.values(), ids=SLOTS.keys())
def test_every_backtick_slot_is_checked(slot: str) -> None:
    text = slot.replace("{e}", "1); DROP TABLE victim; --")
    codes = [d.code for d in errors(text)]
    assert "bad-expression" in codes


def test_the_position_counts_lines_inside_the_backticks_crlf_and_lone_cr_alike() -> None:
    for newline in ("\n", "\r\n", "\r"):
        text = (f"alter table t {{{newline}    add check `a > 0{newline}"
                f"        and b <> 'x';{newline}    `{newline}}}{newline}")
        found = only_error(text, "bad-expression")
        assert found.span is not None
        assert (found.span.line, found.span.column) == (3, 21), repr(newline)


def test_a_parenthesised_default_is_not_wrapped_again_only_when_one_pair_encloses_it() -> None:
    assert parenthesised("(a > 0)")
    assert parenthesised("((a) + (b))")
    assert parenthesised("(b <> ')')")
    assert not parenthesised("(a) + (b)")
    assert not parenthesised("(b = '(') or (b = ')')")
    history = compiled("alter table t {\n    alter column b set default `('(') || (')')`\n}\n")
    assert history.errors == []
    assert history.migrations[-1].up[0].endswith("SET DEFAULT (('(') || (')'))")


# ---------------------------------------------------------------- transaction control

REFUSED_BLOCKS = {
    "commit": "CREATE TABLE x (id int);\nCOMMIT;",
    "commit_prepared": "COMMIT PREPARED 'x'",
    "rollback": "CREATE TABLE x (id int); ROLLBACK",
    "rollback_to_savepoint": "CREATE TABLE x (id int); ROLLBACK TO SAVEPOINT s",
    "rollback_prepared": "ROLLBACK PREPARED 'x'",
    "begin": "BEGIN; CREATE TABLE x (id int)",
    "begin_lower_case_after_comments": "-- first\n/* a /* nested */ comment */\n  begin work;",
    "start_transaction": "start transaction isolation level serializable",
    "end": "CREATE TABLE x (id int); end",
    "abort": "Abort",
    "savepoint": "SAVEPOINT s",
    "release": "RELEASE SAVEPOINT s",
    "prepare_transaction": "PREPARE TRANSACTION 'x'",
    "after_a_string_with_a_semicolon": "SELECT 'a;b', E'\\';'; COMMIT",
    "after_a_function": ("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1;"
                         " END $$; COMMIT"),
    "after_begin_atomic": ("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;"
                           " END; COMMIT"),
}


@pytest.mark.parametrize("block", REFUSED_BLOCKS.values(), ids=REFUSED_BLOCKS.keys())
def test_a_sql_block_that_controls_the_transaction_is_refused(block: str) -> None:
    found = only_error(f'irreversible\nsql """{block}"""\n', "transaction-control")
    assert "each migration runs in a transaction of its own" in found.message
    assert found.help is not None
    assert "index concurrently" in found.help
    assert len(list(transaction_control(block))) == 1


def test_its_down_is_checked_too_and_the_caret_is_on_the_word() -> None:
    text = 'sql """SELECT 1""" down """\n    SELECT 2;\n    rollback;\n"""\n'
    found = only_error(text, "transaction-control")
    assert found.span is not None
    assert (found.span.line, found.span.column, found.span.end_column) == (3, 5, 13)
    assert "'rollback' controls the transaction" in found.message


ACCEPTED_BLOCKS = {
    "plpgsql_function": (
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        "    NEW.updated_at := now();\n    RETURN NEW;\nEND $$;"),
    "tagged_dollar_body": "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$"
                          " BEGIN COMMIT; END $body$",
    "do_block": "DO $$ BEGIN PERFORM 1; END $$",
    "begin_atomic": (
        "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC\n"
        "    INSERT INTO t (a) VALUES (1);\n    SELECT CASE WHEN true THEN 1 END;\nEND;\n"
        "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END"),
    "words_in_strings_and_comments": (
        "SELECT 'COMMIT'; -- ROLLBACK\nSELECT \"begin\" FROM (SELECT 1 AS \"begin\") x;"
        " /* END */"),
    "words_later_in_a_statement": "UPDATE t SET b = CASE WHEN a > 0 THEN 'x' END",
    "semicolon_in_parentheses": "SELECT (1; COMMIT)",
    "prepare_statement": "PREPARE q AS SELECT 1; EXECUTE q; DEALLOCATE q",
    "name_that_starts_like_one": "CREATE TABLE beginnings (id int); DROP TABLE committed",
}


@pytest.mark.parametrize("block", ACCEPTED_BLOCKS.values(), ids=ACCEPTED_BLOCKS.keys())
def test_blocks_that_leave_the_transaction_alone_compile(block: str) -> None:
    assert list(transaction_control(block)) == []
    history = compiled(f'irreversible\nsql """{block}"""\n')
    assert history.errors == [], render_all(history.errors, history.sources)


def test_statements_are_split_as_psql_splits_them() -> None:
    sql = ("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n"
           "SELECT ';' /* ; */ -- ;\r  , 2; 1 + 1; (SELECT 3); START TRANSACTION")
    assert [(s.first, s.second) for s in statements(sql)] == [
        ("create", "function"), ("select", ""), ("start", "transaction")]
