"""What the `pgshift` command line tests share: migration texts, a runner that starts
pgshift as a real process (and fails on any traceback), and helpers for throwaway projects
and their generated files."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from pgshift.runner import Migration

CONSOLE_SCRIPT = Path(sys.executable).parent / "pgshift"

FIRST = """\
extension vector

table documents {
    id         bigint identity primary key
    title      text not null
    embedding  vector(3)
}
"""
SECOND = """\
alter table documents {
    add column language text not null default 'en'
}
comment on table documents is 'Fetched documents'
"""
CONCURRENT = """\
index concurrently documents_title on documents (title)
"""
IRREVERSIBLE = """\
irreversible 'the backfill cannot be undone'
sql \"\"\"
    UPDATE documents SET language = 'de' WHERE title LIKE '%Straße%'
\"\"\"
"""
BROKEN = """\
table notes {
    id    bigint primary key
    body  string not null
}
"""


def pgshift(*args: str, cwd: Path, script: bool = False) -> subprocess.CompletedProcess[str]:
    """Run pgshift as a user would; no expected failure may show a traceback."""
    command = [str(CONSOLE_SCRIPT)] if script else [sys.executable, "-m", "pgshift"]
    result = subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True,
                            check=False)
    assert "Traceback" not in result.stdout + result.stderr
    assert "internal error" not in result.stderr
    return result


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def project_with(tmp_path: Path, files: dict[str, str], name: str = "app") -> Path:
    """A project directory with these migrations under migrations/."""
    root = tmp_path / name
    for file_name, text in files.items():
        write(root / "migrations" / file_name, text)
    root.mkdir(exist_ok=True)
    return root


def load_generated(path: Path) -> list[Migration]:
    """Import a generated module by path, as the runner does, and return its list."""
    spec = importlib.util.spec_from_file_location(f"generated_{uuid.uuid4().hex}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    migrations: Any = module.POSTGRESQL_MIGRATIONS
    assert isinstance(migrations, list)
    assert all(isinstance(m, Migration) for m in migrations)
    return migrations


def snapshot(directory: Path) -> dict[str, bytes]:
    if not directory.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def error_blocks(stderr: str) -> list[str]:
    """The diagnostics' first lines, without pgshift's closing summary line."""
    return [line for line in stderr.splitlines()
            if re.search(r": error\[[a-z0-9-]+\]: ", line) and not line.startswith("pgshift: ")]


def server_processes(project: Path) -> list[int]:
    """Pids of the live postgres processes over this project's data directory (a zombie
    has no command line, so it is not counted)."""
    needle = str((project / ".pgshift").resolve())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # the process ended while we looked
            continue
        if needle in command and "postgres" in command:
            found.append(int(entry.name))
    return found
