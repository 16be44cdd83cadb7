"""The analyst query console (issue 7): a Starlette application served by `chorus console`."""

from monitor.console.app import create_app, needs_login

__all__ = ["create_app", "needs_login"]
