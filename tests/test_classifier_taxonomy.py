"""The taxonomy file: the shipped one is complete; broken ones are refused clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from classifiers.cue_layer import CueLayer
from classifiers.stance import load_stance_guard
from classifiers.taxonomy import LANGUAGES, NARRATIVE_KEYS, TaxonomyError, load_taxonomy
from seeds.loader import load_narratives

SHIPPED = Path(__file__).resolve().parents[1] / "seeds" / "narratives.toml"


def test_shipped_taxonomy_has_the_nine_keys_in_three_languages() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.keys == NARRATIVE_KEYS
    for narrative in taxonomy:
        for lang in LANGUAGES:
            assert narrative.names[lang] and narrative.descriptions[lang]
            assert len(narrative.examples[lang]) >= 3, (narrative.key, lang)
            assert len(narrative.cues[lang]) >= 5, (narrative.key, lang)
    CueLayer(taxonomy, load_stance_guard())  # every cue parses


def test_the_seeds_loader_reads_the_same_file() -> None:
    specs = {n.key: n for n in load_narratives()}
    assert set(specs) == set(NARRATIVE_KEYS)
    assert specs["sedition"].cues["fa"] == list(load_taxonomy().get("sedition").cues["fa"])


def _broken(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "narratives.toml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'key = "third_party"', 'key = "fourth_party"')
    with pytest.raises(TaxonomyError, match=r"narrative 'fourth_party': unknown key"):
        load_taxonomy(path)


def test_missing_language_is_named(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    # Drop the Persian description of the first narrative.
    start = text.index("[narrative.description]")
    fa_line = re.compile(r"^fa = .*\n", re.M).search(text, start)
    assert fa_line is not None
    path = tmp_path / "narratives.toml"
    path.write_text(text[:fa_line.start()] + text[fa_line.end():], encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"'false_flag': description is missing language 'fa'"):
        load_taxonomy(path)


def test_empty_examples_are_refused(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("[narrative.examples]", text.index('key = "sedition"'))
    ar = text.index("ar = [", start)
    end = text.index("]\n", ar) + 2
    path = tmp_path / "narratives.toml"
    path.write_text(text[:ar] + "ar = []\n" + text[end:], encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"'sedition': examples.ar is empty"):
        load_taxonomy(path)


def test_duplicate_and_missing_narratives(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'key = "gulf_aggression"', 'key = "sedition"')
    with pytest.raises(TaxonomyError, match="repeated: sedition"):
        load_taxonomy(path)


def test_bad_threshold_and_bad_toml(tmp_path: Path) -> None:
    path = _broken(tmp_path, "threshold = 0.5", "threshold = 1.5")
    with pytest.raises(TaxonomyError, match=r"'false_flag': threshold must be"):
        load_taxonomy(path)
    path.write_text("[[narrative]\nkey = ", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid TOML"):
        load_taxonomy(path)
    with pytest.raises(TaxonomyError, match="not found"):
        load_taxonomy(tmp_path / "absent.toml")


def test_unparsable_cue_is_named(tmp_path: Path) -> None:
    path = _broken(tmp_path, '  "unseen hand",\n', '  "... unseen hand",\n')
    with pytest.raises(TaxonomyError, match=r"'third_party': cues.en: cue '... unseen hand'"):
        CueLayer(load_taxonomy(path), load_stance_guard())
