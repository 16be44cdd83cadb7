"""The citation network (issue 16): planted camps come out as communities; exports parse with
networkx and carry the attributes Gephi shows; imported exports feed discovery alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
from click.testing import CliRunner

from collectors.records import PostRecord
from monitor import network
from monitor.cli import cli
from storage import discovery
from storage.database import Database
from storage.network import Scope
from tests.factories import add_source, at, post, write
from tests.secrets_support import empty_secrets_file

CAMP_A = ["iran_a1", "iran_a2", "iran_a3", "iran_a4"]
CAMP_B = ["militia_b1", "militia_b2", "militia_b3", "militia_b4"]
SCOPE = Scope(since=at("2021-11-01 00:00"), until=at("2021-11-10 00:00"))


def _planted(db: Database) -> None:
    """Two camps that forward within themselves; one weak forward across (b1 → a1)."""
    for handle in CAMP_A:
        add_source(db, "telegram", handle, f"actor {handle}", "iran_official")
    for handle in CAMP_B:
        add_source(db, "telegram", handle, f"actor {handle}", "iraqi_militia")
    records: list[PostRecord] = []
    for camp in (CAMP_A, CAMP_B):
        for i, tail in enumerate(camp):
            for j, head in enumerate(camp):
                if i != j:
                    records += [post(tail, f"{head}-{n}", f"2021-11-0{2 + n} 10:00", "نص",
                                     kind="forward", forwarded_from=head) for n in range(3)]
    records.append(post("militia_b1", "x-1", "2021-11-05 12:00", "نص", kind="forward",
                        forwarded_from="iran_a1"))
    # A cited channel nobody watches, with an Arabic title and hostile characters.
    records.append(post("iran_a2", "t-1", "2021-11-05 12:00", "", kind="forward",
                        forwarded_from="قناة\u202e <b>&\x01", raw={"forwarded_from": "x"}))
    write(db, *records)


def test_planted_camps_are_the_communities(db: Database) -> None:
    _planted(db)
    with db.connection() as conn:
        graph = network.build(conn, ("forward",), SCOPE)
    network.analyse(graph)
    communities: dict[int, set[str]] = {}
    for _, data in graph.nodes(data=True):
        if data["role"] != "candidate":
            communities.setdefault(data["community"], set()).add(data["label"])
    assert sorted(communities.values(), key=min) == [set(CAMP_A), set(CAMP_B)]
    edge = graph.edges[f"s{_id(db, 'militia_b1')}", f"s{_id(db, 'militia_b2')}"]
    assert (edge["weight"], edge["forward"]) == (3, 3)
    assert len(edge["evidence"].split(",")) == 3
    result = network.summary(graph)
    assert [(b["label"], b["camps_bridged"]) for b in result["bridges"]] == [
        ("iran_a1", 1), ("militia_b1", 1)]


def test_a_helper_connection_gives_the_same_graph(db: Database) -> None:
    """The console and the CLI hand build() a spare connection that counts the sources'
    posts in the same snapshot while the edges are read: nothing may differ."""
    _planted(db)
    with db.connection() as conn, db.spare_connections(1) as helpers:
        assert helpers, "the pool lends a spare connection"
        for level in network.LEVELS:
            alone = network.build(conn, ("forward", "coadoption"), SCOPE, level)
            helped = network.build(conn, ("forward", "coadoption"), SCOPE, level,
                                   helper=helpers[0])
            assert {n: helped.nodes[n] for n in helped} == {n: alone.nodes[n] for n in alone}
            assert sorted(helped.edges(data=True)) == sorted(alone.edges(data=True))
            assert sum(d["posts"] for _, d in helped.nodes(data=True)) > 0


def _id(db: Database, handle: str) -> int:
    with db.connection() as conn:
        row = conn.execute("SELECT id FROM sources WHERE handle = %(h)s", {"h": handle}).fetchone()
    assert row is not None
    return int(row["id"])


def test_camp_and_actor_roll_up(db: Database) -> None:
    _planted(db)
    with db.connection() as conn:
        camps = network.build(conn, ("forward",), SCOPE, level="camp")
        actors = network.build(conn, ("forward",), SCOPE, level="actor")
    assert camps.edges["g:iraqi_militia", "g:iran_official"]["weight"] == 1
    assert camps.edges["g:iran_official", "g:iran_official"]["weight"] == 36
    assert actors.number_of_nodes() == 9
    assert actors.nodes[f"a{_actor(db, 'iran_a1')}"]["camp"] == "iran_official"


def _actor(db: Database, handle: str) -> int:
    with db.connection() as conn:
        row = conn.execute("SELECT actor_id FROM sources WHERE handle = %(h)s",
                           {"h": handle}).fetchone()
    assert row is not None
    return int(row["actor_id"])


def _cli(db: Database, tmp_path: Path, *args: str) -> Any:
    env = {"CHORUS_DATABASE_URL": db.url, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
           "CHORUS_CONFIG": ""}
    return CliRunner().invoke(cli, list(args), env=env)


def test_exports_parse_with_networkx(db: Database, tmp_path: Path) -> None:
    _planted(db)
    period = ["--since", "2021-11-01", "--until", "2021-11-09", "--layer", "forward"]
    for fmt, reader in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        path = tmp_path / f"net.{fmt}"
        result = _cli(db, tmp_path, "network", "export", "--format", fmt, "-o", str(path), *period)
        assert result.exit_code == 0, result.output
        graph = reader(path)
        assert graph.is_directed() and graph.number_of_nodes() == 9
        by_label = {data["label"]: data for _, data in graph.nodes(data=True)}
        a1 = by_label["iran_a1"]
        assert (a1["actor"], a1["camp"], a1["role"]) == ("actor iran_a1", "iran_official", "actor")
        assert int(a1["posts"]) == 9 and int(a1["cited_in"]) == 10 and "community" in a1
        cited = next(d for label, d in by_label.items() if label.startswith("قناة"))
        assert cited["role"] == "candidate" and "\x01" not in cited["label"]
    result = _cli(db, tmp_path, "network", "export", "--format", "csv", *period)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("source,target,weight,forward")
    assert len(result.output.splitlines()) == 1 + 26
    result = _cli(db, tmp_path, "network", "show", "--json", *period)
    assert json.loads(result.output)["bridges"][0]["label"] == "iran_a1"
    result = _cli(db, tmp_path, "network", "show", "--narrative", "nope", *period)
    assert result.exit_code != 0 and "unknown narrative" in result.output


def test_coadoption_within_the_hour(seeded_db: Database) -> None:
    db = seeded_db
    add_source(db, "telegram", "lead_x", "Lead", "iraqi_militia")
    add_source(db, "telegram", "echo_y", "Echo", "militia_media")
    add_source(db, "telegram", "late_z", "Late", "iran_official")
    write(db, post("lead_x", "1", "2021-11-07 01:00", "فتنة", labels=["sedition"]),
          post("echo_y", "2", "2021-11-07 01:40", "فتنة", labels=["sedition"]),
          post("late_z", "3", "2021-11-07 03:00", "فتنة", labels=["sedition"]))
    with db.connection() as conn:
        graph = network.build(conn, ("coadoption",), SCOPE)
    assert [(graph.nodes[a]["label"], graph.nodes[b]["label"], d["coadoption"])
            for a, b, d in graph.edges(data=True)] == [("echo_y", "lead_x", 1)]


def test_imported_exports_yield_candidates(db: Database, tmp_path: Path) -> None:
    export = {"name": "Tura News", "type": "public_channel", "id": 1234, "messages": [
        {"id": 1, "type": "message", "date_unixtime": "1636246800", "text": "نص",
         "forwarded_from": "Sabereen News", "forwarded_from_id": "channel777"},
        {"id": 2, "type": "message", "date_unixtime": "1636250400", "text": "نص",
         "forwarded_from": "قناة بلا معرف"},
        {"id": 3, "type": "message", "date_unixtime": "1636254000", "text": [
            "تابعوا ", {"type": "mention", "text": "@NewVoice"}, " و ",
            {"type": "text_link", "text": "هنا", "href": "https://t.me/hidden_link/4"}]},
    ]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    result = _cli(db, tmp_path, "import", "telegram-export", str(path), "--handle", "Tura313")
    assert result.exit_code == 0, result.output
    users = [{"id": "1", "username": "Qais_alkhazali"}, {"id": "2", "username": "Quoted_one"},
             {"id": "3", "username": "Replied_to"}]
    page = {"data": [
        {"id": "1457203656913850368", "author_id": "1", "text": "RT @Amplified_x: ...",
         "created_at": "2021-11-07T04:30:00.000Z",
         "referenced_tweets": [{"type": "retweeted", "id": "1457198623749074944"}]},
        {"id": "1457203656913850369", "author_id": "1", "text": "انظر https://t.co/q",
         "created_at": "2021-11-07T04:40:00.000Z",
         "referenced_tweets": [{"type": "quoted", "id": "1457198623749074000"}],
         "entities": {"urls": [{"url": "https://t.co/q", "expanded_url":
                                "https://twitter.com/Quoted_one/status/1457198623749074000"}]}},
        {"id": "1457203656913850370", "author_id": "1", "text": "@Replied_to صحيح",
         "created_at": "2021-11-07T04:50:00.000Z", "in_reply_to_user_id": "3",
         "referenced_tweets": [{"type": "replied_to", "id": "1457198623749074111"}],
         "entities": {"mentions": [{"start": 0, "end": 11, "id": "3", "username": "Replied_to"}]}},
    ], "includes": {"users": users, "tweets": [
        {"id": "1457198623749074944", "author_id": "9", "text": "..."}]}}
    twarc = tmp_path / "tweets.jsonl"
    twarc.write_text(json.dumps(page, ensure_ascii=False) + "\n", encoding="utf-8")
    add_source(db, "twitter", "Qais_alkhazali", "Qais al-Khazali", "iraqi_militia")
    result = _cli(db, tmp_path, "import", "twarc", str(twarc))
    assert result.exit_code == 0, result.output
    with db.connection() as conn:
        found = {(c["platform"], c["key"]): c["kinds"] for c in discovery.candidates(conn)}
    assert found == {
        ("telegram", "channel:777"): ["forward"], ("telegram", "name:قناة بلا معرف"): ["forward"],
        ("telegram", "newvoice"): ["mention"], ("telegram", "hidden_link"): ["link"],
        ("twitter", "quoted_one"): ["quote"], ("twitter", "amplified_x"): ["retweet"],
        ("twitter", "replied_to"): ["mention", "reply"],
    }
