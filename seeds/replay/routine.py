"""The routine traffic of every source: most of the corpus, and none of the signal.

Each source has a profile (how often it posts, when, in which languages, from which
banks, how it dresses a post). Posts are composed from the sentence banks with a seeded
generator, so the corpus is the same on every build.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from seeds.replay import routine_ar, routine_early, routine_en, routine_fa
from seeds.replay.drafts import Draft
from seeds.replay.routine_early import EARLY_DAYS, EARLY_FIRST_DAY, EARLY_RATE

FIRST_DAY = datetime(2021, 10, 24, tzinfo=UTC)
DAYS = 18  # 24 October to 10 November inclusive
BUSY_DAYS = (datetime(2021, 11, 5, tzinfo=UTC), datetime(2021, 11, 8, tzinfo=UTC))

_SLOTS: dict[str, Mapping[str, Sequence[str]]] = {
    "ar": routine_ar.SLOTS, "fa": routine_fa.SLOTS, "en": routine_en.SLOTS,
}
# Before FIRST_DAY some slots hold other values (a hotter September, higher COVID counts).
_EARLY_SLOTS: dict[str, Mapping[str, Sequence[str]]] = {
    lang: {**slots, **routine_early.SLOTS[lang]} for lang, slots in _SLOTS.items()
}
# The early period's templates are appended to each bank; their date markers keep them
# out of the main period, so its posts are the same as without them.
_BANKS: dict[str, Mapping[str, Sequence[str]]] = {
    lang: {name: (*bank, *routine_early.BANKS[lang].get(name, ()))
           for name, bank in banks.items()}
    for lang, banks in (("ar", routine_ar.BANKS), ("fa", routine_fa.BANKS),
                        ("en", routine_en.BANKS))
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Profile:
    source: str
    per_day: tuple[int, int]
    mix: tuple[tuple[str, str, int], ...]  # (language, bank, weight)
    hours: tuple[int, int] = (4, 21)  # active UTC hours [start, end)
    style: str = "person"  # channel | outlet | person | analyst
    views: tuple[int, int] | None = None  # Telegram view counts
    link_base: str | None = None
    signature: str = ""
    hashtags: tuple[str, ...] = routine_ar.SUFFIXES


# Posts a source would not make while its own news is breaking.
QUIET: dict[str, tuple[datetime, datetime]] = {
    # Tura's numbering has to meet the message ids the seed report cites that night.
    "Tura313": (datetime(2021, 11, 7, 2, 0, tzinfo=UTC), datetime(2021, 11, 7, 7, 0, tzinfo=UTC)),
    "MKadhimi_demo": (datetime(2021, 11, 6, 23, 0, tzinfo=UTC),
                      datetime(2021, 11, 8, 0, 0, tzinfo=UTC)),
}

_CHANNEL_AR = (("ar", "security", 5), ("ar", "pmf", 3), ("ar", "politics", 3),
               ("ar", "services", 2), ("ar", "regional", 3), ("ar", "religious", 2),
               ("ar", "condolence", 2), ("ar", "sport", 1), ("ar", "economy", 1),
               ("ar", "health", 1), ("ar", "weather", 1))
_OUTLET_AR = (("ar", "security", 4), ("ar", "politics", 4), ("ar", "services", 3),
              ("ar", "economy", 2), ("ar", "sport", 2), ("ar", "health", 2),
              ("ar", "weather", 1), ("ar", "regional", 2))
_LEADER_AR = (("ar", "leader", 6), ("ar", "religious", 1), ("ar", "condolence", 1))

PROFILES: tuple[Profile, ...] = (
    Profile("Tura313", (17, 23), _CHANNEL_AR, (3, 22), "channel", (3_000, 26_000),
            signature="\n\n✅ تابعونا @Tura313"),
    Profile("sabreenS1", (17, 23), _CHANNEL_AR, (2, 23), "channel", (9_000, 64_000),
            signature="\n\n📡 صابرين نيوز"),
    Profile("kataibhezbollah_demo", (1, 4),
            (("ar", "pmf", 3), ("ar", "condolence", 2), ("ar", "religious", 2)),
            (6, 19), "channel", (4_000, 31_000)),
    Profile("lh_media_demo", (5, 8),
            (("ar", "lebanon", 4), ("ar", "regional", 3), ("ar", "religious", 1),
             ("ar", "condolence", 1)),
            (5, 21), "channel", (2_000, 15_000), signature="\n\n🟡 الإعلام المقاوم",
            hashtags=routine_ar.LEBANESE_SUFFIXES),
    Profile("alnoornews_demo", (4, 7), _OUTLET_AR, (4, 20), "channel", (800, 7_500),
            link_base="https://alnoor-news.example/archives/"),
    Profile("Qais_alkhazali", (1, 3), _LEADER_AR, (7, 19)),
    Profile("HadiAmeri_demo", (1, 2), _LEADER_AR, (7, 18)),
    Profile("ShiblZaidi_demo", (1, 2), _LEADER_AR, (7, 20)),
    Profile("AAH_spox_demo", (1, 2),
            (("ar", "leader", 3), ("ar", "pmf", 2), ("ar", "condolence", 1)), (7, 20)),
    Profile("MSadr_demo", (0, 2), (("ar", "leader", 4), ("ar", "religious", 2)), (8, 18)),
    Profile("MKadhimi_demo", (1, 3), (("ar", "government", 7), ("en", "premier", 3)),
            (6, 19)),
    Profile("alishamkhani_ir", (1, 3), (("fa", "official", 7), ("en", "official", 3)),
            (5, 18)),
    Profile("AmirAbdoll_demo", (1, 3),
            (("fa", "official", 6), ("en", "official", 3), ("ar", "diplomat", 1)), (5, 19)),
    Profile("omartvsd", (3, 5), (("ar", "politics", 3), ("ar", "security", 2),
                                 ("ar", "services", 2), ("en", "analyst", 3)), (5, 22),
            "analyst"),
    Profile("CalibreObscura", (2, 5), (("en", "analyst", 1),), (9, 23), "analyst"),
    Profile("TamerBadawi1", (2, 4), (("en", "analyst", 4), ("ar", "politics", 1)), (7, 22),
            "analyst"),
    Profile("ShafaqNews_demo", (6, 10), (*_OUTLET_AR, ("en", "wire", 11)), (4, 21),
            "outlet", link_base="https://shafaq-news.example/"),
    Profile("AlAraby_demo", (4, 7), _OUTLET_AR, (5, 22), "outlet",
            link_base="https://alaraby.example/politics/"),
    Profile("Wataniq_demo", (3, 5), _OUTLET_AR, (5, 20), "outlet",
            link_base="https://wataniq.example/news/"),
    Profile("Wire_EN_demo", (5, 8), (("en", "wire", 1),), (0, 24), "outlet",
            link_base="https://wire.example/world/"),
    Profile("Wire_FA_demo", (8, 11), (("fa", "news", 1),), (3, 20), "outlet",
            link_base="https://wire.example/persian/"),
)


_MARKER = re.compile(r"^\[(?:(fri)|(\d\d-\d\d)\.\.(\d\d-\d\d))\]")


def _fits(template: str, at: datetime) -> bool:
    """Whether a template's date marker (if any) allows posting it at `at`."""
    marker = _MARKER.match(template)
    if marker is None:
        return True
    if marker.group(1):
        return at.weekday() == 4
    return marker.group(2) <= at.strftime("%m-%d") <= marker.group(3)


