"""The runner: applies generated migrations to PostgreSQL under a lock.

A deploy needs only this package and the generated module; nothing here imports the
language front end or the compiler.
"""

from .migration import IrreversibleMigration, Migration

__all__ = ["IrreversibleMigration", "Migration"]
