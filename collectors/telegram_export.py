"""Telegram Desktop JSON exports: one chat's `result.json` or a whole account's (`chats.list`,
channels and groups only), streamed message by message.

Export quirks handled: `text` as a string or as a list of entity parts; `text_entities`;
`edited`; `forwarded_from`; `reply_to_message_id`; photo / file / media_type / poll;
service messages skipped. `date` is the exporting computer's local time with no offset,
so the instant comes from `date_unixtime` only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from collectors.json_stream import CHUNK_CHARS, JsonStream, JsonStreamError
from collectors.records import PostKind, PostRecord, RejectedRecord
from collectors.storable import (
    SURROGATE_ESCAPE,
    UNSTORABLE_ESCAPE,
    handle_problem,
    storable_problem,
)
from collectors.telegram_mapping import post_url, private_post_url, unique

# Telegram Desktop's chat types that are channels or groups (the rest are people and bots).
IMPORTED_TYPES = frozenset({
    "public_channel", "private_channel", "public_supergroup", "private_supergroup",
    "private_group",
})
MAX_TEXT = 1_000_000
_MEDIA_FIELDS = ("mime_type", "width", "height", "duration_seconds", "file_name", "title",
                 "performer", "sticker_emoji")
_MEDIA_KEYS = frozenset({"photo", "media_type", "file", "poll", "location_information",
                         "contact_information", "game_title", "invoice_information"})


class ExportError(ValueError):
    """Why one message (or chat) of an export cannot be used."""


@dataclass
class ExportChat:
    name: str
    type: str | None
    id: int | None
    handle: str
    has_username: bool  # the handle is a real @username (else the t.me/c/ link form is used)

    @property
    def imported(self) -> bool:
        return self.type is None or self.type in IMPORTED_TYPES


def _chat(meta: Mapping[str, Any], handles: Mapping[int, str], override: str | None) -> ExportChat:
    name = meta.get("name")
    kind = meta.get("type")
    chat_id = meta.get("id")
    numeric = chat_id if isinstance(chat_id, int) and not isinstance(chat_id, bool) else None
    known = handles.get(numeric) if numeric is not None else None
    handle = override or known or (f"channel{numeric}" if numeric is not None else None)
    if handle is None:
        raise ExportError("the chat has no numeric id; pass --handle to name its source")
    return ExportChat(name=name if isinstance(name, str) else handle,
                      type=kind if isinstance(kind, str) else None, id=numeric,
                      handle=handle, has_username=bool(override or known))


def _instant(message: Mapping[str, Any], field: str) -> datetime | None:
    value = message.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ExportError(f"{field} must be a Unix time, got {type(value).__name__}")
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise ExportError(f"{field} is not a Unix time: {text[:30]!r}")
    try:
        return datetime.fromtimestamp(int(text), UTC)
    except (OverflowError, OSError, ValueError):
        raise ExportError(f"{field} is out of range: {text}") from None


def _text(message: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The message text and its links, from `text_entities` or from `text` (string or parts)."""
    parts = message.get("text_entities")
    if not isinstance(parts, list):
        parts = message.get("text", "")
    if isinstance(parts, str):
        return parts, []
    if not isinstance(parts, list):
        raise ExportError(f"text must be a string or a list of parts, got {type(parts).__name__}")
    pieces: list[str] = []
    links: list[str] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        if not isinstance(part, dict) or not isinstance(part.get("text", ""), str):
            raise ExportError("each text part must be a string or an object with a text string")
        piece = part.get("text", "")
        pieces.append(piece)
        if part.get("type") == "link":
            links.append(piece)
        elif part.get("type") == "text_link" and isinstance(part.get("href"), str):
            links.append(part["href"])
    return "".join(pieces), links


def _media(message: Mapping[str, Any]) -> dict[str, Any] | None:
    if not _MEDIA_KEYS.intersection(message):
        return None  # most messages: skip the lookups below
    extra = {k: message[k] for k in _MEDIA_FIELDS if isinstance(message.get(k), str | int)}
    if isinstance(message.get("photo"), str):
        return {"type": "photo", "file": message["photo"], **extra}
    if isinstance(message.get("media_type"), str):
        return {"type": message["media_type"], "file": message.get("file"), **extra}
    if isinstance(message.get("file"), str):
        return {"type": "document", "file": message["file"], **extra}
    poll = message.get("poll")
    if isinstance(poll, dict):
        listed = poll.get("answers")
        answers: list[Any] = listed if isinstance(listed, list) else []
        return {"type": "poll", "question": str(poll.get("question", "")),
                "answers": [str(a.get("text", "")) for a in answers if isinstance(a, dict)],
                "total_voters": poll.get("total_voters"), "closed": poll.get("closed")}
    for kind in ("location_information", "contact_information", "game_title", "invoice_information"):
        if kind in message:
            return {"type": kind.removesuffix("_information").removesuffix("_title")}
    return None


def _plain_parts(text: Any) -> list[Any] | None:
    """`text` in the shape of `text_entities` (strings become plain parts)."""
    if isinstance(text, str):
        return [{"type": "plain", "text": text}] if text else []
    if isinstance(text, list):
        return [{"type": "plain", "text": p} if isinstance(p, str) else p for p in text]
    return None


def compact_raw(message: dict[str, Any]) -> dict[str, Any]:
    """The message without `text_entities` when `text` says exactly the same (Telegram
    Desktop writes both): lossless, and it makes the stored payload about 40% smaller."""
    entities = message.get("text_entities")
    if isinstance(entities, list) and _plain_parts(message.get("text")) == entities:
        return {k: v for k, v in message.items() if k != "text_entities"}
    return message


