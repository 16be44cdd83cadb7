"""Text read from a post's images, given to the tagger together with the caption.

The tagger reads `caption + SEPARATOR + image text` as one text; afterwards each tag says
whether image text was part of what was read (`image_text`) and, when its evidence is a span,
whether that span lies in the caption or in the image (`evidence_from`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from classifiers.tagger import TagResult

SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class PostWithImages:
    id: int
    text: str  # what the tagger reads
    lang: str | None
    caption_chars: int  # text[:caption_chars] is the caption; image text follows SEPARATOR
    has_image_text: bool


def with_image_text(post_id: int, caption: str, lang: str | None,
                    image_text: str) -> PostWithImages:
    if not image_text.strip():
        return PostWithImages(post_id, caption, lang, len(caption), False)
    text = f"{caption}{SEPARATOR}{image_text}" if caption.strip() else image_text
    caption_chars = len(caption) if caption.strip() else 0
    return PostWithImages(post_id, text, lang if caption.strip() else None, caption_chars, True)


def mark_provenance(post: PostWithImages, results: list[TagResult]) -> list[TagResult]:
    """Each tag's evidence says whether image text was read with the caption and where a span
    came from (its offsets are kept relative to the combined text)."""
    if not post.has_image_text:
        return results
    marked = []
    for result in results:
        evidence = {**result.evidence, "image_text": True}
        start = evidence.get("start")
        if isinstance(start, int):
            evidence["evidence_from"] = "image" if start >= post.caption_chars else "caption"
        marked.append(replace(result, evidence=evidence))
    return marked
