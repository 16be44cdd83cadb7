"""Which event an adoption answers when events overlap, and pre-positioning that matters
(storage.convergence.attribution, storage.convergence.prepositioned), on the real server."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.cli import cli as main
from storage.convergence.report import event_report
from storage.database import Database
from tests.convergence_scenarios import add_event, add_narrative
from tests.factories import add_source, at, post, write

T0 = at("2021-11-05T12:00:00Z")


def hours(h: float) -> str:
    return (T0 + timedelta(hours=h)).isoformat()


def sources(db: Database, *names: str) -> None:
    for i, name in enumerate(names):
        add_source(db, "telegram", name.lower(), name, ("militia_media", "iraqi_militia")[i % 2])


def narrative(db: Database, event_id: int, key: str) -> dict[str, Any]:
    with db.connection() as conn:
        (entry,) = event_report(conn, event_id, narrative=key)["narratives"]
    return entry  # type: ignore[no-any-return]


def actors(people: list[dict[str, Any]]) -> list[str]:
    return [p["actor"] for p in people]


@pytest.fixture
def two_events(db: Database) -> tuple[int, int]:
    """Rockets at a base, then 12 h later a port closed; distinct keywords in two languages."""
    add_narrative(db, "us_culpability")
    sources(db, "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta")
    label = ["us_culpability"]
    write(db,
          post("alpha", "1", hours(2), "the americans fired at zlikan tonight", labels=label),
          # After the second event it names the port: an Arabic spelling of the keyword
          # «ميناء أم قصر» with the hamza dropped and an attached preposition.
          post("beta", "2", hours(13), "امريكا وراء اغلاق بميناء ام قصر", labels=label),
          # Names the first event after the second happened: still the first.
          post("gamma", "3", hours(14), "Zlikan was hit by american rockets", labels=label),
          # Names neither: the earliest event still open, never the later one.
          post("delta", "4", hours(15), "the americans are behind all of this", labels=label),
          # Names the second; its next post names nothing and so answers the first.
          post("epsilon", "5", hours(16), "the US closed Umm Qasr port", labels=label),
          post("epsilon", "6", hours(17), "washington again", labels=label),
          # Names both open events: the later one, the news of the moment.
          post("zeta", "7", hours(18), "from Zlikan to Umm Qasr the same hand", labels=label))
    first = add_event(db, "Rockets at Zlikan base", T0,
                      keywords={"en": ["Zlikan", "Bashiqa"], "ar": ["زليكان"]})
    second = add_event(db, "Umm Qasr port closed", T0 + timedelta(hours=12),
                       keywords={"en": ["Umm Qasr"], "ar": ["ميناء أم قصر"]})
    # A candidate event (not confirmed) never takes an adopter, even one that names it.
    add_event(db, "Unconfirmed port strike", T0 + timedelta(hours=11), status="candidate",
              keywords={"en": ["port"]})
    return first, second


def test_each_adoption_goes_to_the_event_it_names(db: Database,
                                                  two_events: tuple[int, int]) -> None:
    first_id, second_id = two_events
    first = narrative(db, first_id, "us_culpability")
    assert [(a["actor"], a["lag_hours"]) for a in first["adopters"]] == [
        ("Alpha", 2.0), ("Gamma", 14.0), ("Delta", 15.0), ("Epsilon", 17.0)]
    assert first["adopters_by_window"]["24h"] == 4
    beta, zeta = first["adopters_elsewhere"]
    assert (beta["actor"], beta["lag_hours"], beta["event"]["name"]) == (
        "Beta", 13.0, "Umm Qasr port closed")
    assert beta["event"]["occurred_at"] == "2021-11-06T00:00:00Z"
    assert (zeta["actor"], zeta["event"]["id"]) == ("Zeta", second_id)
    second = narrative(db, second_id, "us_culpability")
    assert [(a["actor"], a["lag_hours"]) for a in second["adopters"]] == [
        ("Beta", 1.0), ("Epsilon", 4.0), ("Zeta", 6.0)]
    # The later event takes no adopter that does not name it.
    assert {p["actor"]: p["event"]["id"] for p in second["adopters_elsewhere"]} == {
        "Gamma": first_id, "Delta": first_id}
    assert second["adopters_elsewhere"][0]["lag_hours"] == 2.0


def test_without_a_rival_every_post_answers_the_event(db: Database,
                                                      two_events: tuple[int, int]) -> None:
    first_id, second_id = two_events
    with db.connection() as conn:
        conn.execute("UPDATE events SET status = 'dismissed' WHERE id = %(id)s",
                     {"id": second_id})
    first = narrative(db, first_id, "us_culpability")
    assert actors(first["adopters"]) == ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]
    assert first["adopters_elsewhere"] == []


@pytest.fixture
def warned(db: Database) -> tuple[int, int]:
    """A storming attempt at T0, then a drone attack 36 h later. Inside the storming's post
    window one actor warns of drones (naming the later event), another does not; after the
    drone attack a third names it."""
    add_narrative(db, "false_flag")
    sources(db, "Warner", "Other", "Later")
    write(db,
          post("warner", "1", hours(10), "they are preparing a drone strike to blame the resistance",
               labels=["false_flag"]),
          post("other", "2", hours(12), "a plot against the resistance is under way",
               labels=["false_flag"]),
          post("later", "3", hours(40), "the drone attack was a false flag",
               labels=["false_flag"]))
    storming = add_event(db, "Green Zone storming attempt", T0,
                         keywords={"en": ["Green Zone"], "ar": ["المنطقة الخضراء"]})
    drone = add_event(db, "Drone attack on PM residence", T0 + timedelta(hours=36),
                      keywords={"en": ["drone"], "fa": ["پهپاد"]})
    return storming, drone


def test_a_warning_inside_an_earlier_window_is_prepositioning_for_the_event_it_names(
        db: Database, warned: tuple[int, int]) -> None:
    storming_id, drone_id = warned
    drone = narrative(db, drone_id, "false_flag")
    # One adopter (k = 3): false_flag does not converge, yet the warning names the attack.
    assert drone["converged"] is False and actors(drone["adopters"]) == ["Later"]
    (flag,) = drone["prepositioned"]
    assert (flag["actor"], flag["hours_before"], flag["names_event"]) == ("Warner", 26.0, True)
    assert flag["answers_event"]["id"] == storming_id  # inside the storming's window
    assert flag["edited_after_event"] is False
    # The other post in the storming's window names nothing: kept apart.
    (other,) = drone["prepositioned_other"]
    assert other["actor"] == "Other" and other["names_event"] is False
    assert other["answers_event"]["name"] == "Green Zone storming attempt"
    assert drone["prepositioned_posts"] == 2 and drone["prepositioned_actors"] == 2
    # For the storming attempt both are adoptions (the drone attack had not happened); the
    # post after the drone attack names it and answers it, though the storming is open.
    storming = narrative(db, storming_id, "false_flag")
    assert actors(storming["adopters"]) == ["Warner", "Other"]
    assert [(p["actor"], p["event"]["id"]) for p in storming["adopters_elsewhere"]] == [
        ("Later", drone_id)]


def test_prepositioning_matters_when_the_narrative_converges(
        db: Database, warned: tuple[int, int]) -> None:
    _, drone_id = warned
    with db.connection() as conn:
        (entry,) = event_report(conn, drone_id, narrative="false_flag", k=1)["narratives"]
    assert entry["converged"] is True
    assert actors(entry["prepositioned"]) == ["Warner", "Other"]  # earliest first
    assert entry["prepositioned_other"] == []


def cli(db: Database, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"CHORUS_DATABASE_URL": db.url})
    return result.exit_code, result.stdout, result.stderr


def test_events_add_takes_keywords_and_the_report_attributes_by_them(db: Database) -> None:
    add_narrative(db, "sedition")
    sources(db, "Alpha", "Beta")
    write(db, post("alpha", "1", hours(3), "fitna again", labels=["sedition"]),
          post("beta", "2", hours(14), "حمله پهپادی فتنه است", labels=["sedition"]))
    code, out, err = cli(db, "events", "add", "Storming", "--at", "2021-11-05T12:00Z")
    assert code == 0, err
    storming = int(out)
    code, out, err = cli(db, "events", "add", "Drone attack", "--at", "2021-11-06T00:00Z",
                         "--keywords", "en:drone", "--keywords", "ar:طائرة مسيرة",
                         "--keywords", "پهپاد")
    assert code == 0, err
    drone = int(out)
    code, out, _ = cli(db, "events", "list", "--json")
    listed = {e["name"]: e["keywords"] for e in json.loads(out)}
    assert listed == {"Storming": {},
                      "Drone attack": {"en": ["drone"], "ar": ["طائرة مسيرة"], "fa": ["پهپاد"]}}
    code, out, _ = cli(db, "convergence", "--event", str(storming), "--json")
    (entry,) = [n for n in json.loads(out)["narratives"] if n["narrative"] == "sedition"]
    assert actors(entry["adopters"]) == ["Alpha"]
    assert [(p["actor"], p["event"]["id"]) for p in entry["adopters_elsewhere"]] == [
        ("Beta", drone)]
    assert set(entry["significance"]) == {"observed_24h", "expected_24h", "placebo_p", "lift",
                                          "placebo_windows", "note"}
    code, _, err = cli(db, "events", "add", "Empty", "--at", "2021-11-07T00:00Z",
                       "--keywords", "en:!!!")
    assert code == 2 and "has no letters or digits" in err and "Traceback" not in err
    code, out, _ = cli(db, "events", "list", "--json")
    assert "Empty" not in {e["name"] for e in json.loads(out)}  # nothing half-added


def test_the_seed_events_carry_keywords_in_three_languages(db: Database) -> None:
    code, _, err = cli(db, "sources", "sync")
    assert code == 0, err
    code, out, _ = cli(db, "events", "list", "--json")
    events = json.loads(out)
    assert len(events) == 7
    for event in events:
        assert set(event["keywords"]) == {"en", "ar", "fa"}, event["name"]
