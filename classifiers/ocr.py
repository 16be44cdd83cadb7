"""Text read from images (statement cards) with Debian's Tesseract through pytesseract.

    result = read_image(image, post_lang="ar")

Languages come from the post's language (ar → ara, fa → fas, en → eng); when the post's
language is unknown, or the text read in that language is not in the script expected of it
(an English caption on an Arabic card), the card is read again in the language of the script
seen. The text is rebuilt line by line from Tesseract's words (one call gives both the text and
the per-word confidences) and normalised like post text for search.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytesseract
from PIL import Image

from classifiers.normalise import detect_language, normalise

TESSERACT_LANG = {"ar": "ara", "fa": "fas", "en": "eng"}
UNKNOWN_LANG = "fas+eng"  # when the post says nothing: Persian's model reads Arabic script too
# Below this mean word confidence (0-100) a reading in the post's language is checked against
# the script it produced; above it the reading stands.
RECHECK_CONFIDENCE = 70.0
SPECIFIC_MARGIN = 10.0  # a reading in the seen language is kept unless much less confident
OTHER_SCRIPT = {"ara": "eng", "fas": "eng", "eng": "ara"}
OCR_TIMEOUT_S = 60  # one image; a pathological image is an error, not a stuck job


class OcrUnavailable(RuntimeError):
    """Tesseract or one of its language models is not installed (`make ocr` installs them)."""


class OcrFailed(ValueError):
    """This image could not be read (Tesseract failed or ran past OCR_TIMEOUT_S): recorded
    with the image, so that one bad image never stops the job."""


@dataclass(frozen=True, slots=True)
class OcrResult:
    languages: str  # Tesseract's language string used for the kept reading
    text: str
    normalised: str
    confidence: float | None  # mean word confidence, None when no word was read


def languages_for(post_lang: str | None) -> str:
    return TESSERACT_LANG.get(post_lang or "", UNKNOWN_LANG)


def read_image(image: Image.Image, *, post_lang: str | None = None) -> OcrResult:
    """Read an image's text; raises OcrUnavailable when Tesseract cannot run at all."""
    best = _read(image, languages_for(post_lang))
    if _confidence(best) < RECHECK_CONFIDENCE and best.languages in OTHER_SCRIPT:
        # A weak reading may be the wrong script (an English caption on an Arabic card).
        other = _read(image, OTHER_SCRIPT[best.languages])
        best = other if _confidence(other) > _confidence(best) else best
    seen = TESSERACT_LANG.get(detect_language(best.text) if best.text.strip() else "und")
    if seen is None or seen == best.languages or (
            post_lang in TESSERACT_LANG and seen == TESSERACT_LANG[post_lang]):
        return best
    # Read again with the model of the language seen (Persian read as 'ara+eng', ...).
    again = _read(image, seen)
    return again if _confidence(again) >= _confidence(best) - SPECIFIC_MARGIN else best


def _confidence(result: OcrResult) -> float:
    return result.confidence or 0.0


def _read(image: Image.Image, languages: str) -> OcrResult:
    try:
        data = pytesseract.image_to_data(image, lang=languages, timeout=OCR_TIMEOUT_S,
                                         output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError:
        raise OcrUnavailable("tesseract is not installed (make ocr)") from None
    except pytesseract.TesseractError as exc:
        if "Failed loading language" in str(exc.message):
            raise OcrUnavailable(f"Tesseract lacks a language of {languages!r} (make ocr)") from None
        raise OcrFailed(f"Tesseract failed: {str(exc.message)[:200]}") from None
    except RuntimeError as exc:  # pytesseract's way of saying the timeout passed
        raise OcrFailed(f"Tesseract did not finish within {OCR_TIMEOUT_S} s ({exc})") from None
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for word, conf, block, par, line in zip(data["text"], data["conf"], data["block_num"],
                                            data["par_num"], data["line_num"], strict=True):
        if not str(word).strip():
            continue
        lines.setdefault((int(block), int(par), int(line)), []).append(str(word))
        if float(conf) >= 0:
            confidences.append(float(conf))
    text = "\n".join(" ".join(words) for words in lines.values())
    return OcrResult(languages, text, normalise(text),
                     round(sum(confidences) / len(confidences), 1) if confidences else None)
