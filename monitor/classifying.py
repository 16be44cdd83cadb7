"""Tagging posts with the narrative classifier: the library behind `chorus classify`, the
daemon's tagging job and the demo (one path for all three)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from classifiers.encoder import ModelLoadError
from classifiers.head import HeadError
from classifiers.image_text import mark_provenance, with_image_text
from classifiers.loading import AnyHead, load_head
from classifiers.pipeline import Post, StopSignal, Tag, TaggingCounts, run_claimed
from classifiers.tagger import Tagger, TagResult, load_tagger
from classifiers.taxonomy import TaxonomyError
from classifiers.training import NotEnoughLabels
from monitor.errors import UserError
from monitor.settings import Config
from storage import tag_queue, tagging
from storage.database import Database

_TAGGERS: dict[tuple[str, str, str, str], Tagger] = {}


@contextmanager
def classifier_errors() -> Iterator[None]:
    """Model, taxonomy and head problems are the user's to fix: one line, no traceback."""
    try:
        yield
    except (ModelLoadError, TaxonomyError, HeadError, NotEnoughLabels) as exc:
        raise UserError(str(exc)) from None


def model_path(config: Config, model: str | None) -> str | None:
    return model or config.model or None


def load_base_tagger(config: Config, path: str | None) -> Tagger:
    """The tagger without a stored head; the default model is built on first use into
    the models folder (`chorus models install`'s)."""
    from monitor.commands.models import models_root

    cache = config.cache_dir
    return load_tagger(path, threads=config.torch_threads,
                       batch_size=config.classify_batch_size,
                       backend=config.classifier_backend,
                       cache_dir=Path(cache).expanduser() / "onnx" if cache else None,
                       models_root=models_root(config))


def configured_tagger(config: Config, db: Database | None, model: str | None = None) -> Tagger:
    """The tagger for the configured model with the newest head trained for it in the
    database (else the head shipped for it). Cached per process: loading takes seconds."""
    from monitor.commands.models import models_root

    path = model_path(config, model)
    backend = config.classifier_backend
    where = str(models_root(config))  # the default model's folder follows the settings
    with classifier_errors():
        base_key = (path or "", where, backend, "")
        base = _TAGGERS.get(base_key) or load_base_tagger(config, path)
        _TAGGERS[base_key] = base
        stored = _stored_head(db, base) if db is not None else None
        if stored is None:
            return base
        key = (path or "", where, backend, stored.version)
        if key not in _TAGGERS:
            _TAGGERS[key] = base.with_head(stored)
        return _TAGGERS[key]


def _stored_head(db: Database, tagger: Tagger) -> AnyHead | None:
    if tagger.encoder is None:
        return None
    with db.connection() as conn:
        row = tagging.latest_head(conn, tagger.encoder.model_id)
    return load_head(row["params"]) if row is not None else None


def tag_pending_posts(
    config: Config,
    db: Database,
    *,
    backfill: bool = False,
    model: str | None = None,
    stop: StopSignal | None = None,
    limit: int | None = None,
    tagger: Tagger | None = None,
) -> TaggingCounts:
    """Tag the queued posts (new, edited, or with image text read since they were tagged);
    with backfill, also the posts another model version tagged. One worker on the shared
    queue (storage.tag_queue): each batch is claimed, tagged and committed on its own, so an
    interrupted run resumes and workers on other hosts share the work."""
    tagger = tagger or configured_tagger(config, db, model)
    with db.connection() as conn:
        missing = tagging.missing_narratives(conn, tagger.keys)
    if missing:
        raise UserError(
            f"narratives {', '.join(missing)} are not in the database; "
            "load the seeds first (chorus sources sync)"
        )
    version = tagger.model_version
    if backfill:  # the posts another model version tagged join the queue
        with db.connection() as conn:
            tag_queue.enqueue_stale(conn, version)

    def claim_batch(size: int, tag: Tag) -> list[tuple[Post, list[TagResult]]]:
        # Claim, tag and write in one transaction: the claimed rows stay locked (other
        # workers skip them) until the tags are committed, or go back if this one dies.
        with db.connection() as conn:
            # Text read from the post's images is tagged with the caption (issue 17).
            posts = [with_image_text(p.id, p.text, p.lang, p.image_text)
                     for p in tag_queue.claim(conn, size)]
            if not posts:
                return []
            batch = list(zip(posts, tag(posts), strict=True))
            tagging.write_tags(conn, version, [
                tagging.PostTags(post.id, [tagging.TagRow(t.narrative, t.score, t.method,
                                                          t.evidence)
                                           for t in mark_provenance(post, results)])
                for post, results in batch])
        return list(batch)

    return run_claimed(claim_batch, tagger, batch_size=config.classify_batch_size,
                       stop=stop, limit=limit)


def forget_taggers() -> None:
    """Drop cached taggers (after a new head is stored)."""
    _TAGGERS.clear()
