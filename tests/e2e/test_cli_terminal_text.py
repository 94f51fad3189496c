"""What a user is shown: bytes that would act on a terminal (CR, ESC) escaped, `sql` with
only the SQL, `plan` with every command a statement runs, a file-system refusal as exit 5."""

from __future__ import annotations

from tests.e2e.cli_database_support import INITIAL, Project


def test_a_failed_statement_is_shown_with_its_control_characters_escaped(
        project: Project) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.write("0.0.2_fails.shift",
                  '-- pgshift: allow raw-sql\n'
                  'sql """SELECT \'\x1b[2J\x1b]0;owned\x07\' || 1 / 0 -- hidden\rSELECT 1"""'
                  ' down """SELECT 1"""\n')
    project.compile()
    failed = project.run("up")
    assert failed.returncode == 14, failed.stderr
    assert "\x1b" not in failed.stderr
    assert "\r" not in failed.stderr
    assert "\x07" not in failed.stderr
    assert "\\e[2J\\e]0;owned\\x07" in failed.stderr
    # A CR ends a line for PostgreSQL (the comment stops there), and so it is shown.
    assert "-- hidden\n    SELECT 1" in failed.stderr


def test_sql_prints_the_migration_and_nothing_about_old_warnings(project: Project) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.write("0.0.2_backfill.shift", '-- pgshift: allow raw-sql\n'
                  'sql """\nUPDATE documents SET title = upper(title);\n"""'
                  ' down """\nSELECT 1;\n"""\n'
                  "alter table documents {\n    drop column title\n}\n")  # a warning
    project.compile()
    for _ in range(2):
        shown = project.run("sql", "0.0.2", with_url=False)
        assert shown.returncode == 0, shown.stderr
        assert shown.stderr == ""
        assert ";;" not in shown.stdout
        assert shown.stdout.startswith("UPDATE documents SET title = upper(title);\n")


def test_plan_shows_every_command_a_sql_block_runs(project: Project) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    project.write("0.0.2_two.shift", '-- pgshift: allow raw-sql\n'
                  'sql """\nCREATE TABLE notes (id int); DROP TABLE documents;\n"""'
                  ' down """SELECT 1"""\n')
    project.compile()
    plan = project.run("plan", with_url=False)
    assert plan.returncode == 0, plan.stderr
    assert "    CREATE TABLE notes (id int); DROP TABLE documents;\n" in plan.stdout
    assert "    DROP TABLE documents;\n" in plan.stdout


def test_a_file_system_refusal_is_exit_5_with_the_path(project: Project) -> None:
    project.write("0.0.1_initial_schema.shift", INITIAL)
    generated = project.root / "generated"
    for child in generated.iterdir():
        child.unlink()
    generated.rmdir()
    generated.write_text("not a directory", encoding="utf-8")  # as unwritable as read-only
    failed = project.run("compile", with_url=False)
    assert failed.returncode == 5, failed.stderr
    assert "generated" in failed.stderr
