"""The compile cache as `pgshift compile` and `check` meet it: one planted in the project
(a checkout, an archive, another user) runs nothing; they say it was ignored, succeed, and
write a signed one that the next command uses."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from tests.e2e.cli_support import FIRST, SECOND, pgshift, project_with

THIRD = "comment on table documents is 'kept'\n"
NOTICE = ("pgshift: ignoring the compile cache .pgshift/cache/compile.pickle: not written by"
          " this user's pgshift")


class _Plant:
    """A cache that, if anything unpickled it, would create `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("command", ["check", "compile"])
def test_a_planted_cache_runs_nothing_and_is_replaced(tmp_path: Path, command: str) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST, "0.0.2_language.shift": SECOND,
                                   "0.0.3_comment.shift": THIRD})
    assert pgshift("compile", cwd=root).returncode == 0
    cache = root / ".pgshift" / "cache" / "compile.pickle"
    marker = tmp_path / "unpickled"
    cache.write_bytes(pickle.dumps(_Plant(marker)))
    cache.chmod(0o600)

    result = pgshift(command, cwd=root)

    assert result.returncode == 0, result.stderr
    assert not marker.exists(), "the planted pickle was loaded"
    assert result.stderr.splitlines() == [NOTICE]
    warm = pgshift("compile", "--verbose", cwd=root)
    assert warm.returncode == 0, warm.stderr
    assert "compiled 1 migration, reused 2 from the compile cache" in warm.stderr
    assert "ignoring" not in warm.stderr


def test_a_cache_others_can_write_is_ignored(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"0.0.1_initial.shift": FIRST, "0.0.2_language.shift": SECOND})
    assert pgshift("compile", cwd=root).returncode == 0
    cache = root / ".pgshift" / "cache" / "compile.pickle"
    cache.chmod(0o666)

    result = pgshift("check", "--verbose", cwd=root)

    assert result.returncode == 0, result.stderr
    assert ("pgshift: ignoring the compile cache .pgshift/cache/compile.pickle: writable by"
            " other users") in result.stderr.splitlines()
    assert "reused 0 from the compile cache" in result.stderr
    assert "reused 1 from the compile cache" in pgshift("check", "-v", cwd=root).stderr
