"""A hand-built episode for the event page (tests/test_console_event_page.py and
tests/test_browser_event_page.py): the drone attack at T0 with the Green Zone storming
attempt 35 h before it and rockets on Zlikan 12.5 h after it, inside the report's window.

- sedition: eleven actors adopt between +4.5 h and +12.2 h, each naming the drone attack
  ("المسيرة"), all with the phrase «مؤامرة الفتنة» as they wrote it (ta marbuta and hamza,
  which the stored tokens fold to ه and و); Kata'ib Hezbollah posted it twice before T0 (once
  inside the Green Zone window, once edited after the event) and adopts at +5 h: three posts,
  one row; an observer (a journalist) carries it too and is never counted; one more actor
  names Zlikan at +13 h and answers that event instead.
- gulf_aggression: a single post 60 h before, no convergence after: "other narrative posts
  before the event".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from storage.database import Database
from tests.convergence_scenarios import add_event, add_narrative, tag
from tests.factories import add_source, at, post, write

T0 = "2021-11-06T23:30:00Z"
PHRASE_WRITTEN = "مؤامرة الفتنة"
PHRASE_STORED = "موامره الفتنه"
# Eleven different sentences around the one shared phrase (no two near-identical).
OPENINGS = (
    "بيان عاجل حول استهداف منزل الكاظمي بالمسيرة",
    "ما حصل فجر اليوم بالطائرة المسيرة ليس إلا",
    "نحذر أبناء شعبنا: قصة المسيرة على الخضراء",
    "الهجوم المزعوم بالمسيرة مسرحية مكشوفة وهو",
    "لا تنخدعوا بحكاية المسيرة فهي",
    "الإعلام المأجور يروج لرواية المسيرة ضمن",
    "يا أهلنا في بغداد انتبهوا، المسيرة جزء من",
    "المسيرة التي سقطت على بيت رئيس الوزراء",
    "تسويق قصة المسيرة للرأي العام يخدم",
    "رواية المسيرة تأتي بعد خسارة الانتخابات ضمن",
    "إنها المسيرة يا سادة، فصل جديد في",
)
CLOSINGS = (
    "ضد المقاومة", "والفاعل معروف", "التي حذرنا منها", "لضرب الحشد", "والسفارة تعرف",
    "فلا تصدقوا", "وسيفشل", "لتبرير القمع", "كما في تشرين", "برعاية الخارج",
    "يجب كشفها",
)
GROUPS = ("iraqi_militia", "militia_media", "iran_official", "iraqi_politician",
          "militia_media", "iraqi_militia", "iran_official", "militia_media",
          "iraqi_politician", "iraqi_militia", "militia_media")


@dataclass(frozen=True)
class Episode:
    drone: int
    green_zone: int
    zlikan: int
    dismissed: int


def hours_after(hours: float) -> str:
    return (at(T0) + timedelta(hours=hours)).isoformat()


def build(db: Database) -> Episode:
    add_narrative(db, "sedition", 0.5)
    add_narrative(db, "gulf_aggression", 0.5)
    green_zone = add_event(db, "Green Zone storming attempt", hours_after(-35),
                           keywords={"en": ["green zone"], "ar": ["المنطقة الخضراء"]})
    drone = add_event(db, "Drone attack on PM residence", T0,
                      keywords={"en": ["drone"], "ar": ["مسيرة"]})
    zlikan = add_event(db, "Rockets at Zlikan base", hours_after(12.5),
                       keywords={"en": ["zlikan"], "ar": ["زليكان"]})
    dismissed = add_event(db, "Rumoured blast", hours_after(20), status="dismissed")
    records = []
    for i in range(11):
        handle = "kataib_h" if i == 1 else f"actor{i:02d}"
        name = "Kata'ib Hezbollah" if i == 1 else f"Actor {i:02d}"
        add_source(db, "telegram", handle, name, GROUPS[i])
        lag = 4.5 + i * 0.77  # +4.5 h to +12.2 h
        text = f"{OPENINGS[i]} {PHRASE_WRITTEN} {CLOSINGS[i]}"
        records.append(post(handle, f"a{i}", hours_after(lag), text, lang="ar"))
    add_source(db, "telegram", "late_zl", "Late Actor", "iraqi_militia")
    add_source(db, "twitter", "janabi_obs", "Omar al-Janabi", "journalist", role="observer")
    add_source(db, "telegram", "gulf_watch", "Gulf Watch", "militia_media")
    records += [
        # Kata'ib Hezbollah before T0: once in the Green Zone window, once edited after T0.
        post("kataib_h", "p1", hours_after(-32.9),
             "سيستهدفون بيت الكاظمي ويتهمون المقاومة: فتنة قادمة في المنطقة الخضراء",
             lang="ar"),
        post("kataib_h", "p2", hours_after(-10), "انتبهوا من مشروع الفتنة بين الإخوة",
             lang="ar", edited_at=at(hours_after(3))),
        post("late_zl", "z1", hours_after(13), "صواريخ زليكان فتنة يراد بها ضرب العراق",
             lang="ar"),
        post("janabi_obs", "o1", hours_after(6),
             "Militia channels call the drone attack a plot of sedition", lang="en",
             platform="twitter"),
        post("gulf_watch", "g1", hours_after(-60), "العدوان السعودي على اليمن مستمر",
             lang="ar"),
    ]
    write(db, *records)
    for i in range(11):
        tag(db, "kataib_h" if i == 1 else f"actor{i:02d}", f"a{i}", "sedition", 0.9)
    for handle, native in (("kataib_h", "p1"), ("kataib_h", "p2"), ("late_zl", "z1"),
                           ("janabi_obs", "o1")):
        tag(db, handle, native, "sedition", 0.8)
    tag(db, "gulf_watch", "g1", "gulf_aggression", 0.8)
    return Episode(drone, green_zone, zlikan, dismissed)
