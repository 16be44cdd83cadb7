"""Posted images, served from the content-addressed store to a logged-in analyst (the route is
a page, so the console's login applies), never fetched from the post's own URL."""

from __future__ import annotations

import re

from starlette.responses import Response

from monitor.console.web import NotFound, PageRequest
from monitor.settings import media_store_dir
from storage.media import records as media
from storage.media.files import MediaStore

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def image(req: PageRequest) -> Response:
    sha256 = str(req.request.path_params.get("sha256", ""))
    if not _SHA256.match(sha256):
        raise NotFound("no such image")
    with req.state.db.connection() as conn:
        found = media.served_file(conn, sha256)
    data = MediaStore(media_store_dir(req.state.config)).read(sha256) if found else None
    if found is None or data is None:
        raise NotFound("no such image")
    # The type recorded when the file was checked; the browser must not guess another.
    return Response(data, media_type=found.mime_type, headers={
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="{sha256[:16]}"'})
