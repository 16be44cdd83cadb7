"""Images posted with a message, checked before they are kept as evidence.

`inspect_image(data)` says what an image is (sha256, type, size, dimensions, perceptual hash)
or refuses it with a reason a person can read: not an image, too large a file, too many pixels
(a decompression bomb), a truncated or corrupt file. Nothing here touches storage; the bytes are
decoded by Pillow with its bomb guard in force and are never rendered anywhere else.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import imagehash
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 50 * 1024 * 1024  # refused when larger (settings: media_max_bytes)
MAX_PIXELS = 50_000_000  # a 7000 x 7000 card is already absurd; bombs claim billions
# Formats Telegram and X deliver photos in, with the type the console serves them as.
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


class MediaRefused(ValueError):
    """Why a file is not kept (the message names the problem, never the file's content)."""


@dataclass(frozen=True, slots=True)
class ImageFacts:
    sha256: str
    mime_type: str
    size_bytes: int
    width: int
    height: int
    phash: str  # 64-bit perceptual hash (imagehash.phash), 16 hex digits


def inspect_image(data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES,
                  max_pixels: int = MAX_PIXELS) -> ImageFacts:
    """The facts of an image file, or MediaRefused saying why it cannot be kept."""
    if len(data) > max_bytes:
        raise MediaRefused(f"the file has {len(data):,} bytes, over the cap of {max_bytes:,}")
    if not data:
        raise MediaRefused("the file is empty")
    image = _open(data, max_pixels)
    kind = image.format or ""
    if kind not in MIME_TYPES:
        raise MediaRefused(f"a {kind or 'unknown'} image: only {', '.join(MIME_TYPES)} are kept")
    return ImageFacts(
        sha256=hashlib.sha256(data).hexdigest(), mime_type=MIME_TYPES[kind],
        size_bytes=len(data), width=image.width, height=image.height,
        phash=str(imagehash.phash(image.convert("L"))),
    )


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Decode fully (a truncated file fails here, not later in OCR), with the bomb guard."""
    try:
        with warnings.catch_warnings():
            # Pillow warns between its limit and twice it; here both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            pixels = image.width * image.height
            if pixels > max_pixels:
                raise MediaRefused(f"{image.width} x {image.height} pixels, over the cap of "
                                   f"{max_pixels:,}: a decompression bomb or far too large")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaRefused(f"a decompression bomb ({exc})") from None
    except UnidentifiedImageError:
        raise MediaRefused("not an image (Pillow does not recognise the format)") from None
    except OSError as exc:  # truncated or corrupt data
        raise MediaRefused(f"a damaged image: {exc}") from None
    except (SyntaxError, ValueError) as exc:  # some decoders' way of saying corrupt
        raise MediaRefused(f"a damaged image: {exc}") from None
    return image
