"""One post: right-to-left where needed, versions with diffs, raw payload, tags and labels."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from monitor.console.diff import word_diff
from monitor.console.web import NotFound, PageError, PageRequest
from storage.console import dashboard as console_dashboard
from storage.console import posts as console_posts
from storage.media import records as media


def _post_id(req: PageRequest) -> int:
    raw = str(req.request.path_params.get("post_id", ""))
    if not raw.isdigit():
        raise NotFound(f"no post {raw!r}")
    return int(raw)


def _detail_context(req: PageRequest, post_id: int) -> dict[str, Any]:
    with req.state.db.connection() as conn:
        detail = console_posts.post_detail(conn, post_id)
        if detail is None:
            raise NotFound(f"no post with id {post_id}")
        narratives = console_dashboard.narrative_keys(conn)
        images = media.post_images(conn, post_id)
    versions = detail.versions
    diffs = [(versions[i - 1], versions[i], word_diff(versions[i - 1]["text"], versions[i]["text"]))
             for i in range(1, len(versions))]
    carried = {str(c["narrative"]): c for c in detail.carried}
    # Evidence of the narratives the post carries (after analyst labels), not of every tag.
    evidence = [t["evidence"] for t in detail.tags
                if t["narrative"] in carried and isinstance(t["evidence"], dict)]
    return {"detail": detail, "post": detail.post, "diffs": diffs, "evidence": evidence,
            "narratives": narratives, "current": detail.current_labels,
            "carried": carried, "images": images}


def post_page(req: PageRequest) -> Response:
    return req.render("post.html", **_detail_context(req, _post_id(req)))


def label_post(req: PageRequest) -> Response:
    """Record the analyst's confirm/reject; htmx gets the refreshed tags panel back."""
    post_id = _post_id(req)
    narrative = req.form.get("narrative", "").strip()
    verdict = req.form.get("verdict", "").strip()
    analyst = req.session.analyst or ""
    if not analyst:
        raise PageError("set your analyst name before labelling (top right)")
    with req.state.db.connection() as conn:
        try:
            console_posts.add_label(conn, post_id, narrative, verdict, analyst,
                                    req.form.get("note", ""))
        except console_posts.LabelError as exc:
            raise PageError(f"label not saved: {exc}") from None
    if req.is_htmx:
        return req.render("_tags.html", **_detail_context(req, post_id))
    return req.redirect(f"/posts/{post_id}#tags")
