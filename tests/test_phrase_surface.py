"""A shared phrase is shown as an actor wrote it, not in the normalised spelling it was
counted in (storage.phrase_surface)."""

from __future__ import annotations

import pytest

from classifiers.normalise import normalise
from storage.phrase_surface import surface_form

WRITTEN = "قال الشيخ: إنّ «مؤامرةُ الفتنة» واضحة https://t.me/x/1 والمؤامرة الأمريكية"


def test_the_normalised_phrase_is_found_and_given_back_as_written() -> None:
    assert "موامره الفتنه" in normalise(WRITTEN)  # how it was counted
    # ة and the hamza seat are back, and so is the diacritic; the guillemet between the
    # words stays outside the span.
    assert surface_form(WRITTEN, "موامره الفتنه") == "مؤامرةُ الفتنة"
    assert surface_form(WRITTEN, "واضحه والموامره") == "واضحة https://t.me/x/1 والمؤامرة"


@pytest.mark.parametrize(("text", "phrase", "surface"), [
    ("The Hidden-Hand, again", "hidden hand", "Hidden-Hand"),
    ("این فتنه\u200cی آمریکایی است", "فتنه ي", "فتنه\u200cی"),
    ("شبکه\u200cهای ترکیه", "شبكه هاي", "شبکه\u200cهای"),
    ("plain text", "plain text", "plain text"),
])
def test_latin_and_persian_phrases(text: str, phrase: str, surface: str) -> None:
    assert surface_form(text, phrase) == surface


@pytest.mark.parametrize(("text", "phrase"), [
    (None, "hidden hand"), ("", "hidden hand"), ("the hidden door", "hidden hand"),
    ("hidden hand", ""), ("الموامرة الكبرى", "موامره الكبري"),  # a word is not a phrase part
])
def test_no_surface_when_the_text_does_not_hold_the_phrase(text: str | None,
                                                           phrase: str) -> None:
    assert surface_form(text, phrase) is None
