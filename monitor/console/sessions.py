"""Who is asking: signed cookies, login sessions, CSRF tokens and password hashes.

Two cookies, both HttpOnly, SameSite=Lax, and Secure when the request came over TLS:

- `chorus_state` (every visitor): a signed {csrf, analyst} pair. On 127.0.0.1 it carries
  the name the local analyst chose; before login it carries the login form's CSRF token.
- `chorus_session` (only when the console requires login): a signed random token; the
  database keeps its sha256 with the user and a CSRF token bound to that session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from storage.console import users as console_users
from storage.database import Database

STATE_COOKIE = "chorus_state"
SESSION_COOKIE = "chorus_session"
MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()
# Verifying against this when the user does not exist takes as long as a real check.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass
class Session:
    csrf: str
    analyst: str | None
    user: str | None = None
    issue_state: bool = False  # the state cookie must be (re)sent with the response
    session_cookie: str | None = None  # a new login session cookie to send
    end_session: bool = False  # the login session cookie must be cleared

    def csrf_matches(self, submitted: str | None) -> bool:
        return bool(submitted) and hmac.compare_digest(self.csrf, str(submitted))


class Sessions:
    def __init__(self, secret: str, lifetime: timedelta, *, auth_required: bool,
                 default_analyst: str) -> None:
        self._state = URLSafeTimedSerializer(secret, salt="chorus-console-state")
        self._login = URLSafeTimedSerializer(secret, salt="chorus-console-session")
        self.lifetime = lifetime
        self.auth_required = auth_required
        self.default_analyst = default_analyst

    def _load(self, serializer: URLSafeTimedSerializer, value: str | None) -> Any:
        if not value:
            return None
        try:
            return serializer.loads(value, max_age=int(self.lifetime.total_seconds()))
        except BadSignature:  # also covers expired signatures
            return None

    def resolve(self, request: Request, db: Database) -> Session:
        state = self._load(self._state, request.cookies.get(STATE_COOKIE))
        fresh = not isinstance(state, dict) or not isinstance(state.get("csrf"), str)
        if fresh:
            state = {"csrf": secrets.token_urlsafe(32), "analyst": None}
        analyst = state.get("analyst") if isinstance(state.get("analyst"), str) else None
        session = Session(csrf=state["csrf"], analyst=analyst, issue_state=fresh)
        if not self.auth_required:
            session.analyst = session.analyst or self.default_analyst
            return session
        session.analyst = None
        token = self._load(self._login, request.cookies.get(SESSION_COOKIE))
        if isinstance(token, str):
            with db.connection() as conn:
                found = console_users.find_session(conn, _token_hash(token))
            if found is not None:
                session.user = found.user_name
                session.analyst = found.user_name
                session.csrf = found.csrf_token
        return session

    def state_value(self, session: Session) -> str:
        analyst = None if self.auth_required else session.analyst
        return str(self._state.dumps({"csrf": session.csrf, "analyst": analyst}))

    def login(self, db: Database, session: Session, name: str, password: str) -> bool:
        """Check the password; on success open a session and rotate the tokens."""
        with db.connection() as conn:
            user = console_users.find_user(conn, name)
        if user is None:
            verify_password(_DUMMY_HASH, password)
            return False
        if not verify_password(user.password_hash, password):
            return False
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with db.connection() as conn:
            console_users.open_session(conn, user.id, _token_hash(token), csrf, self.lifetime)
        session.user = session.analyst = user.name
        session.session_cookie = str(self._login.dumps(token))
        # A new anonymous CSRF token too: the one used to log in is spent.
        session.csrf = csrf
        session.issue_state = True
        return True

    def logout(self, request: Request, db: Database, session: Session) -> None:
        token = self._load(self._login, request.cookies.get(SESSION_COOKIE))
        if isinstance(token, str):
            with db.connection() as conn:
                console_users.close_session(conn, _token_hash(token))
        session.user = session.analyst = None
        session.end_session = True
        session.csrf = secrets.token_urlsafe(32)
        session.issue_state = True

    def apply_cookies(self, request: Request, response: Response, session: Session) -> None:
        secure = request.url.scheme == "https"
        max_age = int(self.lifetime.total_seconds())
        if session.issue_state:
            response.set_cookie(STATE_COOKIE, self.state_value(session), max_age=max_age,
                                httponly=True, samesite="lax", secure=secure, path="/")
        if session.session_cookie:
            response.set_cookie(SESSION_COOKIE, session.session_cookie, max_age=max_age,
                                httponly=True, samesite="lax", secure=secure, path="/")
        if session.end_session:
            response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                                   secure=secure)
