"""Logging setup with one guarantee: no secret value ever reaches a log line."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from storage.database import mask_url

REDACTED = "********"


class SecretRedactingFilter(logging.Filter):
    """Replaces every known secret value (and URL passwords) in a record's final message."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first so that a secret containing another is fully hidden.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return mask_url(text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            # Exception text is formatted later; redact it here by replacing the cached text.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        return True


def setup_logging(secrets: Iterable[str], level: int = logging.INFO) -> SecretRedactingFilter:
    redactor = SecretRedactingFilter(secrets)
    root = logging.getLogger()
    root.setLevel(level)
    if not any(getattr(h, "_chorus", False) for h in root.handlers):
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        stream._chorus = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    for handler in root.handlers:
        for old in [f for f in handler.filters if isinstance(f, SecretRedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(redactor)
    return redactor
