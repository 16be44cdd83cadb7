"""The cue layer on its own: spans over normalised Arabic/Persian text, clitics, patterns,
and the stance guards (reported speech, quotation, debunking, negation) in three languages."""

from __future__ import annotations

import pytest

from classifiers.cue_layer import CueAnalysis, CueLayer
from classifiers.cues import PatternError, PatternSet, parse_pattern
from classifiers.stance import load_stance_guard
from classifiers.taxonomy import load_taxonomy
from classifiers.textspan import span_text
from tests.classifier_models import MACHINERY_CUES, with_cues


@pytest.fixture(scope="module")
def layer() -> CueLayer:
    return CueLayer(with_cues(load_taxonomy(), MACHINERY_CUES), load_stance_guard())


def test_spans_point_into_the_original_text_through_diacritics_and_tatweel() -> None:
    text = "قالوا: «الفِتْنَــة» قادمة"
    spanned = span_text(text)
    words = [t.text for t in spanned.tokens]
    assert words == ["قالوا", "الفتنه", "قادمه"]
    token = spanned.tokens[1]
    assert text[token.start:token.end] == "الفِتْنَــة"
    assert token.quote == 0 and spanned.tokens[0].quote == -1


def test_persian_letters_and_zwnj_fold_to_one_form() -> None:
    arabic_letters = span_text("دست هاي پنهان")
    persian_letters = span_text("دست‌های پنهان")  # ZWNJ and Persian ی
    assert [t.text for t in arabic_letters.tokens] == [t.text for t in persian_letters.tokens]


def test_sentences_split_on_arabic_and_latin_punctuation() -> None:
    spanned = span_text("أولا؟ ثانيا. third! fourth")
    assert [t.sentence for t in spanned.tokens] == [0, 1, 2, 3]


def _one(patterns: list[str], text: str) -> list[str]:
    found = PatternSet([parse_pattern("x", p, "xx") for p in patterns]).find(span_text(text))
    return [h.pattern.phrase for h in found]


def test_patterns_clitics_prefixes_and_gaps() -> None:
    assert _one(["فتنة"], "وبالفتنة يريدون") == ["فتنة"]  # و + بال + فتنة
    assert _one(["المقاومة"], "للمقاومة") == ["المقاومة"]  # ل + المقاومة
    assert _one(["rig*"], "they rigged it") == ["rig*"]
    assert _one(["turk* ... occup*"], "Turkish soldiers in Bashiqa are occupiers") == [
        "turk* ... occup*"]
    # a gap never crosses a sentence boundary
    assert _one(["turk* ... occup*"], "Turkish soldiers arrived. The occupiers left") == []
    # Latin words match whole, not inside other words
    assert _one(["cia"], "the social media") == []


def test_bad_patterns_are_refused() -> None:
    for phrase in ("...", "... x", "x ...", "x ... ... y", "***"):
        with pytest.raises(PatternError):
            parse_pattern("x", phrase, "en")


PROMOTING = [
    ("en", "false_flag", "The drones were a false flag to blame the resistance."),
    ("ar", "false_flag", "الهجوم عملية علم كاذب لإلصاق التهمة بفصائل المقاومة."),
    ("fa", "false_flag", "این حمله یک عملیات پرچم دروغین برای متهم کردن مقاومت بود."),
    ("en", "third_party", "A third party pulled the trigger, not the factions."),
    ("ar", "third_party", "طرف ثالث أطلق المسيّرات وليس الفصائل."),
    ("fa", "third_party", "دست‌های پنهان پشت این حمله‌اند."),
    ("ar", "sedition", "هذا الاستهداف جزء من مشروع فتنة بين العراقيين."),
    ("fa", "sedition", "این حمله پروژه فتنه میان عراقی‌هاست."),
]


@pytest.mark.parametrize(("lang", "key", "text"), PROMOTING)
def test_asserted_cues_carry_their_evidence(layer: CueLayer, lang: str, key: str,
                                            text: str) -> None:
    analysis = layer.analyse(text)
    finding = analysis.asserted[key]
    evidence = finding.evidence()
    assert evidence["kind"] == "cue" and evidence["stance"] == "asserted"
    assert text[evidence["start"]:evidence["end"]] == evidence["text"]
    assert evidence["cue_lang"] == lang


