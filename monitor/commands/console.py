"""`chorus console [--host 127.0.0.1] [--port 8750]` and `chorus console adduser NAME`."""

from __future__ import annotations

import sys

import click

from monitor.app import App, pass_app
from monitor.errors import UserError
from storage.console import users as console_users
from storage.migrate import status


@click.group("console", invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but 127.0.0.1 requires login.")
@click.option("--port", default=8750, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def console(ctx: click.Context, host: str, port: int) -> None:
    """Serve the analyst query console."""
    if ctx.invoked_subcommand is not None:
        return
    app: App = ctx.find_object(App) or App()
    serve(app, host, port)


def serve(app: App, host: str, port: int) -> None:
    """Serve the console until interrupted; refuses a non-loopback bind without users."""
    import uvicorn

    from monitor.console import create_app, needs_login

    pending = [m for m in status(app.db) if not m["applied"]]
    if pending:
        raise UserError(f"{len(pending)} migrations are pending; run `chorus db migrate` first")
    proxies = app.config.console_trusted_proxies
    login = needs_login(host, proxies)
    if login:
        with app.db.connection() as conn:
            users = console_users.count_users(conn)
        if users == 0:
            why = f"binding {host}" if needs_login(host) else "serving behind a proxy"
            raise UserError(f"{why} requires login, and no console user exists yet: "
                            "run `chorus console adduser NAME` first")
    web = create_app(app.config, app.db, auth_required=login)
    click.echo(f"console on http://{'[' + host + ']' if ':' in host else host}:{port}/ "
               f"({'login required' if login else 'local, no login'})", err=True)
    # The app reads X-Forwarded-* itself, from the proxies in console_trusted_proxies only
    # (a TLS proxy there makes request.url https, and then cookies are marked Secure).
    uvicorn.run(web, host=host, port=port, proxy_headers=False, server_header=False,
                log_level="warning")


@console.command("adduser")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input instead of prompting.")
@click.option("--update", is_flag=True, help="Change the password of an existing user.")
@pass_app
def adduser(app: App, name: str, password_stdin: bool, update: bool) -> None:
    """Add a console user (needed to bind anything but 127.0.0.1)."""
    from monitor.console.sessions import hash_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    with app.db.connection() as conn:
        if update:
            if not console_users.set_password(conn, name, hashed):
                raise UserError(f"no console user named {name!r}")
            click.echo(f"password changed for {name}")
            return
        try:
            console_users.add_user(conn, name, hashed)
        except console_users.ConsoleUserError as exc:
            raise UserError(str(exc)) from None
    click.echo(f"console user {name} added")


_serve = serve  # the name `chorus demo` imports

COMMANDS = [console]
