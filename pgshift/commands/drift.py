"""`pgshift drift`: the live schema against the schema its applied migrations build."""

from __future__ import annotations

import json
from typing import TextIO

from ..exit_codes import ExitCode
from ..runner.catalog import live_snapshot
from ..runner.drift import compare
from ..runner.errors import UnknownVersions
from ..runner.externals import ExternalObjects
from ..runner.manager import new_migration_manager, refuse_dirty
from .platform_setup import leave_out_platform, set_up_scratch
from .scratch import build_schema
from .target import Options, generated_migrations, migrator_for, open_target


def drift(options: Options, out: TextIO, err: TextIO, *, as_json: bool) -> int:
    """Compare the live schema with what its applied migrations build; exit 19 on drift."""
    module = generated_migrations(options.project, check_fresh=False)
    with open_target(options.project, options.database_url, err) as target, \
            migrator_for(target, options) as migrator:
        state = new_migration_manager(migrator).status(module.migrations)
        # Part of a migration applied is drift by definition; say what it is first.
        refuse_dirty(state, "Nothing was compared.")
        if state.unknown:
            versions = ", ".join(a.version for a in state.unknown)
            raise UnknownVersions(f"the database has version(s) {versions} that this build"
                                  " does not know, so its expected schema cannot be built")
        applied = {a.version for a in state.applied}
        actual = live_snapshot(migrator.connection, options.table, ExternalObjects.of_migrations(
            m for m in module.migrations if m.version in applied))
        with set_up_scratch(options, target.embedded, err) as scratch:
            expected = build_schema(
                scratch.url, [m for m in module.migrations if m.version in applied])
    differences = compare(*leave_out_platform(scratch.platform, expected, actual))
    if as_json:
        print(json.dumps({"database": target.shown, "current_version": state.current_version,
                          "drifted": bool(differences),
                          "differences": [d.as_json() for d in differences]}, indent=2),
              file=out)
    elif differences:
        print(f"{target.shown} has drifted from its migrations (at"
              f" {state.current_version or 'no version'}):", file=out)
        for difference in differences:
            print(f"  {difference.describe()}", file=out)
    else:
        print(f"no drift: {target.shown} matches its {len(applied)} applied migration"
              f"{'s' * (len(applied) != 1)}", file=out)
    return int(ExitCode.DRIFT if differences else ExitCode.OK)
