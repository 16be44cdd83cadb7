"""Image files for the media tests: statement cards and hostile files."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image

from seeds.cards import Card, random_card

BOMB_SIDE = 12_000  # 144 million pixels, a few kilobytes of PNG


def card(lang: str, seed: int) -> Card:
    return random_card(lang, random.Random(seed))


def jpeg(card_png: bytes) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(card_png)).convert("RGB").save(out, format="JPEG", quality=90)
    return out.getvalue()


def bomb_png() -> bytes:
    """A PNG that decodes to far more pixels than any card (mode 1: 18 MB in memory to make)."""
    out = io.BytesIO()
    Image.new("1", (BOMB_SIDE, BOMB_SIDE)).save(out, format="PNG")
    return out.getvalue()


def truncated_jpeg(card_png: bytes) -> bytes:
    whole = jpeg(card_png)
    return whole[: len(whole) // 2]


def huge_photo(path: Path, size: int = 50 * 1024 * 1024) -> None:
    """A 50 MB 'photo' (a real JPEG start, sparse after it: the size is what is refused)."""
    with path.open("wb") as handle:
        handle.write(jpeg(card("en", 1).png))
        handle.truncate(size)
