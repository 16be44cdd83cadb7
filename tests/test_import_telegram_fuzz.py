"""Hypothesis-generated malformed Telegram Desktop exports: never a traceback, one clear error
per bad message, every good message kept (and storable)."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from collectors.records import PostRecord, RejectedRecord
from collectors.telegram_export import read_telegram_export
from monitor.importing import import_stream
from storage.database import Database

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8)
TEXTS = st.text(max_size=40)
BASE = 1636253100


def good_message(message_id: int, text: str) -> dict[str, Any]:
    return {"id": message_id, "type": "message", "date": "2021-11-07T05:45:00",
            "date_unixtime": str(BASE + message_id), "text": text}


def document(messages: list[Any]) -> tuple[str, list[int]]:
    """The export text and where each message's JSON ends in it."""
    text = '{"name": "Sabereen News", "type": "public_channel", "id": 1191207008, "messages": ['
    ends: list[int] = []
    for i, message in enumerate(messages):
        text += ("," if i else "") + json.dumps(message, ensure_ascii=False)
        ends.append(len(text))
    return text + "]}", ends


def read(text: str, chunk: int = 1 << 20) -> list[PostRecord | RejectedRecord]:
    return list(read_telegram_export(io.StringIO(text), chunk_chars=chunk))


@given(texts=st.lists(TEXTS, min_size=1, max_size=12), cut=st.integers(min_value=0),
       chunk=st.sampled_from([3, 17, 1 << 20]))
def test_truncated_export_keeps_every_complete_message(
    texts: list[str], cut: int, chunk: int
) -> None:
    text, ends = document([good_message(i + 1, t) for i, t in enumerate(texts)])
    cut %= len(text) + 1
    items = read(text[:cut], chunk)
    kept = [int(i.native_id) for i in items if isinstance(i, PostRecord)]
    assert kept == [n + 1 for n, end in enumerate(ends) if end <= cut]
    rejected = [i for i in items if isinstance(i, RejectedRecord)]
    if cut < len(text):
        assert len(rejected) == 1
        assert "reading stopped" in rejected[0].reason or rejected[0].reason == "the file is empty"
    else:
        assert rejected == []


FIELDS = {
    "id": st.integers(min_value=1, max_value=10**6) | JSON_VALUES,
    "type": st.sampled_from(["message", "service"]) | JSON_VALUES,
    "date_unixtime": st.integers(min_value=0, max_value=2 * 10**9).map(str) | JSON_VALUES,
    "text": TEXTS | st.lists(TEXTS | st.fixed_dictionaries(
        {"type": st.sampled_from(["plain", "link", "text_link", "bold"]), "text": TEXTS,
         "href": TEXTS})) | JSON_VALUES,
    "text_entities": JSON_VALUES,
    "edited_unixtime": st.integers(min_value=0, max_value=2 * 10**9).map(str) | JSON_VALUES,
    "forwarded_from": TEXTS | JSON_VALUES,
    "reply_to_message_id": st.integers(min_value=1, max_value=10**6) | JSON_VALUES,
    "photo": TEXTS | JSON_VALUES,
    "media_type": TEXTS | JSON_VALUES,
    "poll": JSON_VALUES,
}
MESSAGES = st.fixed_dictionaries({}, optional=FIELDS) | JSON_VALUES


@given(messages=st.lists(MESSAGES, max_size=8), valid=st.lists(TEXTS, min_size=1, max_size=3))
def test_wrong_types_give_one_outcome_per_message(messages: list[Any], valid: list[str]) -> None:
    good = [good_message(10**7 + i, t) for i, t in enumerate(valid)]
    text, _ = document(messages + good)
    items = read(text)
    records = [i for i in items if isinstance(i, PostRecord)]
    rejected = [i for i in items if isinstance(i, RejectedRecord)]
    services = sum(1 for m in messages if isinstance(m, dict) and m.get("type") == "service"
                   and isinstance(m.get("id"), int) and not isinstance(m.get("id"), bool)
                   and m["id"] > 0)
    assert len(records) + len(rejected) + services == len(messages) + len(good)
    assert {str(m["id"]) for m in good} <= {r.native_id for r in records}
    assert all(r.location.startswith("chat 'Sabereen News' message") for r in rejected)
    assert all(r.reason for r in rejected)


@given(garbage=st.text(max_size=200) | JSON_VALUES.map(json.dumps))
def test_any_document_gives_records_or_rejections_never_an_exception(garbage: str) -> None:
    for item in read(garbage, chunk=5):
        assert isinstance(item, PostRecord | RejectedRecord)


def test_huge_strings_are_rejected_on_their_own() -> None:
    huge = good_message(2, "x" * 1_500_000)
    text, _ = document([good_message(1, "ok"), huge, good_message(3, "ok too")])
    items = read(text, chunk=4096)
    assert [i.native_id for i in items if isinstance(i, PostRecord)] == ["1", "3"]
    [rejected] = [i for i in items if isinstance(i, RejectedRecord)]
    assert rejected.location.endswith("message 2") and "longer than" in rejected.reason


# JSON escapes: NUL, lone surrogates, a valid pair, a literal backslash, and the literal
# characters "\u0000" (an escaped backslash before "u0000": text, not a NUL).
UNSTORABLE = st.sampled_from(["\\u0000", "\\ud800", "\\udfff", "ok", "\\ud83d\\ude00", "\\\\",
                              "\\\\u0000"])


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.tuples(st.sampled_from(["text", "forwarded_from", "photo", "from"]),
                                 UNSTORABLE), min_size=1, max_size=6))
@example(pieces=[("text", "\\\\u0000"), ("from", "\\u0000"), ("photo", "\\ud800")])
def test_unstorable_characters_never_abort_an_import(
    db: Database, pieces: list[tuple[str, str]]
) -> None:
    """Escapes that decode to NUL or to lone surrogates: the message is reported (or, where
    the write path strips NUL, stored); the batch and the import go on."""
    messages = [good_message(100 + i, f"before PLACEHOLDER{i} after")
                for i in range(len(pieces))]
    for i, (field, _) in enumerate(pieces):
        messages[i][field] = f"before PLACEHOLDER{i} after"
    text, _ = document(messages)
    for i, (_, escape) in enumerate(pieces):
        text = text.replace(f"PLACEHOLDER{i} ", escape + " ")
    # Lone surrogates cannot be stored anywhere; NUL only where the write path strips it
    # (the post text and the raw payload).
    unstorable = sum(1 for field, escape in pieces
                     if escape in ("\\ud800", "\\udfff")
                     or (escape == "\\u0000" and field in ("forwarded_from", "photo")))
    summary = import_stream(db, read_telegram_export(io.StringIO(text)),
                            kind="telegram-export")
    assert summary.read == len(pieces)
    assert summary.rejected_count == unstorable
    assert summary.counts.written == len(pieces) - unstorable