def export_message_to_record(message: Any, chat: ExportChat) -> PostRecord | None:
    """One exported message as a record; None for service messages."""
    if not isinstance(message, dict):
        raise ExportError(f"a message must be a JSON object, got {type(message).__name__}")
    message_id = message.get("id")
    if isinstance(message_id, bool) or not isinstance(message_id, int) or message_id <= 0:
        raise ExportError(f"id must be a positive integer, got {str(message_id)[:30]!r}")
    kind_of = message.get("type", "message")
    if kind_of == "service":
        return None
    if kind_of != "message":
        raise ExportError(f"unknown message type {str(kind_of)[:30]!r}")
    posted_at = _instant(message, "date_unixtime")
    if posted_at is None:
        raise ExportError("no date_unixtime: `date` is the exporting computer's local time "
                          "without an offset, so the instant is unknown")
    text, links = _text(message)
    if len(text) > MAX_TEXT:
        raise ExportError(f"text is longer than {MAX_TEXT} characters")
    kind: PostKind = "post"
    forwarded_from = message.get("forwarded_from")
    if forwarded_from is not None:
        if not isinstance(forwarded_from, str):
            raise ExportError("forwarded_from must be a string")
        kind = "forward"
    reply_to = message.get("reply_to_message_id")
    if reply_to is not None and (isinstance(reply_to, bool) or not isinstance(reply_to, int)):
        raise ExportError("reply_to_message_id must be an integer")
    if reply_to is not None and kind == "post":
        kind = "reply"
    url = (post_url(chat.handle, message_id) if chat.has_username or chat.id is None
           else private_post_url(chat.id, message_id))
    return PostRecord(
        platform="telegram",
        source=chat.handle,
        native_id=str(message_id),
        posted_at=posted_at,
        edited_at=_instant(message, "edited_unixtime"),
        text=text,
        url=url,
        kind=kind,
        forwarded_from=forwarded_from or None,
        reply_to=str(reply_to) if reply_to is not None else None,
        links=unique(links),
        media=_media(message),
        raw=compact_raw(message),
    )


def read_telegram_export(
    stream: IO[str], *, handles_by_channel_id: Mapping[int, str] | None = None,
    handle: str | None = None, chunk_chars: int = CHUNK_CHARS,
) -> Iterator[PostRecord | RejectedRecord]:
    """Records and rejections in file order. A chat is named by `handle`, else by the watched
    source with its channel id, else `channel<id>`. Broken JSON ends the file with one
    rejection naming the line; everything before it is kept."""
    handles = handles_by_channel_id or {}
    js = JsonStream(stream, chunk_chars=chunk_chars)
    try:
        first = js.peek()
        if first != "{":
            yield RejectedRecord("line 1", "the file is empty" if not first else
                                 "not a Telegram Desktop export (expected a JSON object "
                                 "with messages or chats)")
            return
        meta: dict[str, Any] = {}
        for key in js.object_keys():
            if key == "messages":
                yield from _messages(js, meta, handles, handle, single=True)
            elif key in ("chats", "left_chats"):
                yield from _chat_list(js, handles)
            else:
                meta[key] = js.value()
        if not js.at_end():
            raise js.error("unexpected text after the export's closing brace")
    except JsonStreamError as exc:
        yield RejectedRecord(f"line {exc.line}, column {exc.column}",
                             f"invalid export JSON: {exc.reason}; reading stopped here")
    except UnicodeDecodeError as exc:
        yield RejectedRecord("file", f"not UTF-8 ({exc.reason}); reading stopped here")


def _chat_list(js: JsonStream, handles: Mapping[int, str]) -> Iterator[PostRecord | RejectedRecord]:
    if js.peek() != "{":
        js.skip()
        return
    for key in js.object_keys():
        if key != "list" or js.peek() != "[":
            js.skip()
            continue
        for position in js.array_items():
            if js.peek() != "{":
                js.skip()
                yield RejectedRecord(f"chat #{position + 1}", "a chat must be a JSON object")
                continue
            meta: dict[str, Any] = {}
            for chat_key in js.object_keys():
                if chat_key == "messages":
                    yield from _messages(js, meta, handles, None, single=False)
                else:
                    meta[chat_key] = js.value()


def _messages(js: JsonStream, meta: Mapping[str, Any], handles: Mapping[int, str],
              override: str | None, *, single: bool) -> Iterator[PostRecord | RejectedRecord]:
    name = str(meta.get("name", "?"))[:80]
    try:
        chat = _chat(meta, handles, override)
    except ExportError as exc:
        js.skip()
        yield RejectedRecord(f"chat {name!r}", str(exc))
        return
    if not chat.imported:
        js.skip()
        if single:  # say why a single-chat export gives nothing
            yield RejectedRecord(f"chat {name!r}", f"a {chat.type}: only channels and groups "
                                                   "are imported")
        return
    if js.peek() != "[":
        js.skip()
        yield RejectedRecord(f"chat {name!r}", "messages must be a list")
        return
    # Fields a record takes from the chat rather than from the message.
    chat_clean = handle_problem(chat.handle) is None
    for position in js.array_items():
        message = js.value()
        suspicious = not chat_clean or js.last_value_matches(UNSTORABLE_ESCAPE)
        message_id = message.get("id") if isinstance(message, dict) else None
        where = (f"chat {name!r} message {message_id}" if isinstance(message_id, int)
                 else f"chat {name!r} message #{position + 1}")
        try:
            record = export_message_to_record(message, chat)
        except ValueError as exc:  # ExportError, and PostRecord's own checks
            yield RejectedRecord(where, str(exc))
            continue
        if record is None:
            continue
        # Message text without a NUL or surrogate escape decodes to storable strings only.
        problem = (storable_problem(record, check_raw=js.last_value_matches(SURROGATE_ESCAPE))
                   if suspicious else None)
        if problem:
            yield RejectedRecord(where, problem)
        else:
            yield record
