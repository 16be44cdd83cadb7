"""Properties of the bundled replay corpus (seeds/replay/corpus.jsonl).

The corpus is the demonstration's ground truth: these tests pin down that it is big and
noisy enough, well-formed for the replay clients, and that it carries the signal of the
seed report, by `expected_narratives` (what each post was written to promote).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from classifiers.normalise import detect_language, normalise_for_matching
from seeds import seed_file
from seeds.loader import load_actors, load_sources
from seeds.replay import corpus_file
from seeds.replay.build_corpus import build, render
from seeds.replay.ids import snowflake_time

WINDOW = (datetime(2021, 9, 1, tzinfo=UTC), datetime(2021, 11, 11, tzinfo=UTC))
MAIN = datetime(2021, 10, 24, tzinfo=UTC)  # the episode; before it, the early period
VOTE = datetime(2021, 10, 10, tzinfo=UTC)
ATTACK = datetime(2021, 11, 6, 23, 30, tzinfo=UTC)
HAWASHA = datetime(2021, 10, 26, 12, 0, tzinfo=UTC)
GULF_ROW = datetime(2021, 10, 26, 0, 0, tzinfo=UTC)  # the interview aired on the 26th
ZLIKAN_DAY = datetime(2021, 11, 7, tzinfo=UTC)
NARRATIVES = {
    "false_flag", "staged_incident", "sedition", "third_party", "us_culpability",
    "un_interference", "election_fraud", "anti_turkish_presence", "gulf_aggression",
}

Post = dict[str, Any]


@pytest.fixture(scope="module")
def posts() -> list[Post]:
    text = corpus_file().read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def sources() -> dict[str, Any]:
    """handle -> SourceSpec, from seeds/sources.toml and seeds/replay/sources.toml."""
    specs = load_sources() + load_sources(seed_file("replay/sources.toml"))
    return {spec.handle: spec for spec in specs}


@pytest.fixture(scope="module")
def groups() -> dict[str, str]:
    """actor name -> group, from seeds/actors.toml and seeds/replay/actors.toml."""
    actors = load_actors() + load_actors(seed_file("replay/actors.toml"))
    return {actor.name: actor.group for actor in actors}


def at(post: Post) -> datetime:
    return datetime.fromisoformat(post["posted_at"])


def actor_of(post: Post, sources: dict[str, Any]) -> str:
    return str(sources[post["source"]].actor)


def adopters(posts: list[Post], sources: dict[str, Any], narrative: str,
             start: datetime, end: datetime) -> dict[str, datetime]:
    """Actor -> first post promoting `narrative` in [start, end), actor sources only."""
    first: dict[str, datetime] = {}
    for post in posts:
        if (narrative in post["expected_narratives"] and start <= at(post) < end
                and sources[post["source"]].role == "actor"):
            first.setdefault(actor_of(post, sources), at(post))
    return first


# ---- shape -------------------------------------------------------------------------------

def test_committed_corpus_is_what_the_generator_writes() -> None:
    committed = corpus_file().read_text(encoding="utf-8")
    assert committed == render(build()), "run: python -m seeds.replay.build_corpus"


def test_size_window_and_order(posts: list[Post]) -> None:
    assert len(posts) >= 1500
    assert Path(str(corpus_file())).stat().st_size < 3 * 1024 * 1024
    times = [at(post) for post in posts]
    assert all(t.utcoffset() == timedelta(0) for t in times)
    assert all(WINDOW[0] <= t < WINDOW[1] for t in times)
    assert times == sorted(times)
    # Every day of the window has traffic, not just the days around the events.
    assert len({t.date() for t in times}) == 71


def test_three_languages_in_sensible_shares(posts: list[Post]) -> None:
    shares = Counter(post["lang"] for post in posts)
    assert set(shares) == {"ar", "fa", "en"}
    assert shares["ar"] / len(posts) > 0.5
    assert shares["en"] / len(posts) > 0.12
    assert shares["fa"] / len(posts) > 0.07
    # The declared language is the one the text is written in.
    agree = sum(detect_language(post["text"]) == post["lang"] for post in posts)
    assert agree / len(posts) > 0.97


def test_every_source_is_seeded_and_illustrative_handles_say_so(
    posts: list[Post], sources: dict[str, Any], groups: dict[str, str]
) -> None:
    replay = {spec.handle for spec in load_sources(seed_file("replay/sources.toml"))}
    for post in posts:
        spec = sources.get(post["source"])
        assert spec is not None, f"{post['source']} is in no sources.toml"
        assert spec.platform == post["platform"]
        assert spec.actor in groups, f"{spec.actor} is in no actors.toml"
    for handle in replay:
        assert sources[handle].illustrative and handle.endswith("_demo")
    used = {post["source"] for post in posts}
    assert used == set(sources), "every seeded source posts in the replay"


def test_ids_are_unique_and_platform_shaped(posts: list[Post]) -> None:
    # Unique per platform, not only per source: channel numbering ranges do not overlap,
    # so a reader may key posts on (platform, id).
    keys = [(post["platform"], post["id"]) for post in posts]
    assert len(keys) == len(set(keys))
    by_channel: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        assert post["id"].isdigit()
        if post["platform"] == "telegram":
            by_channel[post["source"]].append(post)
        else:
            drift = abs(snowflake_time(int(post["id"])) - at(post))
            assert drift < timedelta(seconds=1), f"{post['id']} does not encode its time"
    for channel, messages in by_channel.items():
        numbers = [int(m["id"]) for m in sorted(messages, key=at)]
        assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), channel


def test_references_point_to_earlier_posts(posts: list[Post]) -> None:
    index = {(post["source"], post["id"]): post for post in posts}
    kinds: Counter[str] = Counter()
    for post in posts:
        for kind in ("forward_of", "retweet_of", "quote_of", "reply_to"):
            if kind not in post:
                continue
            kinds[kind] += 1
            original = index[(post[kind]["source"], post[kind]["id"])]
            assert at(original) < at(post)
            if kind in ("forward_of", "retweet_of"):
                assert original["platform"] == post["platform"]
                seen = [e["text"] for e in original.get("edits", []) if e["at"] <= post["posted_at"]]
                assert post["text"] == (seen[-1] if seen else original["text"])
                assert post["expected_narratives"] == original["expected_narratives"]
    assert kinds["forward_of"] >= 20 and kinds["quote_of"] >= 2
    assert kinds["retweet_of"] >= 1 and kinds["reply_to"] >= 2


def test_tura_and_sabereen_forward_each_other(posts: list[Post]) -> None:
    pairs = Counter((p["source"], p["forward_of"]["source"]) for p in posts if "forward_of" in p)
    assert pairs[("Tura313", "sabreenS1")] >= 5
    assert pairs[("sabreenS1", "Tura313")] >= 5
    narrative_forwards = [p for p in posts if "forward_of" in p and p["expected_narratives"]]
    assert len(narrative_forwards) >= 5


def test_edits_and_deletions(posts: list[Post]) -> None:
    edited = [p for p in posts if "edits" in p]
    deleted = [p for p in posts if "deleted_at" in p]
    assert len(edited) >= 20 and len(deleted) >= 10
    for post in edited:
        moments = [post["posted_at"]] + [e["at"] for e in post["edits"]]
        assert [datetime.fromisoformat(m) for m in moments] == sorted(
            datetime.fromisoformat(m) for m in moments)
        assert all(e["text"] != post["text"] for e in post["edits"])
    for post in deleted:
        assert at(post) < datetime.fromisoformat(post["deleted_at"]) < WINDOW[1]
    assert any(p["expected_narratives"] for p in deleted), "some narrative posts vanish"


def test_tweets_fit_and_narrative_posts_are_not_one_template(posts: list[Post]) -> None:
    assert all(len(p["text"]) <= 280 for p in posts if p["platform"] == "twitter")
    authored = [p for p in posts if p["expected_narratives"]
                and "forward_of" not in p and "retweet_of" not in p]
    assert len(authored) >= 120
    assert len({normalise_for_matching(p["text"]) for p in authored}) == len(authored)
    assert {n for p in posts for n in p["expected_narratives"]} == NARRATIVES


def test_report_citations_land_on_the_right_posts(posts: list[Post]) -> None:
    cited = {(p["source"], p["id"]): p for p in posts}
    expected = {
        ("Tura313", "20989"): "2021-11-07", ("Tura313", "20995"): "2021-11-07",
        ("Tura313", "21000"): "2021-11-07", ("Tura313", "21074"): "2021-11-08",
        ("sabreenS1", "33588"): "2021-10-31",
        ("alishamkhani_ir", "1457203689979056136"): "2021-11-07",
        ("Qais_alkhazali", "1456631666416537600"): "2021-11-05",
        ("omartvsd", "1457045521630171148"): "2021-11-06",
        ("CalibreObscura", "1457421555185733632"): "2021-11-07",
        ("TamerBadawi1", "1457415212798251014"): "2021-11-07",
    }
    for key, day in expected.items():
        assert key in cited, key
        assert cited[key]["posted_at"].startswith(day)
    assert "sedition" in cited[("alishamkhani_ir", "1457203689979056136")]["expected_narratives"]
    assert "us_culpability" in cited[("Tura313", "21074")]["expected_narratives"]


# ---- the signal --------------------------------------------------------------------------

def test_false_flag_warning_is_laid_down_two_days_before(
    posts: list[Post], sources: dict[str, Any]
) -> None:
    warnings = [p for p in posts if p["source"] == "Qais_alkhazali"
                and "false_flag" in p["expected_narratives"] and at(p) < ATTACK]
    assert warnings, "al-Khazali's warning is missing"
    warning = warnings[0]
    assert warning["posted_at"].startswith("2021-11-05") and "edits" not in warning
    assert timedelta(hours=24) < ATTACK - at(warning) < timedelta(hours=60)
    assert sources["Qais_alkhazali"].role == "actor"


def test_a_pre_event_post_is_edited_after_the_event_into_a_narrative(
    posts: list[Post], sources: dict[str, Any]
) -> None:
    edited_later = [
        p for p in posts
        if at(p) < ATTACK and sources[p["source"]].role == "actor" and p["expected_narratives"]
        and any(datetime.fromisoformat(e["at"]) > ATTACK for e in p.get("edits", []))
    ]
    assert edited_later
    post = edited_later[0]
    assert len(post["edits"][-1]["text"]) > len(post["text"])  # the narrative was added


def test_sedition_converges_within_24_hours(
    posts: list[Post], sources: dict[str, Any], groups: dict[str, str]
) -> None:
    found = adopters(posts, sources, "sedition", ATTACK, ATTACK + timedelta(hours=24))
    assert len(found) >= 3
    assert len({groups[actor] for actor in found}) >= 2
    assert {"Ali Shamkhani", "Hadi al-Ameri", "Shibl al-Zaidi",
            "Hossein Amir-Abdollahian"} <= set(found)
    assert found["Ali Shamkhani"] - ATTACK < timedelta(hours=6)


@pytest.mark.parametrize(
    ("narrative", "written_for"),
    [
        ("false_flag", {"Qais al-Khazali", "Kata'ib Hezbollah", "Sabereen News"}),
        ("third_party", {"Hadi al-Ameri", "Tura News"}),
        ("staged_incident", {"Kata'ib Hezbollah", "Asa'ib Ahl al-Haq", "Tura News",
                             "Sabereen News"}),
        ("us_culpability", {"Ali Shamkhani", "Hossein Amir-Abdollahian", "Tura News",
                            "Sabereen News"}),
    ],
)
def test_post_attack_narratives_have_their_adopters(
    posts: list[Post], sources: dict[str, Any], narrative: str, written_for: set[str]
) -> None:
    found = adopters(posts, sources, narrative, ATTACK, ATTACK + timedelta(hours=72))
    assert len(found) >= 2
    assert written_for <= set(found)


def test_cram_claim_blames_the_embassy_and_observers_debunk_it(
    posts: list[Post], sources: dict[str, Any]
) -> None:
    cram = re.compile(r"C-RAM|السي رام|سی‌رام", re.IGNORECASE)
    claims = [p for p in posts if cram.search(p["text"]) and at(p) > ATTACK]
    promoting = {actor_of(p, sources) for p in claims if "us_culpability" in p["expected_narratives"]}
    reporting = [p for p in claims if sources[p["source"]].role == "observer"]
    assert {"Tura News", "Sabereen News"} <= promoting
    assert reporting and all(not p["expected_narratives"] for p in reporting)


def test_un_campaign_follows_the_hawasha_attack_in_arabic_and_english(
    posts: list[Post], sources: dict[str, Any]
) -> None:
    campaign = [p for p in posts if "un_interference" in p["expected_narratives"]
                and at(p) >= MAIN]
    assert all(at(p) > HAWASHA for p in campaign)
    # Before the episode, only the odd attack on UNAMI's chief after the vote.
    early = [p for p in posts if "un_interference" in p["expected_narratives"] and at(p) < MAIN]
    assert 1 <= len(early) <= 3 and all(at(p) > VOTE for p in early)
    assert {p["lang"] for p in campaign} >= {"ar", "en"}
    assert len({actor_of(p, sources) for p in campaign}) >= 4
    assert any("election_fraud" in p["expected_narratives"] for p in campaign)


def test_regional_and_election_lines(posts: list[Post], sources: dict[str, Any]) -> None:
    def promoting(narrative: str) -> list[Post]:
        return [p for p in posts if narrative in p["expected_narratives"]]

    assert all(at(p) >= GULF_ROW for p in promoting("gulf_aggression") if at(p) >= MAIN)
    assert 1 <= sum(at(p) < MAIN for p in promoting("gulf_aggression")) <= 4  # Yemen, odd posts
    assert "Lebanese Hezbollah" in {actor_of(p, sources) for p in promoting("gulf_aggression")}
    turkish = promoting("anti_turkish_presence")
    assert any(at(p) < ZLIKAN_DAY for p in turkish)
    assert any(p["posted_at"].startswith("2021-11-07") for p in turkish)
    fraud_days = {at(p).date() for p in promoting("election_fraud")}
    assert len(fraud_days) >= 10


def test_near_identical_copies_across_actors_are_the_written_ones(
    posts: list[Post], sources: dict[str, Any]
) -> None:
    originals = [p for p in posts if "forward_of" not in p and "retweet_of" not in p]
    words = [set(normalise_for_matching(p["text"]).split()) for p in originals]
    copies: list[tuple[Post, Post]] = []
    for i, first in enumerate(originals):
        for j in range(i + 1, len(originals)):
            second = originals[j]
            if at(second) - at(first) > timedelta(hours=1):
                break
            if actor_of(first, sources) == actor_of(second, sources):
                continue
            overlap = len(words[i] & words[j]) / max(1, len(words[i] | words[j]))
            if overlap >= 0.8:
                copies.append((first, second))
    clusters = {tuple(sorted(first["expected_narratives"])) for first, _ in copies}
    assert len(copies) >= 4
    assert {("staged_incident",), ("us_culpability",)} <= clusters
    for first, second in copies:  # routine traffic never poses as a coordinated copy
        assert first["expected_narratives"] and first["expected_narratives"] == second[
            "expected_narratives"]


def test_observers_report_but_never_promote(posts: list[Post], sources: dict[str, Any]) -> None:
    observed = [p for p in posts if sources[p["source"]].role == "observer"]
    assert observed and all(not p["expected_narratives"] for p in observed)
    cues = {
        "en": re.compile(r"false flag|sedition|staged|theatre|third party|C-RAM", re.I),
        "ar": re.compile(r"مسرحية|فتنة|طرف ثالث|طرفاً ثالثاً|عملية مخابراتية|السفارة الأمريكية"),
        "fa": re.compile(r"فتنه|ساختگی|نمایشی|پرچم دروغین|طرف سوم|سی‌رام"),
    }
    for lang, cue in cues.items():
        hard = [p for p in observed if p["lang"] == lang and cue.search(p["text"])]
        assert len(hard) >= 3, f"too few {lang} hard negatives"


def test_some_actors_use_cue_words_without_promoting(
    posts: list[Post], sources: dict[str, Any]
) -> None:
    cue = re.compile(r"فتنة|الفتنة|الطرف الثالث")
    hard = [p for p in posts if sources[p["source"]].role == "actor"
            and cue.search(p["text"]) and not p["expected_narratives"]]
    assert len({actor_of(p, sources) for p in hard}) >= 2


def test_most_posts_are_routine(posts: list[Post]) -> None:
    routine = sum(not p["expected_narratives"] for p in posts)
    assert routine / len(posts) > 0.8


# ---- the early period (1 September - 23 October) -------------------------------------------

def test_early_period_is_routine_at_a_lower_rate(posts: list[Post]) -> None:
    early = [p for p in posts if at(p) < MAIN]
    main = [p for p in posts if at(p) >= MAIN]
    assert 1500 <= len(early) <= 3000
    per_day_early, per_day_main = len(early) / 53, len(main) / 18
    assert 0.25 < per_day_early / per_day_main < 0.45  # about a third of each source's rate
    assert {p["lang"] for p in early} == {"ar", "fa", "en"}
    assert len({at(p).date() for p in early}) == 53
    # Sources post in September as they do in November, and not one of them repeats a text.
    assert {p["source"] for p in early} == {p["source"] for p in main}
    originals = [(p["source"], p["text"]) for p in posts
                 if "forward_of" not in p and "retweet_of" not in p]
    assert len(originals) == len(set(originals))


def test_early_period_holds_the_odd_narrative_post(
    posts: list[Post], sources: dict[str, Any]
) -> None:
    authored = [p for p in posts if at(p) < MAIN and p["expected_narratives"]
                and "forward_of" not in p and "retweet_of" not in p]
    assert 15 <= len(authored) <= 30
    found = Counter(n for p in authored for n in p["expected_narratives"])
    assert found["election_fraud"] >= 8
    assert {"gulf_aggression", "anti_turkish_presence", "us_culpability",
            "un_interference"} <= set(found)
    # Fraud claims come with the vote and its count, except a warning a week before it.
    assert sum(at(p) < VOTE for p in authored if "election_fraud" in p["expected_narratives"]) <= 1
    # Sedition and false-flag lines stay rare far from the drone attack, so that their
    # convergence after it stands out against placebo windows drawn from this period.
    for narrative in ("sedition", "false_flag", "staged_incident", "third_party"):
        assert found[narrative] <= 1, narrative
    assert all(sources[p["source"]].role == "actor" for p in authored)


@pytest.mark.parametrize(
    ("cue", "first", "last"),
    [
        (r"الأربعين|Arbaeen|اربعین", "2021-09-10", "2021-09-30"),
        (r"النتائج الأولية|preliminary results|نتایج اولیه", "2021-10-11", "2021-11-10"),
        (r"المولد النبوي|Prophet's birthday|میلاد پیامبر", "2021-10-18", "2021-10-25"),
        (r"تشكيل الحكومة|forming a government", "2021-10-11", "2021-11-10"),
        (r"أيلول", "2021-09-01", "2021-09-30"),
    ],
)
def test_date_bound_routine_only_on_its_dates(
    posts: list[Post], cue: str, first: str, last: str
) -> None:
    pattern = re.compile(cue)
    days = {p["posted_at"][:10] for p in posts
            if pattern.search(p["text"]) and not p["expected_narratives"]}
    assert days, cue
    assert first <= min(days) and max(days) <= last, (cue, min(days), max(days))


def _readme() -> str:
    """README.md with its line breaks folded, so a figure may wrap anywhere."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    return " ".join(text.split())


def test_the_readme_states_the_corpus_as_it_is(posts: list[Post]) -> None:
    """The README's corpus figures are the corpus's (issue 14: no figure it cannot back)."""
    early = sum(at(p) < MAIN for p in posts)
    readme = _readme()
    assert f"holds {len(posts):,} posts in Arabic, Persian and English" in readme
    assert f"{len(posts) - early:,} in the episode and {early:,} from 1 September" in readme
