"""Hand-written signal: statement cards, photos whose text is the statement (issue 17).

Fiction for the demonstration, written fresh. The captions say nothing a tagger could read a
narrative from; the claim is printed on the card. On the afternoon after the attack three
militia outlets post the same card within half an hour (one card, three channels: the
image copies of the event page); a routine service card in September carries no narrative.
"""

from __future__ import annotations

from seeds.replay.drafts import Draft, post

SED = ("sedition",)

# The card the three outlets share: one line of the coordination committee's statement.
COMMITTEE_CARD = """
إن استهداف منزل رئيس الوزراء حلقة في مخطط الفتنة الذي يريد ضرب البيت الشيعي من الداخل.
نحذّر من الانجرار إلى اقتتال الإخوة، فهذا ما يريده أعداء العراق، ولن تنجح الفتنة ما دام
الصف موحداً."""

SERVICE_CARD = """
مواكب الخدمة على طريق بغداد كربلاء: توزيع وجبات الطعام والمياه للزائرين من العمود الأول
حتى العمود الثلاثمئة، وتبدأ الخدمة بعد صلاة الفجر يومياً حتى منتصف الليل."""


def card_posts() -> list[Draft]:
    return [
        post("lh_media_demo", "2021-09-24 09:15", "ar", "جدول الخدمة 👇", card=SERVICE_CARD),
        post("Tura313", "2021-11-07 13:10", "ar", "📌 بيان صادر قبل قليل", SED,
             card=COMMITTEE_CARD),
        post("sabreenS1", "2021-11-07 13:25", "ar", "🔻 بيان", SED, card=COMMITTEE_CARD),
        post("lh_media_demo", "2021-11-07 13:40", "ar", "ننشر نص البيان كما وصلنا 👇", SED,
             card=COMMITTEE_CARD),
    ]
