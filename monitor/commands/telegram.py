"""`chorus telegram login`: an interactive Telethon login that stores a StringSession.

The session is a secret: it goes only into the 0600 secrets file, never to the screen,
the logs or an error message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import click
from telethon import errors

from monitor.app import App, pass_app
from monitor.errors import UserError
from monitor.settings import write_secret


def telethon_login_client(api_id: str, api_hash: str) -> Any:
    """A Telethon client on a new, empty StringSession."""
    from telethon import TelegramClient
    from telethon.sessions import StringSession

    return TelegramClient(StringSession(), int(api_id), api_hash, receive_updates=False)


# The client used by `login`; tests put a fake here (Telegram cannot be recorded).
make_login_client: Callable[[str, str], Any] = telethon_login_client


async def login(
    client: Any, *, phone: Callable[[], str], code: Callable[[], str],
    password: Callable[[], str],
) -> tuple[str, str]:
    """Log in interactively; returns the session string and who logged in."""
    await client.start(phone=phone, code_callback=code, password=password)
    try:
        me = await client.get_me()
        session = str(client.session.save())
    finally:
        result = client.disconnect()
        if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
            await result
    who = getattr(me, "username", None) or getattr(me, "first_name", None) or "this account"
    return session, str(who)


@click.group("telegram")
def telegram_group() -> None:
    """Telegram account set-up."""


@telegram_group.command("login")
@pass_app
def login_cmd(app: App) -> None:
    """Log in with a phone number, the code Telegram sends and the two-step password, and
    store the session in the secrets file (mode 0600)."""
    api_id = app.config.secret("telegram_api_id")
    api_hash = app.config.secret("telegram_api_hash")
    asked_for_api = not (api_id and api_hash)
    if not api_id:
        api_id = click.prompt("Telegram API id (from https://my.telegram.org)").strip()
    if not api_hash:
        api_hash = click.prompt("Telegram API hash", hide_input=True).strip()
    if not api_id.isdigit():
        raise UserError("the Telegram API id is a number (see https://my.telegram.org)")
    client = make_login_client(api_id, api_hash)
    try:
        session, who = asyncio.run(login(
            client,
            phone=lambda: click.prompt("Phone number (international format, e.g. +44...)"),
            code=lambda: click.prompt("Login code Telegram sent you"),
            password=lambda: click.prompt("Two-step verification password", hide_input=True,
                                          default="", show_default=False)))
    except errors.RPCError as exc:
        # The class name says what went wrong (PhoneCodeInvalidError, ...); the message
        # never carries the code or password.
        raise UserError(f"Telegram refused the login: {type(exc).__name__}") from None
    except (ConnectionError, TimeoutError) as exc:
        raise UserError(f"cannot reach Telegram: {type(exc).__name__}") from None
    if asked_for_api:
        write_secret("telegram_api_id", api_id)
        write_secret("telegram_api_hash", api_hash)
    path = write_secret("telegram_session", session)
    click.echo(f"logged in as {who}; the session is stored in {path} (mode 0600)")


COMMANDS = [telegram_group]
