"""Pre-positioning rules (an actor posts a narrative that has not converged yet), health
rules on a source's own rhythm (silence) and on a large gap of possible missing posts, and
a convergence incident retracted when analysts reject the tags that made it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from monitor.alerts.cycle import evaluate_rules
from monitor.alerts.manage import create_rule
from monitor.alerts.rules import RuleError
from monitor.settings import Config
from storage import completeness
from storage.database import Database
from tests.alert_support import CAMPS, HOOK, NOW, alert_config, incidents_of
from tests.convergence_scenarios import T0, add_event, add_narrative, hours_after, label, tag
from tests.factories import add_source, post, write


@pytest.fixture
def config(db: Database, tmp_path: Path) -> Config:
    return alert_config(db.url, tmp_path)


def _run(config: Config, db: Database, minutes: int = 0) -> int:
    return evaluate_rules(config, db, NOW + timedelta(minutes=minutes),
                          settle=timedelta(0)).versions


def test_an_actor_posting_a_narrative_before_it_converges_is_watched(
        db: Database, config: Config) -> None:
    add_narrative(db, "false_flag")
    for i in range(3):
        add_source(db, "twitter", f"actor{i}", f"Actor {i}", CAMPS[i])
        write(db, post(f"actor{i}", "1", hours_after(-40 + i), f"warning {i}",
                       platform="twitter"))
    create_rule(db, "watch-ff", "prepositioning", {"narrative": "false_flag", "k": 3}, HOOK)

    tag(db, "actor0", "1", "false_flag", 0.9)
    assert _run(config, db) == 1
    [incident] = incidents_of(db, "watch-ff")
    assert incident.summary.startswith("false_flag: Actor 0 posted it, 1 actor(s) within 72 h")
    assert incident.state == "open"
    assert _run(config, db, 1) == 0  # nothing new: no repeat

    tag(db, "actor1", "1", "false_flag", 0.9)
    assert _run(config, db, 2) == 1
    [incident] = incidents_of(db, "watch-ff")
    assert (incident.version, incident.detail["actors"]) == (2, ["Actor 0", "Actor 1"])

    tag(db, "actor2", "1", "false_flag", 0.9)  # a third actor: it has converged
    assert _run(config, db, 3) == 1
    [incident] = incidents_of(db, "watch-ff")
    assert (incident.state, incident.version) == ("resolved", 3)
    assert incident.summary.startswith("false_flag: converged (3 actors within 72 h)")


def test_a_source_silent_far_longer_than_its_own_history_alerts_once_and_recovers(
        db: Database, config: Config) -> None:
    add_source(db, "telegram", "hourly", "Hourly", "militia_media")
    add_source(db, "telegram", "sparse", "Sparse", "militia_media")
    last = NOW - timedelta(hours=5)
    for i in range(48):  # every hour until 5 h ago: a 5 h silence is 5x its usual gap
        write(db, post("hourly", str(i), (last - timedelta(hours=i)).isoformat(), f"p{i}"))
    for i in range(12):  # every 12 h: 5 h is nothing for it
        write(db, post("sparse", str(i), (last - timedelta(hours=12 * i)).isoformat(), "s"))
    create_rule(db, "silence", "health", {"checks": "silence"}, HOOK)
    assert _run(config, db) == 1
    [incident] = incidents_of(db, "silence")
    assert incident.incident_key == "silent:telegram/hourly"
    assert "silent since 2021-11-07 07:00 UTC" in incident.summary
    assert incident.detail["typical_gap_hours"] == 1.0
    assert _run(config, db, 30) == 0  # still silent: the same incident, no new version

    write(db, post("hourly", "99", NOW.isoformat(), "back"))
    assert _run(config, db, 31) == 1
    [incident] = incidents_of(db, "silence")
    assert (incident.state, incident.summary) == ("resolved", "telegram/hourly recovered")


def test_a_large_gap_of_possible_missing_posts_is_a_health_alert(
        db: Database, config: Config) -> None:
    source = add_source(db, "telegram", "gappy", "Gappy", "militia_media")
    create_rule(db, "gaps", "health", {"checks": "gaps", "gap_posts": 20}, HOOK)
    day = NOW.date()
    with db.connection() as conn:
        completeness.record_gaps(conn, source, [completeness.GapRecord(
            10, 22, day, missing=11, recovered=0, refetched=True)], NOW)
    assert _run(config, db) == 0  # 11 possible missing: under the bound
    with db.connection() as conn:
        completeness.record_gaps(conn, source, [completeness.GapRecord(
            40, 70, day, missing=29, recovered=0, refetched=True)], NOW)
    assert _run(config, db, 1) == 1
    [incident] = incidents_of(db, "gaps")
    assert incident.incident_key == f"gap:telegram/gappy:{day.isoformat()}"
    assert incident.summary == f"telegram/gappy: 40 possible missing post(s) on {day}"


def test_a_convergence_whose_tags_are_rejected_is_retracted(db: Database,
                                                            config: Config) -> None:
    add_narrative(db, "sedition")
    add_event(db, "Drone attack on the PM", T0)
    for i in range(3):
        add_source(db, "telegram", f"actor{i}", f"Actor {i}", CAMPS[i])
        write(db, post(f"actor{i}", "1", hours_after(1 + i), f"statement {i}"))
    create_rule(db, "sedition-3", "convergence", {"narrative": "sedition", "k": 3}, HOOK)
    for i in range(3):
        tag(db, f"actor{i}", "1", "sedition", 0.9)
    assert _run(config, db) == 1
    label(db, "actor2", "1", "sedition", "reject")
    assert _run(config, db, 1) == 1
    [incident] = incidents_of(db, "sedition-3")
    assert (incident.state, incident.version) == ("resolved", 2)
    assert incident.summary.startswith("sedition: retracted, now 2 actors from 2 camps")


def test_new_rule_parameters_are_checked(db: Database) -> None:
    with pytest.raises(RuleError, match="k .* at least 2"):
        create_rule(db, "w", "prepositioning", {"k": 1}, HOOK)
    with pytest.raises(RuleError, match="checks are among"):
        create_rule(db, "h", "health", {"checks": "blind,gossip"}, HOOK)
    with pytest.raises(RuleError, match="silence_factor"):
        create_rule(db, "h", "health", {"silence_factor": 0.5}, HOOK)
