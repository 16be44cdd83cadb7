"""The early period of the routine traffic: 1 September - 23 October 2021.

Significance (storage/convergence/significance.py) compares an event's adopters with
placebo windows drawn from the trailing 90 days inside the collected period, so the corpus
reaches back to 1 September with ordinary traffic. To keep the demo's tagging cheap, each
source posts there at EARLY_RATE of its own daily rate.

SLOTS replace slot values before 24 October (a hotter September, higher COVID counts,
earlier league rounds, no sit-in yet); BANKS add templates for the period's dates, all
written fresh: English and Persian here, Arabic in routine_early_ar. Markers as in
routine_ar.
"""

from __future__ import annotations

from datetime import UTC, datetime

from seeds.replay import routine_early_ar

EARLY_FIRST_DAY = datetime(2021, 9, 1, tzinfo=UTC)
EARLY_DAYS = 53  # 1 September to 23 October inclusive
EARLY_RATE = 1 / 3

_EN_SLOTS: dict[str, tuple[str, ...]] = {
    "cases": ("2,487", "2,904", "3,062", "3,471", "3,829", "4,118", "4,560", "2,716",
              "3,235", "2,158"),
    "topic": (
        "PMF salaries", "the Sinjar agreement", "water shortages in the south",
        "Kurdish budget transfers", "the Basra power grid", "tribal disputes in Maysan",
        "ISIS remnants in the Hamrin mountains", "the dinar devaluation",
        "Turkish operations in Duhok", "the election campaign in the south",
    ),
}

_EN_BANKS: dict[str, tuple[str, ...]] = {
    "wire": (
        "[09-01..09-02]Remnants of Hurricane Ida bring deadly flash floods to New York",
        "[09-07..09-08]Taliban name an interim government in Afghanistan",
        "[09-15..09-17]US, UK and Australia announce a security pact; France fumes over lost submarines",
        "[09-21..09-22]World leaders gather in New York for the General Assembly's annual debate",
        "[09-26..09-27]Germany's Social Democrats narrowly win the federal election",
        "[10-04..10-05]Facebook, WhatsApp and Instagram back after a six-hour global outage",
        "[10-08..10-09]Nobel Peace Prize goes to journalists Maria Ressa and Dmitry Muratov",
        "[09-05..09-06]Islamic State attack kills federal police officers in Iraq's Kirkuk province",
        "[09-26..09-28]Millions of pilgrims converge on Karbala for Arbaeen",
        "[09-01..10-07]Iraqi candidates campaign in {province} ahead of the October 10 vote",
        "[09-01..09-20]Iraq's power grid strains as temperatures top 45C in {province}",
        "[10-08..10-08]Iraqi security forces and displaced people cast ballots in special voting",
        "[10-10..10-10]Polls close in Iraq's early parliamentary election; turnout appears low",
        "[10-11..10-12]Sadr's movement leads Iraq's preliminary results; turnout put at 41%",
        "[10-13..10-23]Iraq's election commission begins hand counts at stations under appeal",
    ),
    "analyst": (
        "[09-01..10-07]Posters for {group}-linked candidates all over {province}. Worth documenting.",
        "[09-18..09-28]{group} media is almost entirely Arbaeen content this week.",
        "[10-01..10-09]Which PMF factions field candidates, and on which lists: a short guide (1/5)",
        "[10-11..10-23]First take on the preliminary results: Fatah lost heavily, Sadrists gained.",
    ),
    "official": (
        "[09-16..09-18]Full membership of the Shanghai Cooperation Organisation opens a new chapter.",
        "[09-20..09-25]In New York this week for talks with counterparts at the General Assembly.",
        "[10-11..10-12]We congratulate the people of Iraq on holding their elections in a calm atmosphere.",
    ),
    "premier": (
        "[10-10..10-10]I cast my vote today. These are the early elections we promised Iraqis.",
        "[09-24..09-28]Thank you to all who served the millions of Arbaeen pilgrims, and to our forces.",
    ),
}

_FA_SLOTS: dict[str, tuple[str, ...]] = {
    "cases": ("۱۱۷۲۹", "۱۲۴۸۸", "۱۴۲۶۷", "۱۶۰۳۴", "۱۸۹۰۱", "۱۹۶۴۲", "۲۱۳۵۸", "۱۳۵۱۶"),
    "deaths": ("۲۱۹", "۲۳۷", "۲۸۴", "۳۰۶", "۳۵۱", "۳۸۸", "۴۱۲", "۲۶۵"),
}

_FA_BANKS: dict[str, tuple[str, ...]] = {
    "news": (
        "[09-22..09-24]سال تحصیلی جدید با بازگشایی مدارس در اول مهر آغاز شد",
        "[09-02..09-03]تیم ملی فوتبال با پیروزی مقابل سوریه مقدماتی جام جهانی را آغاز کرد",
        "[09-06..09-08]تیم ملی فوتبال در دوحه به مصاف عراق رفت",
        "[10-06..10-07]تیم ملی فوتبال برای دیدار با امارات در تهران آماده می‌شود",
        "[09-15..09-30]واکسیناسیون دانش‌آموزان در {city} آغاز شد",
        "[09-25..09-30]بازگشت زائران اربعین از مرز مهران ادامه دارد",
        "[09-16..09-18]ایران به عضویت دائم سازمان همکاری شانگهای درآمد",
        "[10-11..10-12]انتخابات پارلمانی عراق با مشارکت ۴۱ درصدی برگزار شد",
        "[10-11..10-14]نتایج اولیه انتخابات عراق: جریان صدر بیشترین کرسی‌ها را به دست آورد",
        "[09-01..10-15]دیدار تدارکاتی: {team} مقابل {team} به میدان رفت",
    ),
    "official": (
        "[09-16..09-18]عضویت دائم ایران در سازمان همکاری شانگهای گام مهمی برای همگرایی منطقه‌ای است.",
        "[09-20..09-25]در نیویورک و در حاشیه نشست مجمع عمومی با همتایانم دیدار کردم.",
        "[09-24..09-28]زیارت اربعین امسال نیز نماد پیوند دو ملت ایران و عراق بود.",
        "[10-11..10-12]برگزاری انتخابات عراق در فضایی آرام را به مردم این کشور تبریک می‌گوییم.",
        "[10-18..10-23]هفته وحدت فرصتی برای همدلی امت اسلامی است؛ میلاد پیامبر اعظم (ص) پیشاپیش مبارک.",
    ),
}

SLOTS: dict[str, dict[str, tuple[str, ...]]] = {
    "ar": routine_early_ar.SLOTS, "en": _EN_SLOTS, "fa": _FA_SLOTS,
}
BANKS: dict[str, dict[str, tuple[str, ...]]] = {
    "ar": routine_early_ar.BANKS, "en": _EN_BANKS, "fa": _FA_BANKS,
}
