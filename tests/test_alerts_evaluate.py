"""Alert rules evaluated on what is new: a convergence that grows alerts once and then
updates, a saved search with Arabic and a ZWJ inside a word, a blind source."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.alerts.cycle import evaluate_rules
from monitor.alerts.manage import create_rule
from monitor.alerts.rules import RuleError
from monitor.settings import Config
from storage.alerts import queries as q
from storage.alerts import store as rows
from storage.console.search import SearchFilters
from storage.database import Database
from tests.alert_support import CAMPS, HOOK, NOW, alert_config, incidents_of
from tests.convergence_scenarios import T0, add_event, add_narrative, hours_after, tag
from tests.factories import add_source, at, post, write


@pytest.fixture
def config(db: Database, tmp_path: Path) -> Config:
    return alert_config(db.url, tmp_path)


def _deliveries(db: Database, name: str) -> list[rows.Delivery]:
    with db.connection() as conn:
        rule = rows.rule_by_name(conn, name)
        assert rule is not None
        return rows.deliveries_of(conn, rule.id)


def test_a_convergence_growing_from_2_to_6_actors_alerts_once_then_updates(
        db: Database, config: Config) -> None:
    add_narrative(db, "sedition")
    event = add_event(db, "Drone attack on the PM", T0)
    for i in range(6):
        add_source(db, "telegram", f"actor{i}", f"Actor {i}", CAMPS[i % 3])
        write(db, post(f"actor{i}", "1", hours_after(1 + i), f"statement {i}"))
    create_rule(db, "sedition-3", "convergence", {"narrative": "sedition", "k": 3,
                                                  "groups": 2, "window_hours": 24}, HOOK)

    for i in range(2):
        tag(db, f"actor{i}", "1", "sedition", 0.9)
    assert evaluate_rules(config, db, NOW, settle=timedelta(0)).versions == 0
    assert incidents_of(db, "sedition-3") == []

    tag(db, "actor2", "1", "sedition", 0.9)
    first = evaluate_rules(config, db, NOW, settle=timedelta(0))
    assert (first.versions, first.recorded) == (1, 1)
    [incident] = incidents_of(db, "sedition-3")
    assert incident.incident_key == f"event:{event}:sedition"
    assert incident.summary.startswith("sedition: 3 actors from 3 camps within 24 h")
    assert evaluate_rules(config, db, NOW, settle=timedelta(0)).versions == 0  # nothing new

    for i in range(3, 6):
        tag(db, f"actor{i}", "1", "sedition", 0.9)
    later = evaluate_rules(config, db, NOW + timedelta(minutes=1), settle=timedelta(0))
    assert later.versions == 1
    [incident] = incidents_of(db, "sedition-3")
    assert incident.version == 2
    assert "6 actors from 3 camps" in incident.summary
    versions = [(d.version, d.status) for d in _deliveries(db, "sedition-3")]
    assert versions == [(1, "superseded"), (2, "pending")]  # one incident, growth updates it
    body = json.loads(_deliveries(db, "sedition-3")[-1].body)
    assert body["incident"]["version"] == 2 and body["detail"]["actors"] == 6


def test_too_few_camps_never_alerts(db: Database, config: Config) -> None:
    add_narrative(db, "false_flag")
    add_event(db, "Drone attack", T0)
    for i in range(4):
        add_source(db, "telegram", f"m{i}", f"Militia {i}", "iraqi_militia")
        write(db, post(f"m{i}", "1", hours_after(2), "text"))
    create_rule(db, "ff", "convergence", {"k": 3, "groups": 2}, HOOK)
    for i in range(4):
        tag(db, f"m{i}", "1", "false_flag", 0.9)
    assert evaluate_rules(config, db, NOW, settle=timedelta(0)).versions == 0


def test_a_saved_search_matches_arabic_with_a_zwj_inside_a_word(
        db: Database, config: Config) -> None:
    add_source(db, "telegram", "sabereen", "Sabereen", "militia_media")
    write(db, post("sabereen", "1", "2021-11-07T01:00:00Z", "الحشد الشعبي قبل القاعدة"))
    create_rule(db, "hashd", "search", {"query": "الحشد الشعبي", "platform": "telegram"}, HOOK)
    # Written after the rule: only these are new. A ZWJ sits inside «الحشد».
    write(db, post("sabereen", "2", "2021-11-07T02:00:00Z", "بيان الح\u200dشد الشعبي اليوم"),
          post("sabereen", "3", "2021-11-07T02:05:00Z", "خبر عن الطقس"))
    found = evaluate_rules(config, db, NOW, settle=timedelta(0))
    assert found.versions == 1
    [incident] = incidents_of(db, "hashd")
    assert incident.incident_key == "search:2021-11-07"
    assert incident.detail["count"] == 1
    posts = incident.detail["posts"]
    assert isinstance(posts, list) and len(posts) == 1
    assert "\u200d" in posts[0]["text"]  # the post's own text, as written

    write(db, post("sabereen", "4", "2021-11-07T03:00:00Z", "الحشد الشعبي مرة أخرى"))
    assert evaluate_rules(config, db, NOW, settle=timedelta(0)).versions == 1
    [incident] = incidents_of(db, "hashd")
    assert (incident.version, incident.detail["count"]) == (2, 2)
    assert evaluate_rules(config, db, NOW, settle=timedelta(0)).versions == 0


def test_a_blind_source_opens_an_incident_and_recovery_resolves_it(
        db: Database, config: Config) -> None:
    source = add_source(db, "telegram", "watched", "Watched", "iraqi_militia")
    create_rule(db, "blind", "health", {"platform": "telegram"}, HOOK)
    with db.connection() as conn:
        conn.execute("""INSERT INTO collector_state (source_id, state, last_error_at, last_error)
                        VALUES (%(s)s, 'logged_out', now(), 'session revoked')""",
                     {"s": source})
    assert evaluate_rules(config, db, NOW, settle=timedelta(0)).versions == 1
    [incident] = incidents_of(db, "blind")
    assert (incident.incident_key, incident.state) == ("source:telegram/watched", "open")
    assert "logged_out" in incident.summary
    assert evaluate_rules(config, db, NOW, settle=timedelta(0)).versions == 0  # still blind

    with db.connection() as conn:
        conn.execute("""UPDATE collector_state SET state = 'ok', last_success_at = %(t)s
                        WHERE source_id = %(s)s""", {"s": source, "t": NOW})
    assert evaluate_rules(config, db, NOW, settle=timedelta(0)).versions == 1
    [incident] = incidents_of(db, "blind")
    assert (incident.state, incident.version) == ("resolved", 2)
    assert incident.summary == "telegram/watched recovered"


def test_rules_are_checked_before_they_are_stored(db: Database) -> None:
    with pytest.raises(RuleError, match="unknown parameter"):
        create_rule(db, "x", "search", {"qeury": "a"}, HOOK)
    with pytest.raises(RuleError, match="secret names a key"):
        create_rule(db, "x", "search", {"query": "a"},
                    [{**HOOK[0], "secret": "s3cr3t value!"}])
    with pytest.raises(RuleError, match="kind"):
        create_rule(db, "x", "gossip", {}, HOOK)
    create_rule(db, "x", "search", {"query": "a"}, HOOK)
    with pytest.raises(RuleError, match="exists"):
        create_rule(db, "x", "search", {"query": "b"}, HOOK)


def test_rules_with_different_windows_count_only_their_own_window(
        db: Database, config: Config) -> None:
    """One measure of the event serves rules of 24 h and 72 h (monitor.alerts.evaluate
    _measure): each still counts only the actors within its own window."""
    add_narrative(db, "sedition")
    add_event(db, "Drone attack on the PM", T0)
    for i, hours in enumerate((2, 5, 30, 50)):  # two inside 24 h, four inside 72 h
        add_source(db, "telegram", f"w{i}", f"Windowed {i}", CAMPS[i % 3])
        write(db, post(f"w{i}", "1", hours_after(hours), f"statement {i}"))
    for hours in (24, 72):
        create_rule(db, f"sedition-{hours}", "convergence",
                    {"narrative": "sedition", "k": 3, "groups": 2, "window_hours": hours}, HOOK)
    for i in range(4):
        tag(db, f"w{i}", "1", "sedition", 0.9)
    evaluate_rules(config, db, at(hours_after(80)), settle=timedelta(0))
    assert incidents_of(db, "sedition-24") == []  # 2 actors within 24 h: under k
    [wide] = incidents_of(db, "sedition-72")
    assert wide.summary.startswith("sedition: 4 actors from 3 camps within 72 h")
    listed = wide.detail["adopters"]
    assert isinstance(listed, list)
    assert [a["lag_hours"] for a in listed if isinstance(a, dict)] == [2.0, 5.0, 30.0, 50.0]


def test_a_saved_search_is_planned_for_each_run_never_prepared(db: Database) -> None:
    """Every minute the same saved searches run on pooled connections; once prepared, the
    generic plan read every post with the word through the full-text index instead of the
    new id range (6x slower at 5,000,000 posts). They are planned per run, like the
    console's search."""
    add_source(db, "telegram", "sabereen", "Sabereen", "militia_media")
    write(db, post("sabereen", "1", "2021-11-07T01:00:00Z", "الحشد الشعبي"))
    with db.connection() as conn:
        for _ in range(8):
            assert len(q.search_matches(conn, SearchFilters(query="الحشد"), 0, 10)) == 1
        prepared = conn.execute("SELECT count(*) AS n FROM pg_prepared_statements "
                                "WHERE statement LIKE '%%tsquery%%'").fetchone()
    assert prepared is not None and prepared["n"] == 0


