"""Storage: the only package that talks to PostgreSQL (psycopg 3)."""

from storage.database import Database, DatabaseUnavailable, mask_url

__all__ = ["Database", "DatabaseUnavailable", "mask_url"]
