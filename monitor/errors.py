"""The exceptions a user can cause or fix, and how each is described in one line."""

from __future__ import annotations

from monitor.settings import ConfigError
from seeds.loader import SeedError
from storage.catalog import CatalogError
from storage.database import (
    DatabaseError,
    DatabaseUnavailable,
    DatabaseUrlError,
    describe_database_error,
    mask_url,
)
from storage.migrate import MigrationError


class UserError(Exception):
    """A problem the user can fix; its message is shown as is."""


USER_ERRORS: tuple[type[BaseException], ...] = (
    UserError, ConfigError, SeedError, CatalogError, DatabaseUnavailable, DatabaseUrlError,
    MigrationError,
    FileNotFoundError, IsADirectoryError, PermissionError,
)


def describe(exc: BaseException) -> str:
    if isinstance(exc, DatabaseError):
        return describe_database_error(exc)
    if isinstance(exc, FileNotFoundError | IsADirectoryError | PermissionError):
        return f"{exc.strerror}: {exc.filename}"
    return mask_url(str(exc))