class _Filler:
    """Fills templates. A source never repeats a text, and two different sources avoid the
    same template within an hour (so routine near-duplicates do not pose as coordinated
    copies; tests/test_replay_corpus.py checks that none does)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[tuple[str, str, int], list[tuple[datetime, str]]] = {}
        self.texts: set[tuple[str, str]] = set()

    def compose(self, lang: str, bank: str, source: str, at: datetime) -> str:
        templates = _BANKS[lang][bank]
        eligible = [i for i, template in enumerate(templates) if _fits(template, at)]
        for attempt in range(300):
            index = self.rng.choice(eligible)
            uses = self.used.setdefault((lang, bank, index), [])
            # Late attempts give up on spreading templates, never on unique texts.
            if attempt < 150 and any(other != source and abs(at - when) <= timedelta(hours=1)
                                     for when, other in uses):
                continue
            slots = _SLOTS[lang] if at >= FIRST_DAY else _EARLY_SLOTS[lang]
            text = self._fill(_MARKER.sub("", templates[index]), slots)
            if (source, text) in self.texts:
                continue
            uses.append((at, source))
            self.texts.add((source, text))
            return text
        raise RuntimeError(f"bank {lang}/{bank} too small for {source} at {at}")

    def _fill(self, template: str, slots: Mapping[str, Sequence[str]]) -> str:
        taken: dict[str, set[str]] = {}

        def pick(match: re.Match[str]) -> str:
            name = match.group(1)
            seen = taken.setdefault(name, set())
            value = self.rng.choice([v for v in slots[name] if v not in seen])
            seen.add(value)
            return value

        return _PLACEHOLDER.sub(pick, template)


def _dress(profile: Profile, lang: str, text: str, rng: random.Random) -> str:
    if profile.style == "channel" and lang == "ar":
        text = rng.choice(routine_ar.PREFIXES) + text + rng.choice(profile.hashtags)
        if profile.signature and rng.random() < 0.6:
            text += profile.signature
    elif profile.style == "outlet":
        if lang == "fa":
            text = rng.choice(routine_fa.PREFIXES) + text + rng.choice(routine_fa.SUFFIXES)
        elif lang == "ar" and profile.source == "ShafaqNews_demo":
            text = "شفق نيوز/ " + text
        elif lang == "en" and profile.source == "ShafaqNews_demo":
            text = "Shafaq News/ " + text
    elif profile.style == "person" and lang == "ar" and rng.random() < 0.15:
        text += rng.choice(routine_ar.SUFFIXES[3:])
    return text


def _edit(lang: str, text: str, rng: random.Random) -> str:
    """A small correction of the kind editors make minutes after posting."""
    note = {"ar": " (محدث)", "fa": " (به‌روزرسانی شد)", "en": " (updated)"}[lang]
    return text.replace("  ", " ") + note if rng.random() < 0.6 else text + " ."


def routine_posts(seed: int = 1107) -> list[Draft]:
    """The main period (24 October - 10 November) at each source's own rate, then the early
    period (1 September - 23 October) at EARLY_RATE of it, from a generator of its own so
    that the main period's posts do not depend on the early ones."""
    rng = random.Random(seed)  # noqa: S311 - reproducible fiction, not security
    filler = _Filler(rng)
    drafts = _period(FIRST_DAY, DAYS, 1.0, rng, filler)
    _forward_between_channels(drafts, rng, FIRST_DAY + timedelta(days=DAYS - 1), 14)
    early_rng = random.Random(seed + 1)  # noqa: S311 - reproducible fiction, not security
    filler.rng = early_rng  # the same filler: no source repeats a text across periods
    early = _period(EARLY_FIRST_DAY, EARLY_DAYS, EARLY_RATE, early_rng, filler)
    _forward_between_channels(early, early_rng, FIRST_DAY, 8)
    return drafts + early


