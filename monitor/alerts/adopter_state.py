"""An event's adopters kept between alert runs, so that a minute's evaluation reads only the
adoptions tagged since the last read instead of the event's whole window again (issue 15).

What was kept holds while nothing but new tags changed the frame: its rows now are the rows
read last time plus those whose tag is new, no label was written on one of its posts, the
event's rivals (the events that could take its posts) are the same, and so are the sources'
actors and roles and the actors' camps (storage.alerts.adopters' fingerprint). Anything else
(a rejected or re-scored tag, a re-tagged or deleted post, a late commit, a source moved to
another actor, a new rival event) reads the frame again in full, as every run did before.

Merging is exact: an actor's first post over the old and the new rows is the earlier of its
first post in each (by time, then post id, as the event report orders them).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from storage.alerts import adopters as store
from storage.alerts.adopters import Adopter, Fingerprint
from storage.convergence.attribution import Rivals, rivals
from storage.convergence.common import Window
from storage.database import Conn

KEPT_EVENTS = 128  # events kept per process (the least recently read go first)


@dataclass(frozen=True)
class _Kept:
    rivals: Rivals
    fingerprint: Fingerprint
    firsts: dict[str, dict[int, Adopter]]  # narrative -> actor id -> first adoption


_Key = tuple[str, int, datetime, datetime]  # database, event, frame
_KEPT: OrderedDict[_Key, _Kept] = OrderedDict()
_LOCK = threading.Lock()


def _earlier(a: Adopter, b: Adopter) -> bool:
    return (a["posted_at"], a["post_id"]) < (b["posted_at"], b["post_id"])


def _merged(firsts: dict[str, dict[int, Adopter]], new: dict[str, list[Adopter]]
            ) -> dict[str, dict[int, Adopter]]:
    out = {narrative: dict(by_actor) for narrative, by_actor in firsts.items()}
    for narrative, found in new.items():
        mine = out.setdefault(narrative, {})
        for adopter in found:
            known = mine.get(adopter["actor_id"])
            if known is None or _earlier(adopter, known):
                mine[adopter["actor_id"]] = adopter
    return out


def _ordered(firsts: dict[str, dict[int, Adopter]]) -> dict[str, list[Adopter]]:
    """Per narrative in lead-lag order, as the full read returns them."""
    return {narrative: sorted(by_actor.values(),
                              key=lambda a: (a["posted_at"], a["actor"], a["post_id"]))
            for narrative, by_actor in sorted(firsts.items()) if by_actor}


def _holds(kept: Fingerprint, now: Fingerprint) -> bool:
    return (not now["labelled"] and now["catalog"] == kept["catalog"]
            and now["frame_rows"] == kept["frame_rows"] + now["tagged_new"])


def _keep(key: _Key, kept: _Kept) -> None:
    with _LOCK:
        _KEPT[key] = kept
        _KEPT.move_to_end(key)
        while len(_KEPT) > KEPT_EVENTS:
            _KEPT.popitem(last=False)


def adopters(conn: Conn, event_id: int, frame: Window) -> dict[str, list[Adopter]]:
    """The event's adopters within the frame, per narrative in lead-lag order, read in full
    or updated from what the last read kept (per database: two databases in one process
    never share what is kept)."""
    found_rivals = rivals(conn, event_id, frame)
    key = (f"{conn.info.host}:{conn.info.port}/{conn.info.dbname}", event_id, frame.t0,
           frame.post_end)
    with _LOCK:
        kept = _KEPT.get(key)
    if kept is not None and kept.rivals == found_rivals:
        new, fingerprint = store.changes(conn, frame, found_rivals,
                                         kept.fingerprint["read_at"])
        if _holds(kept.fingerprint, fingerprint):
            firsts = _merged(kept.firsts, new)
            _keep(key, _Kept(found_rivals, fingerprint, firsts))
            return _ordered(firsts)
    found, fingerprint = store.measure(conn, frame, found_rivals)
    _keep(key, _Kept(found_rivals, fingerprint,
                     {narrative: {a["actor_id"]: a for a in rows}
                      for narrative, rows in found.items()}))
    return found


def forget() -> None:
    """Drop everything kept (tests; a process that wants the next reads in full)."""
    with _LOCK:
        _KEPT.clear()
