"""Text normalisation shared by search, copy detection and classification.

Arabic and Persian are written with many interchangeable forms; folding them lets one
query, one hash and one cue phrase match every spelling.
"""

from __future__ import annotations

import re
import unicodedata

# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef) and Quranic marks.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_ZW = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2066-\u2069\ufeff]")
_FOLD = str.maketrans(
    {
        "\u0622": "\u0627",  # آ -> ا
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0671": "\u0627",  # ٱ -> ا
        "\u0649": "\u064a",  # ى -> ي
        "\u06cc": "\u064a",  # Persian ی -> ي
        "\u06a9": "\u0643",  # Persian ک -> ك
        "\u0629": "\u0647",  # ة -> ه
        "\u06c0": "\u0647",  # ۀ -> ه
        "\u0624": "\u0648",  # ؤ -> و
        "\u0626": "\u064a",  # ئ -> ي
        # Arabic-Indic and Persian digits -> ASCII
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def normalise(text: str) -> str:
    """Lower-cased, diacritic-free, letter-folded text with single spaces.

    ZWNJ (Persian half-space) becomes a space so that «می‌گویند» and «می گویند» agree.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _ZW.sub(" ", text)
    text = text.replace(_TATWEEL, "")
    text = _DIACRITICS.sub("", text)
    text = text.translate(_FOLD)
    text = text.casefold()
    return _SPACE.sub(" ", text).strip()


def normalise_for_matching(text: str) -> str:
    """normalise() without URLs and punctuation: for copy detection and hashing."""
    text = _URL.sub(" ", normalise(text))
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_ONLY = re.compile("[\u067e\u0686\u0698\u06af\u06cc\u06a9\u200c]")  # پ چ ژ گ ی ک ZWNJ
_LATIN = re.compile("[A-Za-z]")
_PERSIAN_WORDS = re.compile(
    r"(?:^|\s)(است|این|را|که|می|های|برای|با|از|شده|کرد|ایران|آمریکا)(?:\s|$)"
)
_ARABIC_WORDS = re.compile(r"(?:^|\s)(الذي|التي|هذا|هذه|على|في|إلى|الى|عن|ان|أن|قال)(?:\s|$)")


def detect_language(text: str) -> str:
    """'ar', 'fa', 'en' or 'und', by script and a few function words."""
    arabic_script = len(_ARABIC_SCRIPT.findall(text))
    latin = len(_LATIN.findall(text))
    if arabic_script == 0 and latin == 0:
        return "und"
    if latin > arabic_script:
        return "en"
    persian_marks = len(_PERSIAN_ONLY.findall(text)) + 2 * len(_PERSIAN_WORDS.findall(text))
    arabic_marks = len(_ARABIC_WORDS.findall(text)) * 2 + text.count("\u0629") + text.count("\u0649")
    return "fa" if persian_marks > arabic_marks else "ar"