GUARDED = [
    # reported speech
    ("en", "false_flag", "reported",
     "Militia leaders claimed the attack was a false flag meant to blame the resistance."),
    ("en", "staged_incident", "reported",
     "According to Kataib Hezbollah, the premier is playing the victim."),
    ("ar", "false_flag", "reported", "زعم الخزعلي أن الهجوم عملية علم كاذب لاتهام المقاومة."),
    ("ar", "third_party", "reported", "قال العامري إن طرفاً ثالثاً يقف وراء الهجوم."),
    ("fa", "false_flag", "reported", "قیس الخزعلی ادعا کرد حمله عملیات پرچم دروغین بود."),
    ("fa", "third_party", "reported", "به گفته هادی العامری، یک طرف سوم پشت حمله است."),
    # quotation: attributed, or short scare quotes
    ("en", "third_party", "quoted", 'Pro-militia accounts now speak of a "third party".'),
    ("ar", "sedition", "reported", "شمخاني يتهم «فتنة مراكز الفكر الأجنبية» بالهجوم."),
    # debunking and talk about the narrative
    ("en", "sedition", "debunked", "Blaming sedition is absurd and baseless."),
    ("en", "false_flag", "reported", "The false-flag story spread within hours."),
    ("ar", "sedition", "reported", "رواية الفتنة سخيفة ولا أساس لها."),
    ("fa", "sedition", "reported", "روایت فتنه بی‌اساس است."),
    ("fa", "election_fraud", "debunked", "تقلب در انتخابات؟ حرفی مضحک و بی‌اساس."),
    # negation
    ("en", "third_party", "negated", "There was no third party; a known faction owns the drones."),
    ("ar", "third_party", "negated", "لا يوجد طرف ثالث في هذه القضية."),
    ("fa", "third_party", "negated", "طرف سومی در کار نیست."),
    ("ar", "staged_incident", "negated", "ليس هناك من يلعب دور الضحية، الحراس في المستشفى."),
]


@pytest.mark.parametrize(("lang", "key", "stance", "text"), GUARDED)
def test_reported_quoted_debunked_and_negated_cues_are_not_assertions(
    layer: CueLayer, lang: str, key: str, stance: str, text: str
) -> None:
    analysis: CueAnalysis = layer.analyse(text)
    assert key not in analysis.asserted, (lang, text)
    stances = {f.judgement.stance for f in analysis.guarded[key]}
    assert stance in stances, (lang, text, stances)


def test_first_person_warning_is_the_authors_own_voice(layer: CueLayer) -> None:
    own = layer.analyse("We told you: they will bomb the Green Zone and blame the resistance.")
    other = layer.analyse("He told reporters they will bomb the Green Zone and blame the resistance.")
    assert "false_flag" in own.asserted
    assert "false_flag" not in other.asserted and other.reporting


def test_accusing_the_resistance_is_not_reported_speech_in_arabic(layer: CueLayer) -> None:
    # «ليتهم» ("in order to accuse") belongs to the narrative; «يتهم» ("he accuses") reports.
    analysis = layer.analyse("هناك من يحضّر لاعتداء على مؤسسات الدولة ليتهم فصائل المقاومة به.")
    assert "false_flag" in analysis.asserted


# Names of actors, places, organisations and weapon systems: never a cue on their own
# (issue 13: "Erdogan", "bin Salman", "the Americans" tagged posts that only named them).
NAMES = {
    "en": "al america american americans ankara bin c c-ram cia counter-rocket erdogan "
          "hashd iran ottoman plasschaert ram riyadh salman saud saudi saudis the turkey "
          "turkish turks un unami us usa washington yemen",
    "ar": "آل ابن الأمريكان الأمريكيون الأميركيون أمريكا أردوغان أنقرة إيه آي بن بلاسخارت "
          "تركيا التركي الحشد الرياض رام السعودية سعود سلمان سي العثماني عثماني واشنطن "
          "يونامي الأمم المتحدة منظومة",
    "fa": "آل آمریکا آمریکایی آنکارا اردوغان بن پلاسخارت ترکیه حشد رام رم سازمان سامانه "
          "سعود سعودی سلمان سی سیا عثمانی عربستان ملل واشنگتن یونامی",
}


def test_no_cue_is_only_a_name() -> None:
    from classifiers.normalise import normalise_for_matching

    for narrative in load_taxonomy():
        for lang, cues in narrative.cues.items():
            names = set(normalise_for_matching(NAMES[lang]).split())
            for cue in cues:
                words = normalise_for_matching(cue.replace("...", " ").replace("*", "")).split()
                assert set(words) - names, f"{narrative.key} {lang}: {cue!r} is only a name"