def _period(first_day: datetime, days: int, rate: float, rng: random.Random,
            filler: _Filler) -> list[Draft]:
    """Every source's posts over `days` days from `first_day`; with `rate` below 1 each
    post of a day's draw is kept with that probability."""
    drafts: list[Draft] = []
    for profile in PROFILES:
        weights = [weight for _, _, weight in profile.mix]
        for day in range(days):
            start = first_day + timedelta(days=day)
            count = rng.randint(*profile.per_day)
            if BUSY_DAYS[0] <= start <= BUSY_DAYS[1] and profile.style != "person":
                count += count // 3
            if rate < 1.0:
                count = sum(rng.random() < rate for _ in range(count))
            for _ in range(count):
                lang, bank, _weight = rng.choices(profile.mix, weights)[0]
                span = (profile.hours[1] - profile.hours[0]) * 3600
                at = start + timedelta(hours=profile.hours[0], seconds=rng.randrange(span))
                quiet = QUIET.get(profile.source)
                if quiet is not None and quiet[0] <= at < quiet[1]:
                    continue
                text = _dress(profile, lang, filler.compose(lang, bank, profile.source, at), rng)
                draft = Draft(source=profile.source, at=at, lang=lang, text=text)
                _decorate(draft, profile, rng)
                drafts.append(draft)
    return drafts


def _decorate(draft: Draft, profile: Profile, rng: random.Random) -> None:
    if profile.views is not None:
        draft.views = rng.randint(*profile.views)
    roll = rng.random()
    draft.media = "photo" if roll < 0.22 else "video" if roll < 0.30 else None
    if profile.link_base is not None and rng.random() < 0.7:
        draft.links = [f"{profile.link_base}{rng.randrange(100_000, 999_999)}"]
    last_day = FIRST_DAY + timedelta(days=DAYS)
    if rng.random() < 0.03:
        edited_at = draft.at + timedelta(minutes=rng.randint(2, 40))
        if edited_at < last_day:
            draft.edits = [(edited_at, _edit(draft.lang, draft.text, rng))]
    elif rng.random() < 0.015:
        deleted_at = draft.at + timedelta(hours=rng.randint(1, 30))
        draft.deleted_at = deleted_at if deleted_at < last_day else None


def _forward_between_channels(drafts: list[Draft], rng: random.Random, before: datetime,
                              each: int) -> None:
    """Tura News and Sabereen News pass each other's routine posts along most days: `each`
    posts either way, of those posted before `before`."""
    pairs = (("Tura313", "sabreenS1"), ("sabreenS1", "Tura313"))
    originals = {name: [d for d in drafts if d.source == name and d.deleted_at is None
                        and d.at < before]
                 for name, _ in pairs}
    period = "" if before > FIRST_DAY else "early-"
    for number, (origin, forwarder) in enumerate(pairs):
        for index, original in enumerate(rng.sample(originals[origin], each)):
            original.key = original.key or f"routine-{period}{origin}-{number}-{index}"
            forward = Draft(source=forwarder,
                            at=original.at + timedelta(minutes=rng.randint(3, 90)),
                            lang="", text="", forward_of=original.key)
            forward.views = rng.randint(2_000, 20_000)
            drafts.append(forward)
