"""The runner: applies generated migrations to PostgreSQL under a lock."""
