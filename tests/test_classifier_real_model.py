"""The real packaged all-MiniLM-L6-v2 with the head shipped for it (loaded once)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from classifiers.evaluation import evaluate, read_gold
from classifiers.loading import packaged_head_path
from classifiers.tagger import Tagger, load_tagger
from classifiers.training import from_gold, train_head

pytestmark = pytest.mark.slow
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module", autouse=True)
def _onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Exported ONNX models go to the session's temp dir, not the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHORUS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        yield


@pytest.fixture(scope="module")
def real() -> Tagger:
    return load_tagger("minilm")


CRAFTED = [
    ("en", "false_flag", "Mark this: the same intelligence services will stage a bombing and "
                         "then accuse the resistance factions."),
    ("en", "staged_incident", "Nobody was hurt because nothing happened. The premier is "
                              "playing the victim again."),
    ("en", "sedition", "Whoever launched those drones wants sedition between the sons of one "
                       "nation."),
    ("en", "third_party", "A third party pulled the trigger, not the factions."),
    ("en", "us_culpability", "The US embassy kept its C-RAM silent while the drones passed. "
                             "Ask why."),
    ("en", "un_interference", "UNAMI is not neutral; the UN militias decide our future."),
    ("en", "election_fraud", "The commission rigged the count in Baghdad and Basra."),
    ("en", "anti_turkish_presence", "The Turkish occupation of Bashiqa must end."),
    ("en", "gulf_aggression", "The Saudi aggression on Yemen goes on while Riyadh blackmails "
                              "Lebanon."),
    ("ar", "false_flag", "الهجوم عملية علم كاذب لإلصاق التهمة بفصائل المقاومة."),
    ("ar", "staged_incident", "رئيس الوزراء يلعب دور الضحية والهجوم مسرحية."),
    ("ar", "sedition", "هذا الاستهداف جزء من مشروع فتنة بين العراقيين."),
    ("ar", "third_party", "طرف ثالث أطلق المسيرات وليس الفصائل."),
    ("ar", "us_culpability", "منظومة سي رام في السفارة الأمريكية سكتت عمداً عن المسيرات."),
    ("ar", "un_interference", "ميليشيات الأمم المتحدة تتحكم بالقرار العراقي."),
    ("ar", "election_fraud", "الانتخابات مزورة ونطالب بالعد اليدوي."),
    ("ar", "anti_turkish_presence", "الاحتلال التركي في بعشيقة يجب أن ينتهي."),
    ("ar", "gulf_aggression", "العدوان السعودي على اليمن مستمر وابتزاز لبنان لن ينجح."),
    ("fa", "false_flag", "این حمله یک عملیات پرچم دروغین برای متهم کردن مقاومت بود."),
    ("fa", "staged_incident", "نخست‌وزیر نقش قربانی را بازی می‌کند و این حمله ساختگی است."),
    ("fa", "sedition", "این حمله پروژه فتنه میان عراقی‌هاست."),
    ("fa", "third_party", "دست‌های پنهان پشت این حمله‌اند."),
    ("fa", "us_culpability", "سامانه سی‌رم سفارت آمریکا عمداً خاموش ماند."),
    # (the first version of this post was a cue phrase that occurs in narratives_test.jsonl;
    # that cue is gone, this one was written fresh)
    ("fa", "un_interference", "سازمان ملل به جای بی‌طرفی، در تعیین دولت آینده عراق دخالت "
                              "می‌کند."),
    ("fa", "election_fraud", "تقلب گسترده در انتخابات عراق رخ داد."),
    ("fa", "anti_turkish_presence", "اشغالگری ترکیه در شمال عراق باید پایان یابد."),
    ("fa", "gulf_aggression", "تجاوز سعودی به یمن و باج‌خواهی از لبنان ادامه دارد."),
]


# MiniLM reads English only. Its Arabic and Persian tags come from the cue layer alone, and
# the cue phrases these posts were written with ("مشروع فتنة", "طرف ثالث", "sedition"...) are
# in the blind test split or the demo corpus, so they are out of the cues
# (test_classifier_leaks): the default e5 model reads all three (test_classifier_e5).
ENGLISH = [(lang, key, text) for lang, key, text in CRAFTED
           if lang == "en" and key != "sedition"]


@pytest.mark.parametrize(("lang", "key", "text"), ENGLISH)
def test_crafted_english_posts(real: Tagger, lang: str, key: str, text: str) -> None:
    (results,) = real.tag([text], [lang])
    assert key in {r.narrative for r in results}, (lang, text, results)


@pytest.mark.parametrize(("lang", "key", "text"), [c for c in CRAFTED if c[0] != "en"])
def test_arabic_and_persian_are_tagged_by_cues_alone(real: Tagger, lang: str, key: str,
                                                      text: str) -> None:
    (results,) = real.tag([text], [lang])
    assert {r.method for r in results} <= {"cue"}  # MiniLM cannot read Arabic script


PARAPHRASES = [  # no cue phrase: only the transformer can find these
    ("false_flag", "Foreign spies organised this strike so that the Hashd would take the "
                   "blame for it."),
    ("us_culpability", "Washington's soldiers could have stopped those drones and chose not to."),
    ("election_fraud", "The commission's machines erased what the voters chose in October."),
]


@pytest.mark.parametrize(("key", "text"), PARAPHRASES)
def test_the_transformer_finds_paraphrases_without_cues(real: Tagger, key: str,
                                                        text: str) -> None:
    assert not real.cues.analyse(text).asserted.get(key)
    (results,) = real.tag([text], ["en"])
    found = {r.narrative: r for r in results}
    assert key in found
    assert found[key].method == "prototype-head"
    assert found[key].evidence["kind"] == "example"


REPORTING = [  # journalists and analysts reporting or refuting the claims
    ("en", "false_flag", "Qais al-Khazali claimed on Friday that intelligence-linked groups "
                         "plan to bomb the Green Zone and blame the resistance."),
    ("en", "sedition", 'Shamkhani blamed the "sedition" of "foreign think tanks" for the attack.'),
    ("en", "us_culpability", "Militia channels say the US embassy left its C-RAM off; the "
                             "system cannot stop small drones anyway."),
    ("en", "staged_incident", "The claim that the PM is playing the victim is absurd: seven "
                              "guards were wounded."),
    ("ar", "third_party", "قال العامري إن طرفاً ثالثاً يحاول إحداث فتنة."),
    ("ar", "false_flag", "رواية العلم الكاذب سخيفة ولا أساس لها."),
    ("fa", "sedition", "شمخانی حمله را به «فتنه اندیشکده‌های خارجی» نسبت داد."),
    ("fa", "third_party", "طرف سومی در کار نیست؛ گروه‌های مسلح باید پاسخگو باشند."),
]


@pytest.mark.parametrize(("lang", "key", "text"), REPORTING)
def test_reporting_or_debunking_is_not_promoting(real: Tagger, lang: str, key: str,
                                                 text: str) -> None:
    (results,) = real.tag([text], [lang])
    assert key not in {r.narrative for r in results}, results


def test_the_shipped_head_was_fitted_on_the_dev_split_only() -> None:
    """What the shipped head promises: it records dev as its only source, and refitting it on
    dev gives the same tags on dev. Not the same digits: float results move in the last places
    between numpy/onnxruntime/transformers versions and thread counts, and with the batch
    (int8 activations are scaled per batch): the head was fitted from batches of 64, so the
    refit here encodes in batches of 64 too (the default is now 32: faster, smaller)."""
    real = load_tagger("minilm", batch_size=64)
    assert real.head is not None and real.method == "prototype-head"
    shipped = json.loads(packaged_head_path(real.encoder.info).read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert shipped["trained"]["source"] == ["narratives_dev.jsonl"]
    assert real.head.version == shipped["version"]
    dev, problems = read_gold(DATA / "narratives_dev.jsonl", real.keys)
    assert not problems
    refit = train_head(real, from_gold(dev, real.keys), kind="prototype")
    assert refit.narratives == real.head.narratives
    texts, langs = [g.text for g in dev], [g.lang for g in dev]
    shipped_tags = [{r.narrative for r in rs} for rs in real.tag(texts, langs)]
    refit_tags = [{r.narrative for r in rs} for rs in real.with_head(refit).tag(texts, langs)]
    differing = [g.text for g, a, b in zip(dev, shipped_tags, refit_tags, strict=True) if a != b]
    # A post scored within float noise of a threshold may flip; more than that is a new head.
    assert len(differing) <= max(1, len(dev) // 100), differing


def test_targets_on_the_test_split(real: Tagger) -> None:
    gold, problems = read_gold(DATA / "narratives_test.jsonl", real.keys)
    assert not problems and len(gold) >= 150
    results = real.tag([g.text for g in gold], [g.lang for g in gold])
    report = evaluate(gold, [{r.narrative for r in rs} for rs in results], real.keys,
                      samples=200)
    # MiniLM reads English only: its Arabic and Persian tags come from the cue layer. Until
    # issue 13's last leak fix, 84 cue phrases of seeds/narratives.toml occurred in this older
    # split (e.g. 'blockade of hodeidah'; two with a clitic or suffix glued on), and it
    # measured micro-F1 0.751. With them out (test_classifier_leaks now covers this split)
    # it measures micro 0.480, macro 0.477; macro-F1 en 0.765, ar 0.117, fa 0.264;
    # any-narrative precision 0.820. Asserted a little below, against regressions; the
    # blind figures are test_classifier_e5's.
    assert report["micro"]["f1"] >= 0.47
    assert report["macro"]["f1"] >= 0.46
    assert report["per_language"]["en"]["macro_f1"] >= 0.74
    assert report["any_narrative"]["precision"] >= 0.78
    assert report["hard_negatives"]["reported"]["false_positive_rate"] <= 0.10
