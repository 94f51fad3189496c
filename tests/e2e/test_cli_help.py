"""`pgshift --help` of every command, usage errors (exit 2) and `--version`."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from pgshift.cli_parser import build_parser
from tests.e2e.cli_support import pgshift


def _command_names() -> list[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    raise AssertionError("pgshift has no subcommands")


def test_every_command_is_covered_by_the_help_test() -> None:
    assert {"compile", "check", "plan", "new", "sql"} <= set(_command_names())


@pytest.mark.parametrize("command", [[], *([name] for name in _command_names())])
def test_help_exits_0_with_examples(tmp_path: Path, command: list[str]) -> None:
    result = pgshift(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "examples:" in result.stdout
    assert re.search(r"^  pgshift " + (command[0] if command else ""), result.stdout, re.M)
    if not command:
        for name in _command_names():
            assert name in result.stdout


@pytest.mark.parametrize("args", [
    [],
    ["bogus"],
    ["sql"],
    ["new"],
    ["compile", "--no-such-option"],
    ["check", "extra-argument"],
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = pgshift(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: pgshift" in result.stderr
    assert result.stdout == ""


def test_version(tmp_path: Path) -> None:
    result = pgshift("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert re.fullmatch(r"pgshift \d+\.\d+\.\d+\S*\n", result.stdout)


@pytest.mark.parametrize("url", ["postgresql://app:hunter2@db.internal/rag",
                                 "host=db.internal user=app password=hunter2",
                                 "postgresql://db.internal/rag?password=hunter2"])
def test_a_usage_error_that_echoes_a_url_masks_its_password(tmp_path: Path, url: str) -> None:
    """`compile` takes no database: argparse repeats the unknown arguments back."""
    result = pgshift("compile", "--database-url", url, cwd=tmp_path)

    assert result.returncode == 2
    assert "unrecognized arguments: --database-url" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    assert "***" in result.stderr
