"""Hypothesis-generated malformed twarc2 files: never a traceback, errors named by line, every
good tweet kept (and storable)."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from collectors.records import PostRecord, RejectedRecord
from collectors.twarc_import import read_twarc
from monitor.importing import import_stream
from storage.database import Database

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8)
USER = {"id": "42", "username": "Qais_alkhazali", "name": "Qais"}
IDS = st.integers(min_value=10**17, max_value=2 * 10**18).map(str)


def good_tweet(tweet_id: str, text: str) -> dict[str, Any]:
    return {"id": tweet_id, "text": text, "author_id": "42",
            "edit_history_tweet_ids": [tweet_id]}


def read(data: bytes) -> list[PostRecord | RejectedRecord]:
    return list(read_twarc(io.BytesIO(data)))


TWEET_FIELDS = {
    "id": IDS | JSON_VALUES,
    "text": st.text(max_size=30) | JSON_VALUES,
    "author_id": st.just("42") | JSON_VALUES,
    "created_at": st.just("2021-11-07T01:10:00.000Z") | JSON_VALUES,
    "edit_history_tweet_ids": st.lists(IDS, max_size=3) | JSON_VALUES,
    "referenced_tweets": st.lists(st.fixed_dictionaries(
        {"type": st.sampled_from(["retweeted", "quoted", "replied_to"]), "id": IDS})) | JSON_VALUES,
    "entities": JSON_VALUES,
    "public_metrics": JSON_VALUES,
    "attachments": JSON_VALUES,
    "lang": st.text(max_size=4) | JSON_VALUES,
}
TWEETS = st.fixed_dictionaries({}, optional=TWEET_FIELDS)


@given(tweets=st.lists(TWEETS, max_size=6), good=st.lists(st.tuples(IDS, st.text(max_size=30)),
                                                          min_size=1, max_size=3))
def test_each_tweet_is_stored_or_reported(tweets: list[dict[str, Any]],
                                          good: list[tuple[str, str]]) -> None:
    page = {"data": tweets + [good_tweet(i, t) for i, t in good],
            "includes": {"users": [USER]}, "meta": {}}
    items = read(json.dumps(page).encode() + b"\n")
    assert len(items) == len(tweets) + len(good)
    records = {i.native_id for i in items if isinstance(i, PostRecord)}
    assert {i for i, _ in good} <= records
    assert all(r.location.startswith("line 1") and r.reason
               for r in items if isinstance(r, RejectedRecord))


@given(lines=st.lists(st.binary(max_size=60) | JSON_VALUES.map(lambda v: json.dumps(v).encode()),
                      max_size=8))
def test_arbitrary_lines_are_rejected_by_line_number(lines: list[bytes]) -> None:
    cleaned = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    items = read(b"\n".join(cleaned))
    for item in items:
        assert isinstance(item, PostRecord | RejectedRecord)
        if isinstance(item, RejectedRecord):
            number = int(item.location.split(",")[0].removeprefix("line "))
            assert 1 <= number <= len(cleaned)


@given(good=st.lists(st.tuples(IDS, st.text(max_size=30)), min_size=1, max_size=5),
       cut=st.integers(min_value=1))
def test_truncated_file_keeps_complete_lines(good: list[tuple[str, str]], cut: int) -> None:
    lines = [json.dumps({"data": [good_tweet(i, t)], "includes": {"users": [USER]}})
             for i, t in good]
    data = ("\n".join(lines)).encode()
    cut %= len(data) + 1
    items = read(data[:cut])
    kept = [i.native_id for i in items if isinstance(i, PostRecord)]
    complete = len(data[:cut].split(b"\n")) - 1
    assert kept[:complete] == [i for i, _ in good][:complete]


def test_huge_text_is_rejected_alone() -> None:
    lines = [json.dumps({"data": [good_tweet("1457153325265850368", "x" * 1_200_000),
                                  good_tweet("1457153325265850369", "fine")],
                         "includes": {"users": [USER]}})]
    items = read("\n".join(lines).encode())
    assert [i.native_id for i in items if isinstance(i, PostRecord)] == ["1457153325265850369"]
    [rejected] = [i for i in items if isinstance(i, RejectedRecord)]
    assert rejected.location == "line 1, tweet #1" and "longer than" in rejected.reason


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(escapes=st.lists(st.sampled_from(["\\u0000", "\\ud800", "ok", "\\udc00x", "\\\\u0000"]),
                        min_size=1, max_size=5))
@example(escapes=["\\\\u0000", "\\u0000", "\\ud800"])
def test_unstorable_characters_never_abort_an_import(db: Database, escapes: list[str]) -> None:
    lines = []
    for n, escape in enumerate(escapes):
        text = json.dumps({"data": [good_tweet(str(1457153325265850368 + n), "PLACEHOLDER")],
                           "includes": {"users": [USER]}})
        lines.append(text.replace("PLACEHOLDER", f"before {escape} after"))
    lone = sum(1 for e in escapes if e.startswith(("\\ud800", "\\udc00")))
    summary = import_stream(db, read_twarc(io.BytesIO("\n".join(lines).encode())),
                            kind="twarc")
    assert summary.rejected_count == lone
    assert summary.counts.written == len(escapes) - lone
