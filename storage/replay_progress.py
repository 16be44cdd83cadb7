"""How far the demo replay got, so a second run continues instead of starting over.

Replaying from an earlier clock than the data already collected would show the collectors
older texts of edited posts (as new versions), so progress is kept after every step.
"""

from __future__ import annotations

import json
from datetime import datetime

from storage.database import Conn
from storage.rows import value_or_none

JOB = "demo_replay"


def replayed_until(conn: Conn, corpus_sha256: str) -> datetime | None:
    until = value_or_none(
        conn, str,
        """SELECT detail->>'until' AS until FROM job_runs
           WHERE job = %(job)s AND detail->>'corpus_sha256' = %(sha)s
           ORDER BY id DESC LIMIT 1""",
        {"job": JOB, "sha": corpus_sha256})
    return None if until is None else datetime.fromisoformat(until)


def record_progress(conn: Conn, corpus_sha256: str, until: datetime,
                    done: bool) -> None:
    detail = json.dumps({"corpus_sha256": corpus_sha256, "until": until.isoformat()})
    updated = conn.execute(
        """UPDATE job_runs SET detail = %(detail)s::jsonb, finished_at = now(),
                  status = CASE WHEN %(done)s THEN 'ok' ELSE 'running' END
           WHERE id = (SELECT id FROM job_runs WHERE job = %(job)s
                         AND detail->>'corpus_sha256' = %(sha)s ORDER BY id DESC LIMIT 1)""",
        {"detail": detail, "done": done, "job": JOB, "sha": corpus_sha256},
    ).rowcount
    if not updated:
        conn.execute(
            """INSERT INTO job_runs (job, status, detail, finished_at)
               VALUES (%(job)s, CASE WHEN %(done)s THEN 'ok' ELSE 'running' END,
                       %(detail)s::jsonb, now())""",
            {"job": JOB, "done": done, "detail": detail},
        )
