"""The `pgshift` command line's grammar: every command, its options, its help with
examples, and the function that runs it (cli_commands.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TextIO

from . import __version__
from .cli_commands import (
    run_baseline,
    run_check,
    run_compile,
    run_db,
    run_down,
    run_drift,
    run_force,
    run_history,
    run_init,
    run_lint,
    run_new,
    run_plan,
    run_pull,
    run_repair,
    run_sql,
    run_status,
    run_up,
    run_verify,
)

Handler = Callable[[argparse.Namespace, TextIO], int]


class _Parser(argparse.ArgumentParser):
    """argparse's parser, but a usage error that echoes the command line (`unrecognized
    arguments: --database-url postgres://app:secret@…`) does not print the password."""

    def error(self, message: str) -> NoReturn:
        from .runner.urls import mask_passwords_in

        super().error(mask_passwords_in(message))


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def _command(commands: argparse._SubParsersAction[_Parser], name: str,
             parents: list[_Parser], summary: str, description: str,
             examples: list[str], handler: Handler) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        name, parents=parents, help=summary, description=description,
        epilog=_examples(*examples), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pgshift",
        description="Declarative, compiled schema migrations for PostgreSQL and pgvector.",
        epilog=_examples("pgshift new add_language", "pgshift compile", "pgshift check",
                         "pgshift sql 0.0.1 --down"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pgshift {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    common = _Parser(add_help=False)
    common.add_argument("--project", metavar="DIR", default=".", type=Path,
                        help="the project directory (default: the current directory)")
    common.add_argument("--verbose", "-v", action="store_true",
                        help="show more detail, and a traceback for internal errors")

    compile_ = _command(commands, "compile", [common], "compile migrations/ into generated/",
                        "Parse and check every migration in version order, then write"
                        " generated/postgresql.py and generated/schema.sql. Exits 3, writing"
                        " nothing, when a migration does not compile. Every diagnostic has a"
                        " code, listed in docs/errors.md.",
                        ["pgshift compile", "pgshift compile --project ~/src/rag-app",
                         "pgshift compile --format json | jq '.diagnostics[].code'"], run_compile)
    check = _command(commands, "check", [common],
                     "fail when a migration is wrong or generated/ is stale",
                     "Compile in memory and compare with generated/: exits 3 when a migration"
                     " does not compile, 4 when generated/ is stale, 0 when all is well. Made"
                     " for CI.",
                     ["pgshift check", "pgshift check --project services/api",
                      "pgshift check --format json"], run_check)
    for diagnosing in (compile_, check):
        diagnosing.add_argument("--format", choices=["text", "json"], default="text",
                                help="diagnostics as text for people (default), or as one"
                                     " JSON object on stdout for scripts")
    plan = _command(commands, "plan", [common], "list what each migration does to a live table",
                    "Compile every migration and list, in version order, the statements each"
                    " one runs, each with the table locks it takes (and what they block) and"
                    " whether it scans or rewrites the table; non-transactional and"
                    " irreversible migrations are marked.",
                    ["pgshift plan", "pgshift plan --json | jq '.migrations[-1]'"], run_plan)
    plan.add_argument("--json", action="store_true", help="print one JSON object")
    lint = _command(commands, "lint", [common], "run the safety lint",
                    "Compile every migration and report what the safety lint finds: locks"
                    " held on existing tables while they are scanned, rewritten or indexed,"
                    " lost data, renames the running application does not know, and more"
                    " (docs/safety.md). Exit 20 when a finding is one [tool.pgshift.lint]"
                    " makes an error, 3 when a migration does not compile.",
                    ["pgshift lint", "pgshift lint --format json", "pgshift lint --rules"],
                    run_lint)
    lint.add_argument("--format", choices=["text", "json"], default="text",
                      help="text for people (default), json for scripts")
    lint.add_argument("--rules", action="store_true",
                      help="list the rules with their levels instead")
    new = _command(commands, "new", [common], "create the next migration file",
                   "Create migrations/VERSION_NAME.shift with the version after the newest"
                   " one (0.0.9 → 0.0.10; timestamp histories get the current UTC time).",
                   ["pgshift new add_language", "pgshift new 'split documents'"], run_new)
    new.add_argument("name", metavar="NAME", help="what the migration does, e.g. add_language")
    sql = _command(commands, "sql", [common], "print the SQL of one migration",
                   "Print the Up SQL of migration VERSION, or its derived Down with --down"
                   " (exit 18 when the migration is irreversible).",
                   ["pgshift sql 0.0.1", "pgshift sql 0.0.2 --down"], run_sql)
    sql.add_argument("version", metavar="VERSION", help="the migration's version, e.g. 0.0.2")
    sql.add_argument("--down", action="store_true", help="print the derived Down instead")
    database = _Parser(add_help=False)
    database.add_argument("--database-url", metavar="URL",
                          help="the database (default: $DATABASE_URL, else the embedded"
                               " PostgreSQL in .pgshift/)")
    database.add_argument("--table", metavar="SCHEMA.TABLE",
                          help="the migration history table (default: history_table in"
                               " [tool.pgshift], else public.schema_migrations)")
    database.add_argument("--log-format", choices=["text", "json"], default="text",
                          help="how to print what happens on stderr: lines for people"
                               " (default), or one JSON object per event for machines"
                               " (docs/operations.md)")
    guarded = _Parser(add_help=False)
    guarded.add_argument("--wait", metavar="SECONDS", type=float,
                         help="when another instance holds the migration lock, wait up to"
                              " SECONDS for it instead of stopping (exit 10)")
    guarded.add_argument("--ignore-checksums", action="store_true",
                         help="apply even if an applied migration was edited since")
    guarded.add_argument("--lock-timeout", metavar="DURATION",
                         help="how long each statement may wait for a table lock before its"
                              " migration is rolled back and tried again, e.g. 500ms, 2s; 0"
                              " waits without limit (default: lock_timeout in [tool.pgshift],"
                              " else 500ms; a migration's header sets its own)")
    guarded.add_argument("--lock-retries", metavar="N", type=int,
                         help="how many times a migration whose locks timed out is tried"
                              " again (default: lock_retries in [tool.pgshift], else 30)")
    guarded.add_argument("--lock-wait-budget", metavar="DURATION",
                         help="how long in all to keep trying a migration whose locks time"
                              " out, e.g. 90s, 10min; a plain number is seconds (default:"
                              " lock_wait_budget in [tool.pgshift], else 5min)")
    guarded.add_argument("--statement-timeout", metavar="DURATION",
                         help="cancel a migration statement that runs longer, e.g. 30min"
                              " (default: statement_timeout in [tool.pgshift], else the"
                              " server's)")
    db_parents = [common, database]
    scratch = _Parser(add_help=False)  # the commands that rebuild a schema in a scratch database
    scratch.add_argument("--scratch-database-url", metavar="URL",
                         help="make the scratch database on this server (its role needs"
                              " CREATEDB; default: $PGSHIFT_SCRATCH_DATABASE_URL, else"
                              " scratch_database_url in [tool.pgshift], else the embedded"
                              " PostgreSQL); a script named in [tool.pgshift] runs in it"
                              " first, for what a platform provides (roles, extensions):"
                              " scratch_setup = \"db/platform.sql\" (docs/cli.md#platforms)")

    _command(commands, "init", [common], "scaffold a pgshift project",
             "Create migrations/ and generated/, a [tool.pgshift] section in pyproject.toml,"
             " and a .gitignore entry for .pgshift/ (where the embedded database lives).",
             ["pgshift init", "pgshift init --project ~/src/new-app"], run_init)
    up = _command(commands, "up", [*db_parents, guarded, scratch], "apply pending migrations",
                  "Apply pending migrations in version order under the migration lock, each"
                  " in its own transaction with its history row (non-transactional ones are"
                  " marked dirty while they run). Stops with exit 4 when generated/ is stale.",
                  ["pgshift up", "pgshift up --to 0.0.3", "pgshift up --dry-run > plan.sql",
                   "pgshift up --atomic", "pgshift up --rehearse",
                   "pgshift up --rehearse --scratch-database-url postgresql://ci@db/postgres",
                   "DATABASE_URL=postgresql://app@db/rag pgshift up --wait 60"], run_up)
    up.add_argument("--to", metavar="VERSION", help="apply up to and including VERSION")
    up.add_argument("--dry-run", action="store_true",
                    help="print the SQL that would run, after the same checks; change nothing")
    up.add_argument("--no-check", action="store_true",
                    help="apply generated/ even if migrations/ changed since it was compiled")
    up.add_argument("--out-of-order", action="store_true",
                    help="apply a pending migration older than the newest applied one (a"
                         " branch merged late); refused otherwise, exit 23")
    up.add_argument("--atomic", action="store_true",
                    help="apply every pending migration in one transaction, all or nothing;"
                         " refused, before anything runs, when one cannot run in a"
                         " transaction")
    up.add_argument("--rehearse", action="store_true",
                    help="run the pending migrations on a schema-only copy of the database"
                         " (pg_dump --schema-only into the embedded PostgreSQL) and report"
                         " what would fail and each statement's time; change nothing")
    up.add_argument("--rehearse-on-server", action="store_true",
                    help="the same, with the copy a throwaway database on the database's own"
                         " server (its role needs CREATEDB)")
    up.add_argument("--repair", action="store_true",
                    help="first repair a dirty database where that is safe, as `pgshift"
                         " repair` does")
    up.add_argument("--no-rollback", action="store_true",
                    help="leave a non-transactional migration that fails part-way as it"
                         " stopped, marked dirty, instead of undoing what it applied")
    down = _command(commands, "down", [*db_parents, guarded], "revert applied migrations",
                    "Revert the newest N applied migrations (default 1), or every one newer"
                    " than --to VERSION, running their derived Down. Exit 18 if one of them"
                    " is irreversible (then nothing is reverted).",
                    ["pgshift down", "pgshift down 3", "pgshift down --to 0.0.1"], run_down)
    down.add_argument("steps", metavar="N", type=int, nargs="?",
                      help="how many migrations to revert (default 1)")
    down.add_argument("--to", metavar="VERSION", help="revert everything newer than VERSION")
    down.add_argument("--dry-run", action="store_true",
                      help="print the Down SQL that would run; change nothing")
    status = _command(commands, "status", db_parents, "show applied and pending migrations",
                      "Show the database in use (password masked), the current version and"
                      " dirty flag, what is applied and what is pending. --json prints one"
                      " object for scripts (docs/cli.md).",
                      ["pgshift status", "pgshift status --json | jq .current_version",
                       "pgshift status --check && echo up to date"],
                      run_status)
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.add_argument("--check", action="store_true",
                        help="exit non-zero unless the database is clean and up to date: 13"
                             " dirty, 17 unknown versions, 16 an applied migration edited, 22"
                             " pending migrations (a deploy's health check)")
    history = _command(commands, "history", db_parents, "show the migration history table",
                       "Show every row of the history table: when each version was applied,"
                       " by whom, how long it took, and the failing statement of a dirty one.",
                       ["pgshift history", "pgshift history --json"], run_history)
    history.add_argument("--json", action="store_true", help="print one JSON object")
    force = _command(commands, "force", db_parents, "record a version without running anything",
                     "Record VERSION as the current version and clear the dirty flag: newer"
                     " records are removed, older known migrations recorded as applied. For"
                     " after a failed non-transactional migration was repaired by hand (try"
                     " `pgshift repair` first). `none` records that no migration is applied.",
                     ["pgshift force 0.0.2", "pgshift force none"], run_force)
    force.add_argument("version", metavar="VERSION",
                       help="the version the database is now at, or none")
    drift = _command(commands, "drift", [*db_parents, scratch],
                     "compare the live schema with what its migrations build",
                     "Build, in a scratch database (on the embedded PostgreSQL, or the scratch"
                     " server; the scratch_setup script run there first), the schema that"
                     " the database's applied migrations should have made, and compare it with"
                     " the live one object by object: exit 19 when something was changed by"
                     " hand, 0 when they match. Nothing in the live database is changed.",
                     ["pgshift drift", "pgshift drift --json --database-url $DATABASE_URL",
                      "pgshift drift --scratch-database-url postgresql://ci@db/postgres"],
                     run_drift)
    drift.add_argument("--json", action="store_true", help="print one JSON object")
    repair = _command(commands, "repair", [*db_parents, scratch],
                      "settle a dirty database where that is safe",
                      "Compare a dirty version (a non-transactional migration that stopped"
                      " part-way) with what it should make, object by object, in a scratch"
                      " database: when everything it changes is applied, mark it clean; when"
                      " nothing is (an INVALID index from its failed concurrent build is"
                      " dropped), remove its row so that `up` retries it; otherwise explain"
                      " each object and leave it for `pgshift force` (exit 13).",
                      ["pgshift repair --dry-run", "pgshift repair", "pgshift up --repair",
                       "PGSHIFT_SCRATCH_DATABASE_URL=postgresql://ci@db/postgres pgshift repair"],
                      run_repair)
    repair.add_argument("--dry-run", action="store_true",
                        help="say what it finds and would do; change nothing")
    repair.add_argument("--wait", metavar="SECONDS", type=float,
                        help="when another instance holds the migration lock, wait up to"
                             " SECONDS for it instead of stopping (exit 10)")
    pull = _command(commands, "pull", db_parents, "write the live schema as a migration",
                    "Read the live database's catalog and write one migration that recreates"
                    " it exactly: schemas, extensions, enums, tables and their partitions,"
                    " sequences, constraints, indexes, views, functions, triggers, policies,"
                    " grants and comments in the language, and what the language does not"
                    " model as sql blocks with a down, each named in a warning (`external`"
                    " declarations for what it references in schemas not read). The first"
                    " step of adopting an existing database:"
                    " then `pgshift compile` and `pgshift baseline VERSION`.",
                    ["pgshift pull --database-url $DATABASE_URL",
                     "pgshift pull --schema public --schema rag --version 0.0.1 --name initial",
                     "pgshift pull --stdout | less"], run_pull)
    pull.add_argument("--schema", dest="schemas", metavar="NAME", action="append",
                      help="a schema to read (repeatable; default: public)")
    pull.add_argument("--version", dest="pull_version", metavar="V",
                      help="the migration's version (default: 0.0.1, or the next after the"
                           " newest in migrations/)")
    pull.add_argument("--name", metavar="NAME", default="initial_schema",
                      help="the migration's description (default: initial_schema)")
    pull.add_argument("--stdout", action="store_true",
                      help="print the migration instead of writing a file")
    pull.add_argument("--force", action="store_true",
                      help="overwrite a migration file that already exists")
    baseline = _command(commands, "baseline", [*db_parents, scratch],
                        "record an existing schema's migrations as applied",
                        "Record every migration up to VERSION as applied without running it,"
                        " after building them in a scratch database and checking that what"
                        " they create exists in the live database as compiled. Refuses (exit"
                        " 19), listing each difference, when it does not, unless --force."
                        " Objects the migrations do not create are listed and left alone.",
                        ["pgshift baseline 0.0.1", "pgshift baseline 0.0.1 --dry-run",
                         "pgshift baseline 0.0.3 --force",
                         "pgshift baseline 0.0.1 --scratch-database-url postgresql://ci@db/pg"],
                        run_baseline)
    baseline.add_argument("version", metavar="VERSION")
    baseline.add_argument("--force", action="store_true",
                          help="record it even when the live schema differs")
    baseline.add_argument("--dry-run", action="store_true",
                          help="compare and say what it would record; change nothing")
    baseline.add_argument("--json", action="store_true", help="print one JSON object")
    baseline.add_argument("--scratch-on-server", action="store_true",
                          help="build the migrations in a throwaway database on the target's"
                               " server (its role needs CREATEDB) instead of the embedded"
                               " PostgreSQL: for extensions the embedded one lacks")
    verify = _command(commands, "verify", [*db_parents, scratch],
                      "prove every Down on a scratch database",
                      "On a scratch database (a new one on the embedded PostgreSQL, or on the"
                      " server of --database-url or the scratch server, dropped afterwards;"
                      " the scratch_setup script run there first), apply each migration's"
                      " Up, its Down and its Up again, comparing full catalog snapshots: exit"
                      " 21 naming the first migration whose Down does not restore the catalog,"
                      " with the difference. No database of yours is touched.",
                      ["pgshift verify", "pgshift verify --from 0.0.40",
                       "pgshift verify --json --database-url postgresql://ci@localhost/postgres"],
                      run_verify)
    verify.add_argument("--from", dest="start", metavar="VERSION",
                        help="only apply the migrations before VERSION; prove it and those after")
    verify.add_argument("--no-check", action="store_true",
                        help="verify generated/ even if migrations/ changed since it was compiled")
    verify.add_argument("--json", action="store_true", help="print one JSON object")
    db = _command(commands, "db", db_parents, "print the database URL, or open psql on it",
                  "Print the URL of the database in use with the password masked; --psql"
                  " opens psql on it (the embedded server's own psql when none is installed).",
                  ["pgshift db", "pgshift db --psql"], run_db)
    db.add_argument("--psql", action="store_true", help="open psql on the database")
    return parser
