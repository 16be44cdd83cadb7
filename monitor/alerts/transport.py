"""Handing a recorded alert body to its channel: a signed webhook POST (httpx) or email
through the digest's SMTP settings and sender. Retried with backoff by collectors.retry;
errors name the channel, never a URL (a Slack webhook URL is itself a credential) or a
secret."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import httpx

from collectors.retry import RetriesExhausted, RetryPolicy, retry_sync
from monitor.digest.delivery import smtp_settings
from monitor.digest.send import DeliveryError, smtp_send
from monitor.settings import Config
from storage.rows import JsonObject

SIGNATURE_HEADER = "X-Chorus-Signature"
DELIVERY_HEADER = "X-Chorus-Delivery"
# Tries of one attempt (a daemon run); failed attempts are tried again in later runs.
POLICY = RetryPolicy(attempts=3, base_delay_s=1.0, max_delay_s=8.0)
Sleep = Callable[[float], None]


class TransientHttpError(Exception):
    """The receiver answered 5xx or 429: worth another try."""


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the exact body>` keyed by the webhook's secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def post_webhook(config: Config, channel: JsonObject, body: bytes, idempotency_key: str,
                 *, sleep: Sleep, policy: RetryPolicy = POLICY) -> None:
    name = str(channel.get("name"))
    secret = config.webhook_secret(str(channel.get("secret", name)))
    if not secret:
        raise DeliveryError(
            f"webhook {name}: no signing secret; set webhook_secret_{channel.get('secret')} "
            f"in the secrets file or CHORUS_WEBHOOK_SECRET_{str(channel.get('secret')).upper()}")
    headers = {"Content-Type": "application/json; charset=utf-8",
               SIGNATURE_HEADER: signature(secret, body), DELIVERY_HEADER: idempotency_key,
               "User-Agent": "chorus-alerts"}
    timeout = httpx.Timeout(config.alert_webhook_timeout_s)

    def once() -> None:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(str(channel["url"]), content=body, headers=headers)
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientHttpError(f"HTTP {response.status_code}")
        if response.status_code >= 300:
            raise DeliveryError(f"webhook {name} refused the alert: HTTP "
                                f"{response.status_code}")

    try:
        retry_sync(once, retry_on=(TransientHttpError, httpx.TransportError),
                   what=f"webhook {name}", policy=policy, sleep=sleep)
    except RetriesExhausted as exc:
        raise DeliveryError(f"webhook {name}: {exc.attempts} tries failed, the last with "
                            f"{type(exc.last).__name__}: {_reason(exc.last)}") from None
    except httpx.HTTPError as exc:  # not transport: e.g. an invalid URL
        raise DeliveryError(f"webhook {name}: {type(exc).__name__}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TransientHttpError):
        return str(exc)
    return "timed out" if isinstance(exc, httpx.TimeoutException) else "connection failed"


def send_email(config: Config, channel: JsonObject, message: bytes, *, sleep: Sleep,
               policy: RetryPolicy = POLICY) -> None:
    smtp = smtp_settings(config)
    if smtp is None:
        raise DeliveryError("email alert: no SMTP server configured (setting smtp_host)")
    to = channel.get("to")
    recipients = [str(a) for a in to] if isinstance(to, list) else []
    try:
        refused = retry_sync(lambda: smtp_send(smtp, message, config.digest_from, recipients),
                             retry_on=(DeliveryError,), what="email alert", policy=policy,
                             sleep=sleep)
    except RetriesExhausted as exc:
        raise DeliveryError(str(exc.last)) from None
    if refused and len(refused) == len(recipients):
        raise DeliveryError("email alert: every recipient was refused")
