"""An honest split (issue 13): no cue phrase of seeds/narratives.toml may appear verbatim in
the blind test split (tests/data/claims/test_*.jsonl), the older test split
(tests/data/narratives_test.jsonl), the demo corpus (seeds/replay/corpus.jsonl, its posts and
the text of its image cards), or the figures measured there measure the cue lists' authors.

"Verbatim" after the project's normalisation (classifiers/normalise.py: diacritics,
tatweel, letter variants, ZWNJ), whole words, with a `stem*` matching the words it starts
and a ` ... ` gap closed (the words on either side adjacent). A failure names the phrases
only, never the posts, so that fixing it does not mean reading the test split.
"""

from __future__ import annotations

import json
from pathlib import Path

from classifiers.cues import Pattern, PatternSet, parse_pattern
from classifiers.normalise import normalise_for_matching
from classifiers.taxonomy import load_taxonomy
from classifiers.textspan import span_text
from seeds.replay import corpus_file

DATA = Path(__file__).resolve().parent / "data"
CLAIMS = DATA / "claims"


def _closed(pattern: Pattern) -> Pattern:
    return Pattern(pattern.owner, pattern.phrase, pattern.lang,
                   tuple(e for e in pattern.elements if e.kind != "gap"))


def _cues() -> PatternSet:
    patterns = [
        _closed(parse_pattern(f"{n.key} {lang}", phrase, lang))
        for n in load_taxonomy() for lang, phrases in n.cues.items() for phrase in phrases
    ]
    return PatternSet(patterns, clitics=False)  # whole words: no clitic stripped


def _texts(lines: list[str]) -> list[str]:
    return [json.loads(line)["text"] for line in lines if line.strip()]


def _long_phrases() -> list[tuple[str, str]]:
    """(owner, phrase) of the plain cue phrases of three or more words (no stem, no gap)."""
    return [(f"{n.key} {lang}", phrase) for n in load_taxonomy()
            for lang, phrases in n.cues.items() for phrase in phrases
            if len(phrase.split()) >= 3 and "*" not in phrase and "..." not in phrase]


def _leaked(texts: list[str]) -> list[str]:
    """Whole-word hits, and any phrase of three or more words found inside the text even
    where a clitic or a suffix is glued to its ends ("ببيان من يونامي", "برادرانند"): the
    cue layer strips clitics, so such a phrase was as good as written from the post."""
    cues = _cues()
    found = {f"{hit.owner}: {hit.pattern.phrase!r}"
             for text in texts for hit in cues.find(span_text(text))}
    folded = [normalise_for_matching(text) for text in texts]
    for owner, phrase in _long_phrases():
        needle = normalise_for_matching(phrase)
        if any(needle in text for text in folded):
            found.add(f"{owner}: {phrase!r}")
    return sorted(found)


def test_no_cue_phrase_is_in_the_test_split() -> None:
    files = sorted(CLAIMS.glob("test_*.jsonl"))
    assert [f.name for f in files] == ["test_ar.jsonl", "test_en.jsonl", "test_fa.jsonl"]
    texts = [t for f in files for t in _texts(f.read_text(encoding="utf-8").splitlines())]
    assert len(texts) >= 1000
    leaked = _leaked(texts)
    assert not leaked, "cue phrases found verbatim in the test split:\n" + "\n".join(leaked)


def test_no_cue_phrase_is_in_the_older_test_split() -> None:
    texts = _texts((DATA / "narratives_test.jsonl").read_text(encoding="utf-8").splitlines())
    assert len(texts) >= 150
    leaked = _leaked(texts)
    assert not leaked, ("cue phrases found verbatim in narratives_test.jsonl:\n"
                        + "\n".join(leaked))


def test_no_cue_phrase_is_in_the_demo_corpus() -> None:
    with Path(str(corpus_file())).open(encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle if line.strip()]
    texts = [line["text"] for line in lines] + [line["card"]["text"] for line in lines
                                                if "card" in line]
    assert len(texts) >= 1500 and any("card" in line for line in lines)
    leaked = _leaked(texts)
    assert not leaked, "cue phrases found verbatim in the demo corpus:\n" + "\n".join(leaked)
