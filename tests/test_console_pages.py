"""Every console page, in process, on a real database: dashboard, narrative, event, post,
sources (search has its own module)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from storage import catalog
from storage.collection import set_state
from storage.database import Database
from tests.console_corpus import Corpus, csrf_token
from tests.factories import at

pytest_plugins = ["tests.console_fixtures"]


def _figure(page: str, name: str) -> int:
    found = re.search(rf'id="fig-{name}">([\d,]+)<', page)
    assert found, f"figure {name} missing"
    return int(found.group(1).replace(",", ""))


def _event_id(db: Database, name: str) -> int:
    with db.connection() as conn:
        event = catalog.find_event(conn, name)
    assert event is not None
    return int(event["id"])


# --- dashboard -------------------------------------------------------------------------

def test_dashboard_heatmap_counts_adopting_actors_per_narrative_and_day(
        client: TestClient) -> None:
    page = client.get("/?day=2021-11-07")
    assert page.status_code == 200
    heat = page.text.split('id="heatmap"')[1].split("</table>")[0]
    # 7 Nov: false_flag adopted by Qais al-Khazali only (the observer and the weak tag do not
    # count); 5 Nov: by Tura News. Cells link to the matching search.
    assert 'title="False flag, 2021-11-07: 1 actors"' in heat
    assert 'title="False flag, 2021-11-05: 1 actors"' in heat
    assert 'title="Sedition, 2021-11-07: 2 actors"' in heat  # Shamkhani + Sabereen
    assert "/search?narrative=false_flag&amp;since=2021-11-07&amp;until=2021-11-07" in heat
    assert heat.count("<td class=\"heat-") == 9 * 14  # nine narratives x fourteen days


def test_dashboard_defaults_to_the_newest_data_and_rejects_a_bad_day(
        client: TestClient) -> None:
    assert "as of 2021-11-07" in client.get("/").text
    bad = client.get("/?day=7th+of+November")
    assert bad.status_code == 400
    assert "day: cannot read" in bad.text


def test_dashboard_lists_unusual_narratives_candidates_and_blind_versus_quiet(
        seeded_db: Database, client: TestClient) -> None:
    now = datetime.now(UTC)
    with seeded_db.connection() as conn:
        sources = {s["handle"]: int(s["id"]) for s in catalog.list_sources(conn)}
        set_state(conn, sources["alishamkhani_ir"], state="rate_limited", now=now,
                  error="429", rate_limited_until=now + timedelta(minutes=15))
        set_state(conn, sources["Tura313"], state="ok", now=now)
        catalog.add_event(conn, catalog.EventSpec(
            name="Burst of militia posts", at=at("2021-11-07T02:00Z"), status="candidate"))
    page = client.get("/?day=2021-11-07").text
    candidates = page.split('id="candidates"')[1].split("</ul>")[0]
    assert "Burst of militia posts" in candidates
    blind = page.split('id="blind"')[1].split("</ul>")[0]
    assert "twitter/alishamkhani_ir" in blind and "rate_limited" in blind
    quiet = page.split('id="quiet"')[1].split("</ul>")[0]
    assert "telegram/Tura313" in quiet  # collected fine, nothing posted in the last 24 h
    assert "telegram/Tura313" not in blind


def test_dashboard_flags_a_day_that_stands_out(seeded_db: Database, corpus: Corpus,
                                               client: TestClient) -> None:
    # Three actors on sedition on 7 Nov against 28 empty days: z = 3 over a floor of 1.
    from tests.convergence_scenarios import tag

    tag(seeded_db, "Qais_alkhazali", "303", "sedition", 0.9)
    unusual = client.get("/?day=2021-11-07").text.split('id="unusual"')
    assert len(unusual) == 2, "no unusual table"
    assert ">Sedition</a>" in unusual[1].split("</table>")[0]


# --- narrative -------------------------------------------------------------------------

def test_narrative_page_shows_figures_timeline_adopters_and_examples(
        client: TestClient, corpus: Corpus) -> None:
    page = client.get("/narratives/false_flag").text
    assert _figure(page, "actors") == 2
    assert _figure(page, "groups") == 2
    assert _figure(page, "posts") == 3  # the observer's post carries it, never adopts
    assert _figure(page, "adopting-posts") == 2
    adopters = page.split('id="adopters"')[1].split("</table>")[0]
    assert adopters.index("Tura News") < adopters.index("Qais al-Khazali")  # first use order
    assert "+0.0 h" in adopters and "+41.0 h" in adopters  # lag from the first adopter
    assert '<rect class="bar g2"' in page and '<rect class="bar g1"' in page  # two groups
    examples = page.split('id="examples"')[1].split("</ol>")[0]
    assert f'href="/posts/{corpus.arabic}"' in examples
    assert '<mark class="evidence">العلم الكاذب</mark>' in examples


def test_narrative_lags_from_an_event_and_period_filters(
        seeded_db: Database, client: TestClient) -> None:
    event_id = _event_id(seeded_db, "Drone attack on PM residence")
    page = client.get(f"/narratives/false_flag?event={event_id}").text
    adopters = page.split('id="adopters"')[1].split("</table>")[0]
    assert "-37.5 h" in adopters and "+3.5 h" in adopters
    narrow = client.get("/narratives/false_flag?since=2021-11-06&until=2021-11-07").text
    assert _figure(narrow, "actors") == 1
    assert client.get("/narratives/false_flag?since=2021-11-09&until=2021-11-01"
                      ).status_code == 400
    assert client.get("/narratives/no_such_thing").status_code == 404
    listing = client.get("/narratives").text
    assert 'href="/narratives/un_interference"' in listing


def test_narrative_page_lists_phrases_several_adopters_share(
        seeded_db: Database, client: TestClient) -> None:
    from tests.factories import post, write

    write(seeded_db,
          post("Tura313", "110", "2021-11-07T10:00Z",
               "the zionist project of sedition targets iraq", lang="en"),
          post("Qais_alkhazali", "310", "2021-11-07T11:00Z",
               "again the zionist project of sedition is exposed", lang="en",
               platform="twitter"))
    from tests.convergence_scenarios import tag

    # Each actor's first post carrying the narrative in the period is its adoption post.
    tag(seeded_db, "Tura313", "110", "sedition", 0.9)
    tag(seeded_db, "Qais_alkhazali", "310", "sedition", 0.9)
    phrases = client.get("/narratives/sedition").text.split('id="phrases"')
    assert len(phrases) == 2
    assert "zionist project of sedition" in phrases[1].split("</ul>")[0]


# --- events ----------------------------------------------------------------------------

def test_event_page_reports_convergence_with_lead_lag_and_prepositioning(
        seeded_db: Database, client: TestClient, corpus: Corpus) -> None:
    event_id = _event_id(seeded_db, "Drone attack on PM residence")
    page = client.get(f"/events/{event_id}").text
    section = page.split('id="narrative-false_flag"')[1].split("</section>")[0]
    assert "Qais al-Khazali" in section
    assert "+3.5 h" in section  # lag after T0
    prepositioned = section.split('class="prepositioned"')[1].split("</ul>")[0]
    assert "Tura News" in prepositioned and "37.5 h before" in prepositioned
    assert '<circle class="dot g1 adopter"' in section  # iraqi_militia on the timeline
    assert '<polygon class="dot g2 prepositioned"' in section  # a diamond: before T0
    # The Persian sedition post names no event: it answers the Green Zone storming attempt
    # (5 Nov, still open), so narrowing shows false_flag alone.
    narrowed = client.get(f"/events/{event_id}?narrative=false_flag&k=2").text
    assert 'id="narrative-sedition"' not in narrowed and 'id="narrative-false_flag"' in narrowed
    assert 'id="narrative-sedition"' not in page
    assert client.get(f"/events/{event_id}?k=0").status_code == 400
    assert client.get("/events/999999").status_code == 404


def test_add_an_event_and_decide_a_candidate(seeded_db: Database, client: TestClient) -> None:
    token = csrf_token(client, "/events")
    added = client.post("/events", data={"csrf_token": token, "name": "Rocket strike on base",
                                         "at": "2021-11-08T01:00Z", "description": "test"})
    assert added.status_code == 303
    assert "Rocket strike on base" in client.get(added.headers["location"]).text
    assert "Rocket strike on base" in client.get("/events").text
    duplicate = client.post("/events", data={"csrf_token": token,
                                             "name": "Rocket strike on base",
                                             "at": "2021-11-08T01:00Z"})
    assert duplicate.status_code == 400 and "already exists" in duplicate.text
    bad = client.post("/events", data={"csrf_token": token, "name": "x", "at": "yesterday"})
    assert bad.status_code == 400 and "at: cannot read" in bad.text
    with seeded_db.connection() as conn:
        candidate = catalog.add_event(conn, catalog.EventSpec(
            name="Candidate burst", at=at("2021-11-07T02:00Z"), status="candidate"))
    page = client.get(f"/events/{candidate}").text
    assert 'id="decide"' in page
    decided = client.post(f"/events/{candidate}/decision",
                          data={"csrf_token": token, "decision": "confirm"})
    assert decided.status_code == 303
    with seeded_db.connection() as conn:
        assert catalog.find_event(conn, str(candidate))["status"] == "confirmed"  # type: ignore[index]
    again = client.post(f"/events/{candidate}/decision",
                        data={"csrf_token": token, "decision": "dismiss"})
    assert again.status_code == 400 and "not a candidate" in again.text


# --- post ------------------------------------------------------------------------------

def test_post_page_renders_arabic_right_to_left_with_evidence(
        client: TestClient, corpus: Corpus) -> None:
    page = client.get(f"/posts/{corpus.arabic}").text
    body = page.split('id="post-body"')[1].split("</article>")[0]
    assert 'dir="rtl" lang="ar"' in body
    assert '<mark class="evidence">العلم الكاذب</mark>' in body
    assert 'href="https://t.me/Tura313/101"' in page and 'rel="noopener noreferrer' in page
    assert "0.91" in page and "minilm-test-1" in page and "transformer" in page
    persian = client.get(f"/posts/{corpus.persian}").text
    assert 'dir="rtl" lang="fa"' in persian


def test_post_page_shows_versions_with_a_diff_and_deletion(
        client: TestClient, corpus: Corpus) -> None:
    edited = client.get(f"/posts/{corpus.edited}").text
    versions = edited.split('id="versions"')[1].split("</section>")[0]
    assert "Versions (2)" in versions
    assert "Rockets hit the<ins> Turkish occupation</ins> base" in versions
    deleted = client.get(f"/posts/{corpus.deleted}").text
    assert "Deleted: found gone on a re-check" in deleted
    assert "Not seen deleted" in client.get(f"/posts/{corpus.arabic}").text


def test_post_page_shows_the_raw_payload_escaped(client: TestClient, corpus: Corpus) -> None:
    page = client.get(f"/posts/{corpus.arabic}").text
    raw = page.split('<pre class="raw">')[1].split("</pre>")[0]
    assert "&#34;id&#34;: 101" in raw
    assert client.get("/posts/999999").status_code == 404
    assert client.get("/posts/abc").status_code == 404


def test_confirming_a_tag_stores_the_label_and_changes_the_narrative(
        seeded_db: Database, client: TestClient, corpus: Corpus) -> None:
    before = client.get("/narratives/false_flag").text
    assert _figure(before, "actors") == 2
    token = csrf_token(client, f"/posts/{corpus.weak}")
    response = client.post(f"/posts/{corpus.weak}/labels",
                           data={"csrf_token": token, "narrative": "false_flag",
                                 "verdict": "confirm"})
    assert response.status_code == 303
    page = client.get(f"/posts/{corpus.weak}").text
    assert "confirmed by tester" in page
    with seeded_db.connection() as conn:
        label = conn.execute("SELECT analyst, verdict, created_at FROM current_labels "
                             "WHERE post_id = %(p)s", {"p": corpus.weak}).fetchone()
    assert label is not None and label["analyst"] == "tester"
    assert label["verdict"] == "confirm"
    assert abs((label["created_at"] - datetime.now(UTC)).total_seconds()) < 60
    after = client.get("/narratives/false_flag").text
    assert _figure(after, "actors") == 3  # Sabereen News now adopts it
    assert _figure(after, "confirmed") == 1
    # A rejection takes a model tag away again.
    client.post(f"/posts/{corpus.english}/labels",
                data={"csrf_token": token, "narrative": "false_flag", "verdict": "reject"})
    assert _figure(client.get("/narratives/false_flag").text, "actors") == 2


def test_labelling_over_htmx_returns_the_tags_panel(client: TestClient, corpus: Corpus) -> None:
    token = csrf_token(client, f"/posts/{corpus.persian}")
    response = client.post(f"/posts/{corpus.persian}/labels",
                           data={"csrf_token": token, "narrative": "sedition",
                                 "verdict": "reject"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="tags"')
    assert "rejected by tester" in response.text


def test_bad_labels_are_refused_with_the_reason(client: TestClient, corpus: Corpus) -> None:
    token = csrf_token(client, f"/posts/{corpus.arabic}")
    for data, reason in (({"narrative": "false_flag", "verdict": "maybe"}, "verdict"),
                         ({"narrative": "nonsense", "verdict": "confirm"}, "no narrative")):
        response = client.post(f"/posts/{corpus.arabic}/labels",
                               data={"csrf_token": token, **data})
        assert response.status_code == 400 and reason in response.text


def test_the_local_analyst_name_goes_on_labels(
        seeded_db: Database, client: TestClient, corpus: Corpus) -> None:
    token = csrf_token(client)
    assert client.post("/analyst", data={"csrf_token": token, "analyst": "Layla",
                                         "next": "/sources"}).status_code == 303
    assert 'value="Layla"' in client.get("/").text
    client.post(f"/posts/{corpus.arabic}/labels",
                data={"csrf_token": token, "narrative": "third_party", "verdict": "confirm"})
    with seeded_db.connection() as conn:
        row = conn.execute("SELECT analyst FROM labels WHERE post_id = %(p)s",
                           {"p": corpus.arabic}).fetchone()
    assert row is not None and row["analyst"] == "Layla"
    bad = client.post("/analyst", data={"csrf_token": token, "analyst": "<b>x</b>"})
    assert bad.status_code == 400


# --- sources ---------------------------------------------------------------------------

def test_sources_page_lists_the_watchlist_with_state_and_counts(
        seeded_db: Database, client: TestClient) -> None:
    now = datetime.now(UTC)
    with seeded_db.connection() as conn:
        sources = {s["handle"]: int(s["id"]) for s in catalog.list_sources(conn)}
        set_state(conn, sources["Tura313"], state="logged_out", now=now, error="session gone")
    client.get("/sources")
    client.app.state.console.source_totals.wait()  # type: ignore[attr-defined]
    page = client.get("/sources").text
    rows = {re.search(r'/search\?source=(\w+)', r).group(1): r  # type: ignore[union-attr]
            for r in page.split('<tr class="source-row')[1:]}
    assert "militia_media" in rows["Tura313"] and "logged_out" in rows["Tura313"]
    assert "state-blind" in rows["Tura313"] and "session gone" in rows["Tura313"]
    assert '<td class="num">2</td>' in rows["Tura313"]  # two posts in all
    assert ">observer<" in rows["omartvsd"]


def test_sources_filter_by_health_and_name_and_page(
        seeded_db: Database, client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.console.pages import sources as sources_page

    now = datetime.now(UTC)
    with seeded_db.connection() as conn:
        ids = {s["handle"]: int(s["id"]) for s in catalog.list_sources(conn)}
        set_state(conn, ids["sabreenS1"], state="failed", now=now, error="boom")
    blind = client.get("/sources?condition=blind").text
    handles = re.findall(r'/search\?source=(\w+)', blind)
    assert "sabreenS1" in handles and "blind (7)" in blind  # none collected yet: all blind
    assert re.findall(r'/search\?source=(\w+)', client.get("/sources?q=shamkhani").text) == [
        "alishamkhani_ir"]
    assert client.get("/sources?condition=sideways").status_code == 400
    monkeypatch.setattr(sources_page, "PAGE_SIZE", 3)
    first = client.get("/sources").text
    assert "7 sources, showing 1–3" in first and 'rel="next"' in first
    third = client.get("/sources?page=3").text
    assert "showing 7–7" in third and 'rel="next"' not in third


def test_add_a_source_with_a_new_actor(seeded_db: Database, client: TestClient) -> None:
    token = csrf_token(client, "/sources")
    added = client.post("/sources", data={
        "csrf_token": token, "platform": "telegram", "handle": "@sabereen_new",
        "role": "actor", "actor": "Kata'ib Sayyid al-Shuhada", "group": "iraqi_militia"})
    assert added.status_code == 303
    page = client.get("/sources").text
    assert "sabereen_new" in page and "Kata&#39;ib Sayyid al-Shuhada" in page
    bad = client.post("/sources", data={"csrf_token": token, "platform": "myspace",
                                        "handle": "x y", "role": "actor", "actor": ""})
    assert bad.status_code == 400
    for field in ("platform:", "handle:", "actor:"):
        assert field in bad.text
    unknown = client.post("/sources", data={"csrf_token": token, "platform": "twitter",
                                            "handle": "nobody", "role": "actor",
                                            "actor": "Unknown Person"})
    assert unknown.status_code == 400 and "unknown actor" in unknown.text


def test_unknown_pages_and_methods_get_error_pages(client: TestClient) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "no such page" in missing.text
    assert client.delete("/sources").status_code == 405


def test_healthz_and_metrics(client: TestClient) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["database"] is True
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert "chorus_database_up 1.0" in metrics.text
    assert "python_info" in metrics.text  # the default registry is included
