"""Issue 14 acceptance: on the demo database, with the classifier's own tags, sedition after
the drone attack stands out against placebo windows, and the same measure at a quiet instant
of the routine period does not.

The placebo windows come from the trailing 90 days inside the collected period, away from
confirmed events: the replay corpus reaches back to 1 September 2021 for them
(seeds/replay/README.md). The quiet instants are measured as hypothetical confirmed events
added inside a transaction that is rolled back, so the shared demo database is unchanged.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from storage.catalog import EventSpec, add_event
from storage.convergence import report as convergence
from storage.convergence.significance import MIN_WINDOWS
from tests.demo_run import DemoRun

pytest_plugins = ["tests.demo_fixtures"]
pytestmark = pytest.mark.slow

# Between the Arbaeen pilgrimage and three days before the vote: no confirmed event within
# 72 h, and at least three weeks of collected time behind it for the placebo windows.
QUIET_FROM = datetime(2021, 9, 22, tzinfo=UTC)
QUIET_UNTIL = datetime(2021, 10, 7, tzinfo=UTC)


def _quiet_instants(count: int) -> list[datetime]:
    draws = random.Random(1409)  # noqa: S311 - a reproducible test, not security
    span = (QUIET_UNTIL - QUIET_FROM).total_seconds()
    return [QUIET_FROM + timedelta(seconds=int(draws.random() * span)) for _ in range(count)]


def _significance_at(demo: DemoRun, at: datetime, narrative: str) -> dict[str, Any]:
    """The event report's significance for `narrative` had a confirmed event been at `at`."""
    with demo.db.connection() as conn, conn.transaction(force_rollback=True):
        event_id = add_event(conn, EventSpec(name=f"quiet instant {at.isoformat()}", at=at))
        report = convergence.event_report(conn, event_id, narrative=narrative)
    (entry,) = report["narratives"]
    significance: dict[str, Any] = entry["significance"]
    assert significance["observed_24h"] == entry["adopters_by_window"]["24h"]
    return significance


def test_sedition_after_the_drone_attack_beats_its_placebo_windows(demo: DemoRun) -> None:
    sedition = demo.report["sedition"]
    significance = sedition["significance"]
    assert significance["observed_24h"] == sedition["adopters_by_window"]["24h"] >= 3
    assert significance["placebo_windows"] >= max(MIN_WINDOWS, 20)
    assert significance["note"] is None
    assert significance["placebo_p"] < 0.01
    assert significance["expected_24h"] < 1
    assert significance["lift"] >= 5


@pytest.mark.parametrize("at", _quiet_instants(3), ids=lambda at: at.strftime("%m-%d %H:%M"))
def test_the_same_measure_at_a_quiet_instant_is_not_significant(
        demo: DemoRun, at: datetime) -> None:
    significance = _significance_at(demo, at, "sedition")
    assert significance["placebo_windows"] >= MIN_WINDOWS
    assert significance["placebo_p"] > 0.1
