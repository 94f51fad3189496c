"""The distribution installs one import package, `pgshift`, and nothing else at the top."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_holds_only_the_pgshift_package(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path),
         str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("pgshift-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/", 1)[0] for name in names}
    assert top == {"pgshift", next(t for t in top if t.endswith(".dist-info"))}
    for expected in ("pgshift/dsl/shift.lark", "pgshift/compiler/templates/postgresql.py.j2",
                     "pgshift/runner/postgres.py", "pgshift/py.typed", "pgshift/cli.py"):
        assert expected in names
    assert not any(name.startswith(("pgshift/tests", "pgshift/migrations", "pgshift/generated"))
                   for name in names)


def test_installed_package_exposes_no_stray_top_level_modules(tmp_path: Path) -> None:
    probe = ("import importlib.util, sys; "
             "print([m for m in ('dsl', 'compiler', 'runner', 'generated', 'migrations')"
             " if importlib.util.find_spec(m) is not None])")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, check=True,
                            capture_output=True, text=True)
    assert result.stdout.strip() == "[]"
    import pgshift.compiler
    import pgshift.dsl
    import pgshift.runner

    assert {pgshift.dsl.__name__, pgshift.compiler.__name__, pgshift.runner.__name__} == {
        "pgshift.dsl", "pgshift.compiler", "pgshift.runner"}
