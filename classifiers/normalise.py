"""Text normalisation shared by search, copy detection and classification.

Arabic and Persian are written with many interchangeable forms; folding them lets one
query, one hash and one cue phrase match every spelling.
"""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans(
    {
        # Zero-width spaces and direction marks become spaces (ZWNJ is a Persian
        # half-space); joiners (ZWJ, word joiner, zero-width no-break space) never part a
        # word, so they vanish: «الح<ZWJ>شد» is «الحشد». Tatweel and diacritics vanish too.
        # One translate() pass does it all.
        **dict.fromkeys("\u200b\u200c\u200e\u200f\u2066\u2067\u2068\u2069", " "),
        **dict.fromkeys("\u200d\u2060\ufeff"),
        "\u0640": None,
        **{chr(c): None for c in (*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670,
                                  *range(0x06D6, 0x06EE))},
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


# str.translate looks every character up in a dict (slow for non-ASCII text); deleting with
# one regex and replacing only the characters present gives the same result 3x faster.
_FOLD_DELETE = re.compile("[" + "".join(chr(k) for k, v in _FOLD.items() if v is None) + "]")
_FOLD_PAIRS = tuple((chr(k), v if isinstance(v, str) else chr(v))
                    for k, v in _FOLD.items() if v is not None)
_FOLD_ANY = re.compile("[" + re.escape("".join(k for k, _ in _FOLD_PAIRS)) + "]")


def _fold(text: str) -> str:
    text = _FOLD_DELETE.sub("", text)
    if _FOLD_ANY.search(text) is None:
        return text
    for old, new in _FOLD_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text


def normalise(text: str) -> str:
    """Lower-cased, diacritic-free, letter-folded text with single spaces.

    ZWNJ (Persian half-space) becomes a space so that «می‌گویند» and «می گویند» agree.
    """
    if not text.isascii():
        text = _fold(unicodedata.normalize("NFKC", text))
    return " ".join(text.casefold().split())


def normalise_for_matching(text: str, *, already_normalised: bool = False) -> str:
    """normalise() without URLs and punctuation: for copy detection and hashing."""
    text = text if already_normalised else normalise(text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    return " ".join(_PUNCT.sub(" ", text).split())


_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_ONLY_CHARS = "\u067e\u0686\u0698\u06af\u06cc\u06a9\u200c"  # پ چ ژ گ ی ک ZWNJ
_LATIN = re.compile("[A-Za-z]")
_DETECT_CHARS = 1500
# Function words, counted as whole words.
_PERSIAN_WORD_SET = frozenset("است|این|را|که|می|های|برای|با|از|شده|کرد|ایران|آمریکا".split("|"))
_ARABIC_WORD_SET = frozenset("الذي|التي|هذا|هذه|على|في|إلى|الى|عن|ان|أن|قال".split("|"))


_NOT_LATIN_BYTES = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
_ARABIC_LEAD_BYTES = b"\xd8\xd9\xda\xdb"  # UTF-8 lead bytes of U+0600..U+06FF
_RARE_ARABIC_LEAD_BYTES = (b"\xdd", b"\xef")  # U+0740..077F and presentation forms


def _script_counts(text: str) -> tuple[int, int]:
    """(Arabic-script characters, Latin letters), counted on UTF-8 bytes in C."""
    data = text.encode("utf-8", "surrogatepass")
    latin = len(data.translate(None, _NOT_LATIN_BYTES))
    if any(lead in data for lead in _RARE_ARABIC_LEAD_BYTES):
        return len(_ARABIC_SCRIPT.findall(text)), latin
    return len(data) - len(data.translate(None, _ARABIC_LEAD_BYTES)), latin


def detect_language(text: str) -> str:
    """'ar', 'fa', 'en' or 'und', by script and a few function words."""
    if text.isascii():
        return "en" if _LATIN.search(text) else "und"
    text = text[:_DETECT_CHARS]  # the opening says enough; long posts cost no more
    arabic_script, latin = _script_counts(text)
    if arabic_script == 0 and latin == 0:
        return "und"
    if latin > arabic_script:
        return "en"
    words = text.split()
    persian_words = sum(map(_PERSIAN_WORD_SET.__contains__, words))
    arabic_words = sum(map(_ARABIC_WORD_SET.__contains__, words))
    persian_marks = sum(map(text.count, _PERSIAN_ONLY_CHARS)) + 2 * persian_words
    arabic_marks = 2 * arabic_words + text.count("\u0629") + text.count("\u0649")
    return "fa" if persian_marks > arabic_marks else "ar"
