"""pgshift: declarative, compiled schema migrations for PostgreSQL and pgvector."""

__version__ = "0.1.0"
