"""OCR benchmark (issue 17): character error rate per language, images/s and peak RSS of the
OCR pipeline, beside plain `pytesseract.image_to_string` on the same images in the same run.

    .venv/bin/python bench/ocr.py [--cards 500] [--seed 17]

Generates clean statement cards (seeds/cards.py: Arabic, Persian and English, libraqm shaping,
Noto fonts), writes them to a content-addressed store, and runs each path in its own child
process (its own peak RSS) over the same files:

  pipeline  what the OCR job does per image: read the stored file, decode, classifiers.ocr
            (language from the post, script check, line rebuild, confidence, normalisation)
  plain     pytesseract.image_to_string(image, lang=<the post's language>) on the same file

Targets: CER <= 10% Arabic, <= 10% Persian, <= 3% English; the pipeline within 10% of plain.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TypedDict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"ar": 0.10, "fa": 0.10, "en": 0.03}
TESSERACT = {"ar": "ara", "fa": "fas", "en": "eng"}


class PathResult(TypedDict):
    seconds: float
    images: int
    peak_rss_mb: float
    cer: dict[str, float]


def generate(folder: Path, cards: int, seed: int) -> list[tuple[str, str, str]]:
    """(sha256, lang, text written) per card; files in a MediaStore under folder."""
    from seeds.cards import random_card
    from storage.media.files import MediaStore

    store = MediaStore(folder)
    rng = random.Random(seed)
    out = []
    for n in range(cards):
        lang = ("ar", "fa", "en")[n % 3]
        card = random_card(lang, rng)
        sha = hashlib.sha256(card.png).hexdigest()
        store.put(sha, card.png)
        out.append((sha, lang, card.text))
    return out


def run_path(path: str, folder: Path, manifest: Path) -> PathResult:
    import pytesseract
    from PIL import Image

    from classifiers.ocr import read_image
    from classifiers.ocr_eval import character_error_rate
    from storage.media.files import MediaStore

    store = MediaStore(folder)
    cards = json.loads(manifest.read_text(encoding="utf-8"))
    texts: list[str] = []
    started = time.perf_counter()
    for sha, lang, _ in cards:
        data = store.read(sha)
        assert data is not None
        with Image.open(io.BytesIO(data)) as image:
            if path == "pipeline":
                text = read_image(image, post_lang=lang).text
            else:
                text = pytesseract.image_to_string(image, lang=TESSERACT[lang])
        texts.append(str(text))
    seconds = time.perf_counter() - started
    per_lang: dict[str, list[float]] = {}
    for (_, lang, written), text in zip(cards, texts, strict=True):
        per_lang.setdefault(lang, []).append(character_error_rate(written, text))
    cer = {lang: sum(values) / len(values) for lang, values in per_lang.items()}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "images": len(cards), "peak_rss_mb": peak, "cer": cer}


def child(path: str, folder: Path, manifest: Path) -> PathResult:
    found = subprocess.run([sys.executable, __file__, "--child", path, "--folder", str(folder),
                            "--manifest", str(manifest)], check=True, capture_output=True,
                           text=True)
    result: PathResult = json.loads(found.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--child", choices=["pipeline", "plain"])
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--manifest", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_path(args.child, args.folder, args.manifest)))
        return 0
    with tempfile.TemporaryDirectory(prefix="chorus-ocr-bench-") as tmp:
        folder = Path(tmp) / "media"
        manifest = Path(tmp) / "cards.json"
        made = time.perf_counter()
        manifest.write_text(json.dumps(generate(folder, args.cards, args.seed),
                                       ensure_ascii=False), encoding="utf-8")
        print(f"{args.cards} cards generated in {time.perf_counter() - made:.1f} s")
        plain = child("plain", folder, manifest)
        pipeline = child("pipeline", folder, manifest)
    ok = True
    print(f"{'path':<10}{'images/s':>10}{'peak RSS MB':>13}" + "".join(
        f"{'CER ' + lang:>10}" for lang in TARGETS))
    for name, result in (("plain", plain), ("pipeline", pipeline)):
        rate = result["images"] / result["seconds"]
        print(f"{name:<10}{rate:>10.2f}{result['peak_rss_mb']:>13.0f}" + "".join(
            f"{100 * result['cer'].get(lang, 0.0):>9.1f}%" for lang in TARGETS))
    overhead = pipeline["seconds"] / plain["seconds"] - 1
    print(f"pipeline time / plain time: {pipeline['seconds'] / plain['seconds']:.3f} "
          f"(overhead {100 * overhead:+.1f}%, target <= +10%)")
    for lang, target in TARGETS.items():
        met = pipeline["cer"].get(lang, 1.0) <= target
        ok &= met
        print(f"CER {lang}: {100 * pipeline['cer'].get(lang, 1.0):.1f}% "
              f"(target <= {100 * target:.0f}%) {'met' if met else 'MISSED'}")
    return 0 if ok and overhead <= 0.10 else 1


if __name__ == "__main__":
    sys.exit(main())