def test_an_event_between_two_new_adoptions_but_without_one_in_its_window_is_untouched(
        db: Database) -> None:
    """Touched pairs (storage.alerts.queries.affected_pairs): an event is re-measured for a
    narrative only when a new adoption falls in its own window, not when new adoptions merely
    surround it."""
    add_narrative(db, "sedition")
    early = add_event(db, "Drone attack on the PM", T0)
    middle = add_event(db, "Rocket attack", hours_after(5))
    for i, hours in enumerate((1, 40)):
        add_source(db, "telegram", f"g{i}", f"Gapped {i}", CAMPS[i])
        write(db, post(f"g{i}", "1", hours_after(hours), f"statement {i}"))
    with db.connection() as conn:
        since = q.server_now(conn)
    for i in range(2):
        tag(db, f"g{i}", "1", "sedition", 0.9)
    with db.connection() as conn:
        upto = q.server_now(conn)
        pairs = {w: [(p["event_id"], p["narrative"]) for p in q.affected_pairs(
            conn, since=since, upto=upto, narrative=None, statuses=["confirmed", "candidate"],
            window=timedelta(hours=w))] for w in (24, 72)}
    assert pairs[24] == [(early, "sedition")]  # 1 h after it; 40 h is past both 24 h windows
    assert pairs[72] == [(early, "sedition"), (middle, "sedition")]
