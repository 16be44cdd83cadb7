"""Coordinated copies (re-authored versus forwarded) and shared phrases, hand-built."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from storage.convergence.report import event_report
from storage.database import Database
from tests.convergence_scenarios import add_event, add_narrative, tag
from tests.factories import add_source, at, post, write

T0 = "2021-11-06T23:30:00Z"
STAGED = "The Americans staged this false flag operation to blame the resistance factions"


def hours_after(hours: float) -> str:
    return (at(T0) + timedelta(hours=hours)).isoformat()


@pytest.fixture
def copies_event(db: Database) -> int:
    for key in ("false_flag", "us_culpability", "third_party"):
        add_narrative(db, key)
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    add_source(db, "telegram", "sabreenS1", "Sabereen News", "militia_media")
    add_source(db, "telegram", "kataib_h", "Kata'ib Hezbollah", "iraqi_militia")
    add_source(db, "twitter", "alishamkhani_ir", "Ali Shamkhani", "iran_official")
    add_source(db, "twitter", "Qais_alkhazali", "Qais al-Khazali", "iraqi_militia")
    add_source(db, "telegram", "ameri_badr", "Hadi al-Ameri", "iraqi_militia")
    add_source(db, "twitter", "omartvsd", "Omar al-Janabi", "journalist", role="observer")
    false_flag = [
        post("Tura313", "1", hours_after(1), STAGED),
        # Re-authored 20 minutes later, one word dropped: bigram Jaccard 10/11.
        post("sabreenS1", "2", hours_after(1 + 20 / 60), STAGED.removesuffix(" factions") + "!"),
        post("kataib_h", "3", hours_after(1.5), STAGED, kind="forward",
             forwarded_from="Tura313", forwarded_from_id="1"),
        post("alishamkhani_ir", "4", hours_after(1 + 10 / 60),
             "Iran condemns any attack on Iraqi security", platform="twitter"),
        # The same text again, but hours after everyone else: not part of the cluster.
        post("sabreenS1", "5", hours_after(6), STAGED),
        post("Qais_alkhazali", "6", hours_after(3),
             "Zionist hands planned the drone strike on Baghdad tonight", platform="twitter"),
        post("ameri_badr", "7", hours_after(3.5),
             "Zionist hands planned the drone strike on Baghdad tonight"),
        # Arabic spellings that normalise to the same text (hamza, ta marbuta, harakat).
        post("kataib_h", "8", hours_after(10),
             "إنها عملية مُفبركة من السفارة الأمريكية لضرب فصائل المقاومة"),
        post("sabreenS1", "9", hours_after(10.5),
             "انها عمليه مفبركه من السفاره الامريكيه لضرب فصائل المقاومه"),
        # The observer posts the staged text in the same hour: never counted.
        post("omartvsd", "10", hours_after(1.2), STAGED, platform="twitter"),
    ]
    forwards_only = [
        post("Tura313", "20", hours_after(2), "US embassy directs the chaos in Iraq"),
        post("kataib_h", "21", hours_after(2 + 10 / 60), "US embassy directs the chaos in Iraq",
             kind="forward", forwarded_from="Tura313", forwarded_from_id="20"),
        post("Qais_alkhazali", "22", hours_after(2 + 20 / 60),
             "US embassy directs the chaos in Iraq", platform="twitter", kind="retweet"),
    ]
    phrases = [
        post("Tura313", "30", hours_after(4), "a zionist american plot hit baghdad tonight"),
        post("sabreenS1", "31", hours_after(5), "behind it the zionist american plot once more"),
        post("Qais_alkhazali", "32", hours_after(20),
             "zionist american plot exposed by drone theatre", platform="twitter"),
        post("kataib_h", "33", hours_after(30), "drone theatre fools nobody"),
        # Before the event: pre-positioning, not a talking point of the adopters.
        post("ameri_badr", "35", hours_after(-5), "drone theatre planned"),
        post("omartvsd", "34", hours_after(5), "zionist american plot drone theatre",
             platform="twitter"),
    ]
    write(db, *false_flag, *forwards_only, *phrases)
    for record in false_flag:
        tag(db, record.source, record.native_id, "false_flag", 0.9)
    for record in forwards_only:
        tag(db, record.source, record.native_id, "us_culpability", 0.9)
    for record in phrases:
        tag(db, record.source, record.native_id, "third_party", 0.9)
    return add_event(db, "Drone attack", T0)


def narratives(db: Database, event_id: int) -> dict[str, dict[str, Any]]:
    with db.connection() as conn:
        report = event_report(conn, event_id)
    return {n["narrative"]: n for n in report["narratives"]}


def test_reauthored_copies_cluster_and_forwards_are_shown_apart(
    db: Database, copies_event: int
) -> None:
    clusters = narratives(db, copies_event)["false_flag"]["coordinated_copies"]
    assert len(clusters) == 3
    staged, zionist, arabic = clusters  # two actors each, in time order
    assert [(p["actor"], p["post_id"] is not None) for p in staged["posts"]] == [
        ("Tura News", True), ("Sabereen News", True)]
    assert [(f["actor"], f["kind"], f["forwarded_from"]) for f in staged["forwards"]] == [
        ("Kata'ib Hezbollah", "forward", "Tura313")]
    assert staged["actors"] == 2 and staged["actors_with_forwards"] == 3
    assert staged["identical"] is False
    assert staged["first_at"] == "2021-11-07T00:30:00Z" and staged["span_minutes"] == 30.0
    assert staged["text"] == STAGED
    # Sabereen's identical text six hours later is more than an hour from anyone.
    assert all(p["posted_at"] != "2021-11-07T05:30:00Z" for p in staged["posts"])
    assert [p["actor"] for p in zionist["posts"]] == ["Qais al-Khazali", "Hadi al-Ameri"]
    assert zionist["identical"] is True and zionist["forwards"] == []
    assert sorted(zionist["groups"]) == ["iraqi_militia"]
    assert [p["actor"] for p in arabic["posts"]] == ["Kata'ib Hezbollah", "Sabereen News"]
    assert arabic["identical"] is True


def test_forwards_alone_are_a_cascade_not_a_coordinated_copy(
    db: Database, copies_event: int
) -> None:
    us = narratives(db, copies_event)["us_culpability"]
    assert us["coordinated_copies"] == []
    (cascade,) = us["forward_cascades"]
    assert [p["actor"] for p in cascade["posts"]] == ["Tura News"]
    assert [(f["actor"], f["kind"]) for f in cascade["forwards"]] == [
        ("Kata'ib Hezbollah", "forward"), ("Qais al-Khazali", "retweet")]
    assert cascade["actors"] == 1 and cascade["actors_with_forwards"] == 3


def test_shared_phrases_are_the_talking_points_of_several_adopters(
    db: Database, copies_event: int
) -> None:
    third_party = narratives(db, copies_event)["third_party"]
    phrases = [(p["phrase"], p["actors"]) for p in third_party["shared_phrases"]]
    # The bigrams inside "zionist american plot" are used by the same three actors: dropped.
    # The observer's post uses both phrases and changes nothing.
    assert phrases == [("zionist american plot", 3), ("drone theatre", 2)]
    assert sorted(third_party["shared_phrases"][0]["used_by"]) == [
        "Qais al-Khazali", "Sabereen News", "Tura News"]


def test_copies_follow_edits_of_the_text(db: Database, copies_event: int) -> None:
    write(db, post("ameri_badr", "7", hours_after(3.5), "we reject all accusations",
                   edited_at=at(hours_after(4))))
    clusters = narratives(db, copies_event)["false_flag"]["coordinated_copies"]
    assert [len(c["posts"]) for c in clusters] == [2, 2]
    assert all("Hadi al-Ameri" not in {p["actor"] for p in c["posts"]} for c in clusters)
