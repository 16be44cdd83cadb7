"""The application context shared by CLI commands: config, database, output."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console

from monitor.settings import Config, embedded_data_dir, load_config
from storage.database import Database

F = TypeVar("F", bound=Callable[..., Any])


def resolve_database_url(config: Config) -> str:
    """The configured server, or the embedded default when none is configured."""
    url = config.database_url
    if url:
        return url
    from storage.embedded import embedded_url

    return embedded_url(embedded_data_dir(config))


class App:
    def __init__(self, config: Config | None = None, *, secrets_may_be_new: bool = False) -> None:
        self._config = config
        self._secrets_may_be_new = secrets_may_be_new
        self._db: Database | None = None
        self.console = Console(stderr=False, highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(secrets_may_be_new=self._secrets_may_be_new)
        return self._config

    @property
    def db(self) -> Database:
        if self._db is None:
            db = Database(resolve_database_url(self.config))
            db.check()
            self._db = db
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def pass_app(func: F) -> F:
    """Give a click command the App as its first argument."""

    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        app = ctx.find_object(App)
        if app is None:
            app = App()
            ctx.obj = app
            ctx.call_on_close(app.close)
        return ctx.invoke(func, app, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
