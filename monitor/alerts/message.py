"""What an alert says, rendered once when its delivery is recorded (the recorded bytes are
what every attempt sends).

Alert text is hostile input (post text, handles, queries): the JSON bodies come from
json.dumps only, and the email from the stdlib email package (text/plain, headers folded
and encoded by it; control characters stripped from the subject). Nothing is ever
HTML-unescaped or rendered as HTML.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from storage.alerts.store import AlertRule, Incident

SCHEMA = "chorus.alert/1"
EXCERPT = 280  # characters of a post's text in an alert


def clean_line(text: str, limit: int = 200) -> str:
    """One line of printable text: control and format characters (newlines, bidi controls
    and zero-width characters outside words) become spaces."""
    out = "".join(" " if unicodedata.category(c) in ("Cc", "Cs") else c for c in text)
    out = " ".join(out.split())
    return out[:limit]


def excerpt(text: str) -> str:
    text = text.replace("\x00", "")
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"


def payload(rule: AlertRule, incident: Incident, console_url: str) -> dict[str, Any]:
    """The generic webhook body (also the source of the Slack text and the email)."""
    return {
        "schema": SCHEMA,
        "rule": {"name": rule.name, "kind": rule.kind},
        "incident": {"key": incident.incident_key, "version": incident.version,
                     "state": incident.state, "first_at": incident.first_at.isoformat(),
                     "updated_at": incident.updated_at.isoformat()},
        "summary": incident.summary,
        "detail": incident.detail,
        "console": console_url.rstrip("/") + "/",
    }


def _lines(body: dict[str, Any]) -> list[str]:
    inc = body["incident"]
    head = f"[Chorus] {body['rule']['name']}: {body['summary']}"
    if inc["version"] > 1:
        head += f" (update {inc['version']})"
    lines = [head]
    detail = body["detail"]
    for post in detail.get("posts", [])[:5] if isinstance(detail, dict) else []:
        who = post.get("actor") or post.get("handle") or "?"
        lines.append(f"- {who}: {post.get('text', '')} {post.get('url') or ''}".rstrip())
    return lines


def webhook_body(fmt: str, body: dict[str, Any]) -> bytes:
    if fmt == "slack":
        # Slack's mrkdwn treats &, < and > as markup: escape them so post text stays text.
        text = "\n".join(_lines(body))
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")
    return json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


def email_bytes(body: dict[str, Any], *, sender: str, to: list[str], now: datetime) -> bytes:
    message = EmailMessage()
    inc = body["incident"]
    subject = f"[Chorus alert] {body['rule']['name']}: {body['summary']}"
    if inc["version"] > 1:
        subject += f" (update {inc['version']})"
    message["Subject"] = clean_line(subject, 180)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "chorus.local")
    message["X-Chorus-Incident"] = clean_line(f"{inc['key']} v{inc['version']}")
    text = "\n".join(_lines(body)) + f"\n\n{body['console']}\n"
    message.set_content(text, subtype="plain", charset="utf-8")
    return message.as_bytes()
