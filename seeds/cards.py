"""Statement cards like the ones militia outlets and officials post: a coloured band with a mark,
a headline and a paragraph, in Arabic, Persian or English, rendered with Pillow and libraqm
(Arabic and Persian shaping) in Debian's Noto fonts. The tests and bench/ocr.py read them back.

Texts are composed from short, neutral statement sentences (written for this purpose), seeded, so
that the same seed gives the same card.
"""

from __future__ import annotations

import io
import random
import textwrap
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/noto")
FONTS = {"ar": "NotoNaskhArabic-Regular.ttf", "fa": "NotoNaskhArabic-Regular.ttf",
         "en": "NotoSans-Regular.ttf"}
BOLD = {"ar": "NotoNaskhArabic-Bold.ttf", "fa": "NotoNaskhArabic-Bold.ttf", "en": "NotoSans-Bold.ttf"}

SENTENCES = {
    "ar": [
        "نؤكد أن ما جرى فجر اليوم مشروع فتنة يراد به ضرب وحدة الصف",
        "إن الطرف الثالث هو المسؤول عن هذه الأحداث المؤسفة",
        "ندعو أبناء شعبنا إلى الحذر من المخططات الخارجية",
        "السفارة الأمريكية تقف خلف زعزعة الاستقرار في البلاد",
        "نرفض وجود القوات الأجنبية على أرض العراق",
        "المقاومة لن تنجر إلى الفتنة مهما كانت الظروف",
        "نطالب بإعادة العد والفرز اليدوي لجميع المحطات",
        "الحادثة مسرحية مكشوفة لخلط الأوراق",
        "نحمل الحكومة مسؤولية حماية المتظاهرين السلميين",
        "البيان الصادر عن الهيئة يوضح موقفها من التطورات الأخيرة",
    ],
    "fa": [
        "این حادثه یک پروژه فتنه برای ایجاد اختلاف میان مردم عراق است",
        "دست پنهان بیگانگان پشت این ماجرا قرار دارد",
        "آمریکا مسئول ناامنی و بی ثباتی در منطقه است",
        "ما از همه گروه ها می خواهیم که هوشیار باشند",
        "این اقدام تروریستی را به شدت محکوم می کنیم",
        "حضور نیروهای خارجی در عراق باید پایان یابد",
        "مردم عراق اجازه نمی دهند که فتنه گران به هدف خود برسند",
        "این نمایش برای فریب افکار عمومی طراحی شده است",
        "سخنگوی وزارت امور خارجه در نشست خبری امروز سخن گفت",
        "امنیت عراق امنیت منطقه است",
    ],
    "en": [
        "We affirm that what happened at dawn today is a project of sedition",
        "A third party is responsible for these regrettable events",
        "We call on our people to beware of foreign schemes",
        "The American embassy stands behind the destabilisation of the country",
        "We reject the presence of foreign forces on the soil of Iraq",
        "The resistance will not be dragged into strife whatever happens",
        "We demand a manual recount of every polling station",
        "The incident is an exposed piece of theatre meant to confuse",
        "We hold the government responsible for protecting peaceful protesters",
        "The statement issued today explains our position on recent developments",
    ],
}
HEADLINES = {"ar": "بيان", "fa": "بیانیه", "en": "Statement"}
BANDS = [(120, 20, 20), (20, 60, 110), (20, 90, 50), (60, 60, 60)]


@dataclass(frozen=True, slots=True)
class Card:
    lang: str
    text: str  # the paragraph as written (the headline apart)
    headline: str
    png: bytes


def card_text(lang: str, rng: random.Random, sentences: int = 2) -> str:
    return "\n".join(rng.sample(SENTENCES[lang], sentences))


def render_card(lang: str, text: str, *, headline: str | None = None, width: int = 1000,
                size: int = 34, band: tuple[int, int, int] = BANDS[0]) -> Card:
    """A PNG card: band with a round mark and the headline, then the paragraph, lines wrapped."""
    font = ImageFont.truetype(str(FONT_DIR / FONTS[lang]), size, layout_engine=ImageFont.Layout.RAQM)
    bold = ImageFont.truetype(str(FONT_DIR / BOLD[lang]), size + 8,
                              layout_engine=ImageFont.Layout.RAQM)
    rtl = lang in ("ar", "fa")
    direction = "rtl" if rtl else "ltr"
    wrapped = [piece for line in text.split("\n")
               for piece in textwrap.wrap(line, width=44 if rtl else 50)]
    line_height = int(size * 1.9)
    height = 140 + line_height * len(wrapped) + 60
    image = Image.new("RGB", (width, height), (250, 250, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 100), fill=band)
    mark_x = width - 90 if rtl else 20
    draw.ellipse((mark_x, 15, mark_x + 70, 85), fill=(235, 200, 60))
    title = headline or HEADLINES[lang]
    title_w = draw.textlength(title, font=bold, direction=direction)
    title_x = width - 120 - title_w if rtl else 110
    draw.text((title_x, 22), title, font=bold, fill=(255, 255, 255), direction=direction)
    y = 140
    for line in wrapped:
        line_w = draw.textlength(line, font=font, direction=direction)
        x = width - 50 - line_w if rtl else 50
        draw.text((x, y), line, font=font, fill=(20, 20, 20), direction=direction)
        y += line_height
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return Card(lang, "\n".join(wrapped), title, out.getvalue())


def random_card(lang: str, rng: random.Random) -> Card:
    return render_card(lang, card_text(lang, rng), band=rng.choice(BANDS))
