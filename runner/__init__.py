"""The runner: applies generated migrations to PostgreSQL under a lock.

A deploy needs only this package and the generated module; nothing here imports the
language front end or the compiler.
"""

from .locks import Lock
from .migration import IrreversibleMigration, Migration, StatementPlan

__all__ = ["IrreversibleMigration", "Lock", "Migration", "StatementPlan"]
