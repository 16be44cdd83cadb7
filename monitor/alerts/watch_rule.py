"""Pre-positioning rules: an actor posts narrative N and N has not converged yet (fewer than
k actors took it up within the rule's window around the post): watch it.

Read like convergence rules, from tags and labels new since the rule's watermark. One
incident per narrative and UTC day of the post ("watch:false_flag:2021-11-05") lists the
actors; another actor taking it up makes a new version; once k actors have it, the incident
resolves ("converged") and convergence rules take over.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from monitor.alerts.findings import Evaluation, Finding
from monitor.alerts.message import clean_line
from monitor.alerts.shared import Shared
from storage.alerts import queries as q
from storage.alerts.store import AlertRule, Incident
from storage.database import Conn

LISTED = 10


def evaluate_watch(conn: Conn, rule: AlertRule, upto: datetime, now: datetime,
                   open_incidents: list[Incident], recent: q.Recent | None = None, *,
                   shared: Shared | None = None) -> Evaluation:
    """`recent`: as evaluate.evaluate_convergence's (the full-query baseline)."""
    p = rule.params
    k = int(str(p["k"]))
    hours = float(str(p["window_hours"]))
    narrative = p.get("narrative")
    since = rule.seen_until or upto
    posts = [post for post in (shared or Shared()).get(
        ("watched", since, upto, now, hours, recent),
        lambda: q.watched_posts(conn, since=since, upto=upto, now=now, narrative=None,
                                window=timedelta(hours=hours), recent=recent))
        if not narrative or post["narrative"] == narrative]
    opened = {i.incident_key: i for i in open_incidents}
    grouped: dict[str, list[q.WatchedPost]] = {}
    for post in posts:
        grouped.setdefault(f"watch:{post['narrative']}:{post['posted_at'].date()}",
                           []).append(post)
    findings: list[Finding] = []
    for key, new in grouped.items():
        before = opened.get(key)
        old = before.detail.get("posts") if before else None
        seen: list[Any] = list(old) if isinstance(old, list) else []
        listed = {int(str(s["post_id"])) for s in seen}
        seen += [{"post_id": n["post_id"], "actor": n["actor"], "group": n["group"],
                  "platform": n["platform"], "handle": n["handle"], "url": n["url"],
                  "posted_at": n["posted_at"].isoformat()}
                 for n in new if n["post_id"] not in listed]
        actors = sorted({str(s["actor"]) for s in seen})
        so_far = max(n["actors_so_far"] for n in new)
        name = new[0]["narrative"]
        detail: dict[str, Any] = {"narrative": name, "actors": actors,
                                  "actors_so_far": so_far, "k": k, "window_hours": hours,
                                  "posts": seen[:LISTED]}
        who = clean_line(", ".join(actors), 160)
        if so_far >= k:
            if before is not None:  # it converged: the watch is over
                findings.append(Finding(key, f"{name}: converged ({so_far} actors within "
                                        f"{hours:g} h) after {who}", detail, state="resolved"))
            continue
        findings.append(Finding(key, f"{name}: {who} posted it, {so_far} actor(s) within "
                                f"{hours:g} h, not converged yet: watch it", detail))
    return Evaluation(findings, rule.seen_post_id, upto)
