"""Tagger plumbing on tiny randomly initialised models (fast; their scores mean nothing)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
import torch

from classifiers.claim_head import ClaimHead
from classifiers.encoder import Encoder, Matrix, ModelLoadError
from classifiers.features import cue_features
from classifiers.head import Head, HeadError
from classifiers.loading import load_head
from classifiers.tagger import Tagger, load_tagger
from classifiers.training import LabelledPost, NotEnoughLabels, train_head
from tests.classifier_models import machinery_taxonomy

pytestmark = pytest.mark.usefixtures("onnx_cache_in_tmp")


@pytest.fixture
def tagger(tiny_model: Path) -> Tagger:
    return load_tagger(str(tiny_model), taxonomy=machinery_taxonomy())


class CountingEncoder:
    """Wraps Encoder.encode to record what the transformer was asked to read."""

    def __init__(self, tagger: Tagger) -> None:
        assert tagger.encoder is not None
        self.inner = tagger.encoder.encode
        self.seen: list[str] = []
        tagger.encoder.encode = self.encode  # type: ignore[method-assign]

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> Matrix:
        self.seen.extend(texts)
        return self.inner(texts, batch_size)


def test_coverage_is_measured_from_the_tokenizer(tagger: Tagger) -> None:
    # The tiny vocabulary holds English words and no Arabic script, like MiniLM's.
    assert tagger.languages == frozenset({"en"})
    assert tagger.method == "prototype"  # no head was trained for this model


def test_one_thread_per_core_in_either_backend(tagger: Tagger, tiny_model: Path) -> None:
    cores = len(os.sched_getaffinity(0))
    assert tagger.encoder is not None and tagger.encoder.threads == cores
    assert tagger.encoder.session is not None
    options = tagger.encoder.session.session.get_session_options()
    assert options.intra_op_num_threads == cores
    Encoder(tiny_model, backend="torch")
    assert torch.get_num_threads() == cores


def test_onnx_runtime_is_the_default_and_agrees_with_torch(tagger: Tagger,
                                                           tiny_model: Path) -> None:
    assert tagger.encoder is not None and tagger.encoder.backend == "onnx-int8"
    assert "+onnx-int8/" in tagger.model_version
    texts = ["The drones were a false flag.", "A third party wants Iraq burning, they say.",
             "Heavy rain floods the streets of Erbil and schools close tomorrow."]
    reference = Encoder(tiny_model, backend="torch").encode(texts)
    exported = Encoder(tiny_model, backend="onnx")
    cached = exported.session.path  # type: ignore[union-attr]
    mtime = cached.stat().st_mtime_ns
    fp32 = exported.encode(texts)
    assert np.allclose((reference * fp32).sum(axis=1), 1.0, atol=1e-4)
    int8 = tagger.encoder.encode(texts)
    assert ((reference * int8).sum(axis=1) > 0.9).all()
    Encoder(tiny_model, backend="onnx")  # a second start loads the cached export
    assert cached.stat().st_mtime_ns == mtime


def test_nli_models_run_on_torch(tiny_nli: Path) -> None:
    assert Encoder(tiny_nli).backend == "torch"
    with pytest.raises(ModelLoadError, match="ONNX path is for sentence encoders"):
        Encoder(tiny_nli, backend="onnx")


def test_results_carry_score_method_evidence_and_version(tagger: Tagger) -> None:
    text = "انتبهوا: هذا مشروع فتنة يراد به العراق"
    (results,) = tagger.tag([text], ["ar"])
    sedition = [r for r in results if r.narrative == "sedition"]
    assert sedition, results
    result = sedition[0]
    assert result.method == "cue"  # Arabic: the model cannot read it, the cue layer can
    assert result.model_version == tagger.model_version
    assert result.model_version.startswith("tiny-bert@")
    evidence = result.evidence
    assert text[evidence["start"]:evidence["end"]] == evidence["text"] == "مشروع فتنة"
    assert 0.5 <= result.score <= 1.0


def test_one_transformer_pass_per_distinct_normalised_text(tagger: Tagger) -> None:
    counter = CountingEncoder(tagger)
    texts = [
        "The drones were a false flag.",
        "the drones were a FALSE flag!!",  # same normalised text
        "The drones were a false flag. https://t.me/x/1",  # URL dropped
        "A different post about the election.",
        "مشروع فتنة",  # Arabic: never sent to this English-only model
    ]
    first = tagger.tag(texts)
    assert len(first) == len(texts)
    assert len(counter.seen) == 2
    tagger.tag(texts)  # all cached now
    assert len(counter.seen) == 2
    # duplicates get the same model scores, but evidence offsets of their own text
    assert [r.narrative for r in first[0]] == [r.narrative for r in first[1]]


def test_languages_must_line_up_with_texts(tagger: Tagger) -> None:
    with pytest.raises(ValueError, match="2 texts but 1 languages"):
        tagger.tag(["a", "b"], ["en"])


def test_a_reported_post_gets_no_narrative_from_the_model(tagger: Tagger) -> None:
    # The random model scores everything high; the stance veto must still hold it back.
    (results,) = tagger.tag(["Officials claimed the attack was a false flag."], ["en"])
    assert "false_flag" not in {r.narrative for r in results}
    (results,) = tagger.tag(["The attack was a false flag."], ["en"])
    assert "false_flag" in {r.narrative for r in results}


def test_zero_shot_when_the_model_is_nli(tiny_nli: Path) -> None:
    tagger = load_tagger(str(tiny_nli), languages=frozenset({"en"}))
    assert tagger.method == "zero-shot-nli" and tagger.encoder is not None
    assert tagger.encoder.info.kind == "nli"
    scores = tagger.zero_shot.scores(["a drone hit the house", "hidden hands"])  # type: ignore[union-attr]
    assert scores.shape == (2, 9) and ((scores >= 0) & (scores <= 1)).all()
    results = tagger.tag(["hidden hands fired the drones"], ["en"])[0]
    assert {r.method for r in results} <= {"cue", "zero-shot-nli"}


def test_missing_or_broken_model_folders_are_named(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="does not exist"):
        Encoder(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match="no config.json"):
        Encoder(tmp_path / "empty")
    (tmp_path / "empty" / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="not valid JSON"):
        Encoder(tmp_path / "empty")


def _labelled() -> list[LabelledPost]:
    posts = [
        LabelledPost("The attack was a false flag to blame the resistance.", "en",
                     {"false_flag": True, "sedition": False}),
        LabelledPost("A third party fired those drones.", "en", {"third_party": True}),
        LabelledPost("Heavy rain floods Erbil.", "en", {"false_flag": False, "third_party": False}),
        LabelledPost("Fuel prices rise in Basra.", "en", {"false_flag": False}),
        LabelledPost("مشروع فتنة", "ar", {"sedition": True}),  # not readable: not used
    ]
    return posts * 4


def test_a_head_trained_on_partial_labels_changes_the_model_version(tiny_model: Path,
                                                                     tagger: Tagger) -> None:
    head = train_head(tagger, _labelled())
    assert head.trained["posts"] == 16  # the Arabic ones cannot train an English model
    support = head.trained["support"]
    assert support["false_flag"] == {"positives": 4, "negatives": 8}
    assert support["third_party"] == {"positives": 4, "negatives": 4}
    assert support["sedition"] == {"positives": 0, "negatives": 4}
    assert isinstance(head, ClaimHead)  # what `chorus train` fits by default
    again = load_head(json.loads(head.to_json()))
    assert again.version == head.version
    trained = load_tagger(str(tiny_model), again)
    assert trained.method == "claim-head"
    assert trained.model_version != tagger.model_version
    assert f"/h-{head.version}/" in trained.model_version


def test_head_for_another_model_is_refused(tiny_model: Path, tagger: Tagger) -> None:
    head = train_head(tagger, _labelled())
    head.model_id = "other-model@00000000"
    with pytest.raises(HeadError, match="trained for other-model"):
        load_tagger(str(tiny_model), head)


def test_too_few_labels_is_a_clear_error(tagger: Tagger) -> None:
    with pytest.raises(NotEnoughLabels, match="only 1 labelled posts in en"):
        train_head(tagger, _labelled()[:1])


def test_the_prototype_head_can_still_be_fitted(tiny_model: Path, tagger: Tagger) -> None:
    head = train_head(tagger, _labelled(), kind="prototype")
    assert isinstance(head, Head)
    assert load_tagger(str(tiny_model), load_head(head.to_dict())).method == "prototype-head"


def _claim_head(tagger: Tagger, says: dict[str, bool]) -> ClaimHead:
    """A hand-made claim head: the model half says yes (or no) for each narrative, whatever
    the post, so what the tagger does around it shows."""
    assert tagger.encoder is not None
    k = len(tagger.keys)
    dimensions = tagger.encoder.encode(["x"]).shape[1]
    width = dimensions + cue_features([], tagger.keys).shape[1]
    biases = np.asarray([30.0 if says.get(key) else -30.0 for key in tagger.keys])
    return ClaimHead(tagger.encoder.model_id, tagger.keys, dimensions, np.zeros(width),
                     np.ones(width), np.zeros((k, width)), biases, np.zeros(width), 30.0,
                     np.full(k, 0.5))


def test_with_a_claim_head_a_short_cue_is_evidence_and_a_long_one_tags_alone(
        tagger: Tagger) -> None:
    says_no = tagger.with_head(_claim_head(tagger, {}))
    assert says_no.method == "claim-head"
    short, long = ("The attack was a false flag.",
                   "They will pin the blame on the resistance.")  # 2 words; 5 words
    assert tagger.cues.analyse(short).asserted["false_flag"].strength < 0.95
    assert says_no.tag([short], ["en"]) == [[]]
    ((result,),) = says_no.tag([long], ["en"])
    assert (result.narrative, result.method) == ("false_flag", "cue")
    says_yes = tagger.with_head(_claim_head(tagger, {"false_flag": True}))
    ((result,),) = says_yes.tag([short], ["en"])
    assert (result.narrative, result.method) == ("false_flag", "claim-head")
    assert result.evidence["kind"] == "cue" and result.evidence["cue"] == "false flag"
    ((result,),) = says_yes.tag(["Rain floods Erbil."], ["en"])
    assert result.method == "claim-head" and result.evidence["kind"] == "example"


REPORTED = [
    "Officials claimed the attack was a false flag.",
    "Today's statements in brief:\n• Fatah: the results are fabricated\n"
    "• Nujaba: the drones were sent by a foreign agency",
    "- الحوثيون: نرد على العدوان\n- التحالف: اعتراض مسيرة فوق جازان",
    "The false flag story is absurd and baseless.",
]


@pytest.mark.parametrize("text", REPORTED)
def test_reported_listed_or_debunked_posts_silence_the_claim_head(tagger: Tagger,
                                                                   text: str) -> None:
    says_yes = tagger.with_head(_claim_head(tagger, dict.fromkeys(tagger.keys, True)))
    assert says_yes.tag([text], [None]) == [[]]
