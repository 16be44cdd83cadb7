"""The daily alert email.

    build_digest(config, db, day) -> Digest        # compose.py: the sections, from SQL
    deliver(config, db, day, make_digest)          # delivery.py: exactly once per date
    deliver_digest(config, db, digest)             # the same, for a digest already built
    write_preview(config, digest) -> (eml, html)   # --dry-run: outbox files, nothing recorded
"""

from monitor.digest.compose import build_digest
from monitor.digest.delivery import DeliveryResult, deliver, deliver_digest, write_preview
from monitor.digest.model import Digest

__all__ = ["Digest", "DeliveryResult", "build_digest", "deliver", "deliver_digest",
           "write_preview"]
