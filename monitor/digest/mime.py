"""The digest as one MIME message.

Structure (RFC 2046/2387): multipart/alternative holding text/plain and a multipart/related
that holds text/html plus each chart as image/png referenced from the HTML by Content-ID.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from monitor.digest.model import Digest
from monitor.digest.render import render_html, render_text


class AddressError(ValueError):
    """A configured address cannot be used in a message header."""


def parse_recipients(value: str) -> list[str]:
    """Comma-separated addresses from the config, each checked."""
    found = [part.strip() for part in value.split(",") if part.strip()]
    for address in found:
        check_address(address, "digest_recipients")
    return found


def check_address(address: str, setting: str) -> str:
    if any(ch in address for ch in "\r\n<>,;\"") or address.count("@") != 1:
        raise AddressError(f"setting {setting}: {address!r} is not a plain e-mail address")
    local, domain = address.split("@")
    if not local or not domain:
        raise AddressError(f"setting {setting}: {address!r} is not a plain e-mail address")
    return address


def new_message_id(digest: Digest, sender: str) -> str:
    """Unique per recording; it is stored with the message and never regenerated."""
    domain = check_address(sender, "digest_from").split("@")[1]
    return make_msgid(idstring=f"chorus-digest-{digest.digest_date.isoformat()}", domain=domain)


def build_message(
    digest: Digest, *, sender: str, recipients: list[str], message_id: str
) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["Subject"] = digest.subject
    local, domain = check_address(sender, "digest_from").split("@")
    message["From"] = Address("Chorus", local, domain)
    message["To"] = ", ".join(recipients) if recipients else "undisclosed-recipients:;"
    message["Date"] = format_datetime(digest.generated_at)
    message["Message-ID"] = message_id
    message["X-Chorus-Digest-Date"] = digest.digest_date.isoformat()
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable: safe through any relay, and long HTML lines are wrapped.
    message.set_content(render_text(digest), subtype="plain", charset="utf-8",
                        cte="quoted-printable")
    message.add_alternative(render_html(digest), subtype="html", charset="utf-8",
                            cte="quoted-printable")
    html_part = message.get_body(preferencelist=("html",))
    if not isinstance(html_part, EmailMessage):
        raise TypeError("the digest message lost its HTML part")  # cannot happen: built above
    for chart in digest.charts:
        html_part.add_related(chart.png, maintype="image", subtype="png", cid=f"<{chart.cid}>",
                              filename=f"{chart.cid.split('@')[0]}.png", disposition="inline")
    return message
