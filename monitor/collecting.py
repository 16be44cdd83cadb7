"""The collection entry point the CLI, the daemon and the demo call.

`collect()` runs every due source of the watchlist once: Telegram and X side by side, each
source recorded as a run, each page committed with its checkpoint, and each way of failing
recorded as a collector state, so that the digest and the console can tell a quiet source
from a blind one. Clients come from factories, so tests and the replay pass their own.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from collectors.outcomes import (
    CollectionStopped,
    IdGap,
    Page,
    PlatformStopped,
    Recheck,
    SourceUnavailable,
)
from collectors.retry import AsyncSleep, RetriesExhausted
from collectors.telegram_api import TelegramApi, TelegramNotConfigured, telethon_client
from collectors.telegram_collector import (
    Channel,
    TelegramCollector,
    TelegramSettings,
    known_channel,
    resume_after,
)
from collectors.x_api import XNotConfigured, x_client
from collectors.x_collector import ReadAllowance, XCollector
from monitor.media.download import download_post_photos
from monitor.settings import Config
from storage import collection as store
from storage import completeness, telegram_channels
from storage.completeness import GapRecord
from storage.database import Conn, Database
from storage.posts import WriteCounts

log = logging.getLogger(__name__)
T = TypeVar("T")

# Message ids one run asks Telegram for again when its history skipped some (the rest of a
# larger gap is recorded as missing without a re-fetch).
REFETCH_MAX = 500

TelegramClientFactory = Callable[[], TelegramApi]
XClientFactory = Callable[[], Any]  # a tweepy.Client (or one whose session is a replay)


@dataclass
class SourceRunResult:
    """What happened to one source in one `collect()` call."""

    source_id: int
    platform: str
    handle: str
    status: str  # ok | rate_limited | failed | logged_out | cap_reached | skipped
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    errors: int = 0
    error: str | None = None
    rate_limited_until: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


ProgressCallback = Callable[[SourceRunResult], None]


async def collect(
    config: Config,
    db: Database,
    *,
    platform: str | None = None,
    source: str | None = None,
    telegram_client_factory: TelegramClientFactory | None = None,
    x_client_factory: XClientFactory | None = None,
    now: datetime | None = None,
    include_illustrative: bool = False,
    on_progress: ProgressCallback | None = None,
    sleep: AsyncSleep = asyncio.sleep,
    shards: store.ShardSet | None = None,
) -> list[SourceRunResult]:
    """Collect every due source once (a named `source` is collected even if not yet due);
    with `shards`, only the sources of the shards this daemon replica holds.

    `now` is the collection clock: runs, checkpoints, versions and deletions are stamped with
    it and the re-check window is measured from it (the replay steps it through 2021).
    """
    moment = now or datetime.now(UTC)
    sources = await _db(db, lambda conn: store.watchlist(
        conn, platform=platform, handle=source, include_illustrative=include_illustrative,
        default_interval_minutes=config.collect_interval_minutes, shards=shards))
    results: list[SourceRunResult] = []
    due: dict[str, list[store.WatchedSource]] = {"telegram": [], "twitter": []}
    for s in sources:
        if s.rate_limited_until is not None and s.rate_limited_until > moment:
            results.append(SourceRunResult(
                s.id, s.platform, s.handle, "skipped",
                error=f"{s.state} until {s.rate_limited_until:%Y-%m-%d %H:%M} UTC",
                rate_limited_until=s.rate_limited_until))
        elif source is not None or s.next_due_at is None or s.next_due_at <= moment:
            due[s.platform].append(s)
    run = _Run(config, db, moment, on_progress, sleep, fixed_clock=now is not None)
    done = await asyncio.gather(
        run.telegram(due["telegram"], telegram_client_factory),
        run.x(due["twitter"], x_client_factory))
    for platform_results in done:
        results.extend(platform_results)
    return results


# What each platform's last stop was, as said in the log: a platform that stays unreadable
# (no credentials, logged out) is reported once as blind, not at every run (every minute in
# the daemon); `chorus status` shows its sources as blind meanwhile.
_BLIND_SAID: dict[str, tuple[str, str]] = {}


def _report_blind(platform: str, stopped: PlatformStopped) -> None:
    said = (stopped.state, stopped.reason)
    if _BLIND_SAID.get(platform) == said:
        log.debug("%s still blind: %s", platform, stopped.reason)
        return
    _BLIND_SAID[platform] = said
    log.warning("%s is blind (%s): %s; its sources show as blind in `chorus status` (said "
                "once until this changes)", platform, stopped.state, stopped.reason)


def _start_run(conn: Conn, *, source: store.WatchedSource, started_at: datetime) -> int:
    return store.start_run(conn, source.id, source.platform, started_at)


async def _db(db: Database, work: Callable[[Conn], T]) -> T:
    """Database work in a worker thread (one transaction), so the event loop never blocks."""
    def run() -> T:
        with db.connection() as conn:
            return work(conn)
    return await asyncio.to_thread(run)


class _Run:
    """One `collect()` call: the shared clock, database and progress reporting."""

    def __init__(self, config: Config, db: Database, now: datetime,
                 on_progress: ProgressCallback | None, sleep: AsyncSleep,
                 *, fixed_clock: bool) -> None:
        self.config = config
        self.db = db
        self.now = now
        self.fixed_clock = fixed_clock
        self.on_progress = on_progress
        self.sleep = sleep
        self.recheck_since = now - timedelta(hours=float(config.recheck_window_hours))

    def stamp(self) -> datetime:
        """The time a run starts or ends: the wall clock, unless the caller fixed the clock
        (the replay and tests stamp everything with their `now`)."""
        return self.now if self.fixed_clock else datetime.now(UTC)

    # -- Telegram -------------------------------------------------------------------------

    async def telegram(
        self, sources: list[store.WatchedSource], factory: TelegramClientFactory | None
    ) -> list[SourceRunResult]:
        if not sources:
            return []
        try:
            client = (factory or self._telethon)()
        except TelegramNotConfigured as exc:
            return await self._stop_all("telegram", sources,
                                        PlatformStopped(str(exc), "logged_out"))
        collector = TelegramCollector(client, TelegramSettings(
            page_size=self.config.telegram_page_size,
            flood_wait_threshold_s=float(self.config.flood_wait_threshold_s),
        ), now=self.now, sleep=self.sleep)
        try:
            await collector.start()
        except (CollectionStopped, RetriesExhausted) as exc:
            stopped = exc if isinstance(exc, PlatformStopped) else PlatformStopped(
                f"cannot reach Telegram: {exc}", "failed")
            await collector.close()
            return await self._stop_all("telegram", sources, stopped)
        try:
            handles = await _db(self.db, store.channel_handles)
            channels, unresolved = await self._resolve_channels(collector, sources, handles)

            async def work(s: store.WatchedSource, result: _Result) -> None:
                if s.id in unresolved:
                    raise unresolved[s.id]
                channel = channels[s.id]
                after = resume_after(s.checkpoint)
                gaps: list[IdGap] = []
                async for page in collector.history(channel, after, handles):
                    await self._commit(s, page, result)
                    gaps.extend(page.gaps)
                if gaps:
                    await self._refetch_gaps(collector, s, channel, gaps, handles, result)
                known = await self._recent(s, lambda p: p.native_id.isdigit()
                                           and int(p.native_id) <= after)
                if known:
                    found = await collector.recheck(channel, [int(p.native_id) for p in known],
                                                    handles)
                    await self._apply_recheck(s, found, result)
                if self.config.media_download != "off":  # after the text is stored
                    await download_post_photos(self.config, self.db, collector, s.id, channel)

            return await self._each(sources, work)
        finally:
            await collector.close()

    async def _resolve_channels(
        self, collector: TelegramCollector, sources: list[store.WatchedSource],
        handles: dict[int, str],
    ) -> tuple[dict[int, Channel], dict[int, CollectionStopped | RetriesExhausted]]:
        """Every channel's id and access hash, resolving (once, ever) the new ones before any
        history is read, so that forwards between watched channels are named by handle."""
        channels: dict[int, Channel] = {}
        unresolved: dict[int, CollectionStopped | RetriesExhausted] = {}
        stopped: PlatformStopped | None = None
        for s in sources:
            known = known_channel(s.handle, s.platform_id, s.access_hash)
            if known is not None:
                channels[s.id] = known
                continue
            if stopped is not None:  # no point asking again: the session is gone
                unresolved[s.id] = stopped
                continue
            try:
                channel = await collector.resolve(s.handle)
            except (CollectionStopped, RetriesExhausted) as exc:
                unresolved[s.id] = exc
                stopped = exc if isinstance(exc, PlatformStopped) else None
                continue
            await _db(self.db, functools.partial(
                store.save_resolved, source_id=s.id, platform_id=channel.channel_id,
                access_hash=channel.access_hash))
            handles[channel.channel_id] = s.handle
            channels[s.id] = channel
        return channels, unresolved

    async def _refetch_gaps(self, collector: TelegramCollector, s: store.WatchedSource,
                            channel: Channel, gaps: list[IdGap], handles: dict[int, str],
                            result: _Result) -> None:
        """Ask for the ids history skipped, once; store what comes back and record each gap
        with what stayed missing (monitor.completeness explains the figures)."""
        wanted = [i for gap in gaps for i in gap.ids][:REFETCH_MAX]
        found = await collector.recheck(channel, wanted, handles)
        back = {int(r.native_id) for r in found.records if r.native_id.isdigit()}
        asked = set(wanted)
        records = [GapRecord(g.after_id, g.before_id, g.day,
                             missing=sum(1 for i in g.ids if i not in back),
                             recovered=sum(1 for i in g.ids if i in back),
                             refetched=any(i in asked for i in g.ids)) for g in gaps]

        def write(conn: Conn) -> WriteCounts:
            with conn.transaction():
                counts = store.commit_page(conn, s.id, found.records, checkpoint=None,
                                           resume=None, fetched_at=self.now)
                completeness.record_gaps(conn, s.id, records, self.now)
            return counts
        counts = await _db(self.db, write)
        result.add(counts)
        stayed = sum(r.missing for r in records)
        if stayed:
            log.warning("telegram/%s: %d message id(s) missing in %d gap(s) after a re-fetch "
                        "(%d recovered)", s.handle, stayed, len(gaps), len(back))
        self._progress(result)

    def _telethon(self) -> TelegramApi:
        return telethon_client(self.config.secret("telegram_api_id"),
                               self.config.secret("telegram_api_hash"),
                               self.config.secret("telegram_session"))

    # -- X --------------------------------------------------------------------------------

    async def x(
        self, sources: list[store.WatchedSource], factory: XClientFactory | None
    ) -> list[SourceRunResult]:
        if not sources:
            return []
        try:
            client = (factory or self._tweepy)()
        except XNotConfigured as exc:
            return await self._stop_all("twitter", sources, PlatformStopped(str(exc), "failed"))
        month = store.month_start(self.now)
        used = await _db(self.db, lambda conn: store.x_reads_used(conn, month))
        allowance = ReadAllowance(self.config.x_monthly_read_budget, used, self.now)
        collector = XCollector(client, now=self.now, sleep=self.sleep)

        async def work(s: store.WatchedSource, result: _Result) -> None:
            if s.kind == "search":
                if not s.query:
                    raise SourceUnavailable(f"saved search {s.handle!r} has no query")
                pages = collector.search(s.handle, s.query, s.checkpoint, s.resume, allowance)
            else:
                user_id = s.platform_id
                if user_id is None:
                    user_id = await collector.resolve_user(s.handle)
                    resolved = user_id
                    await _db(self.db, lambda conn: store.save_resolved(conn, s.id, resolved))
                pages = collector.timeline(s.handle, user_id, s.checkpoint, s.resume, allowance)
            try:
                async for page in pages:
                    await self._commit(s, page, result, x_month=month)
            finally:
                result.rate_limit = dict(collector.last_limits)
            if s.kind != "search" and s.checkpoint is not None and self._x_recheck_due(s):
                before = int(s.checkpoint)
                known = await self._recent(s, lambda p: p.current_id.isdigit()
                                           and int(p.current_id) <= before)
                if known:
                    found = await collector.recheck(
                        s.handle, [(p.native_id, p.current_id) for p in known], allowance)
                    await self._apply_recheck(s, found, result, x_month=month)

        return await self._each(sources, work)

    def _x_recheck_due(self, s: store.WatchedSource) -> bool:
        """X lookups spend the monthly read budget, so the recent window is re-read at most
        every few hours (edits need no re-read: they arrive in the timeline with new ids)."""
        every = timedelta(hours=self.config.x_recheck_interval_hours)
        return s.rechecked_at is None or s.rechecked_at + every <= self.now

    def _tweepy(self) -> Any:
        return x_client(self.config.secret("x_bearer_token"))

    # -- shared ---------------------------------------------------------------------------

    async def _each(
        self, sources: list[store.WatchedSource],
        work: Callable[[store.WatchedSource, _Result], Any],
    ) -> list[SourceRunResult]:
        """Run `work` per source, recording each run; a platform-wide stop ends the loop."""
        results: list[SourceRunResult] = []
        for position, s in enumerate(sources):
            started = self.stamp()
            result = _Result(s.id, s.platform, s.handle, "ok", started_at=started)
            run_id = await _db(self.db, functools.partial(
                _start_run, source=s, started_at=started))
            stopped: PlatformStopped | None = None
            try:
                await work(s, result)
            except CollectionStopped as exc:
                result.fail(exc.state, exc.reason, getattr(exc, "until", None))
                stopped = exc if isinstance(exc, PlatformStopped) else None
            except RetriesExhausted as exc:
                result.fail("failed", str(exc), None)
            await self._finish(s, run_id, result)
            results.append(result)
            if stopped is not None:
                results.extend(await self._stop_all(s.platform, sources[position + 1:],
                                                    stopped))
                break
        else:  # read through without a platform stop: a later stop is news again
            if sources:
                _BLIND_SAID.pop(sources[0].platform, None)
        return results

    async def _commit(self, s: store.WatchedSource, page: Page, result: _Result,
                      x_month: date | None = None) -> None:
        def write(conn: Conn) -> WriteCounts:
            counts = store.commit_page(conn, s.id, page.records, checkpoint=page.checkpoint,
                                       resume=page.resume, fetched_at=self.now)
            if x_month is not None and page.reads:
                store.add_x_reads(conn, x_month, page.reads)
            if page.reported is not None:
                completeness.add_counts(conn, s.id, self.now.date(), reported=page.reported,
                                        stored=len(page.records))
            if page.channels:  # forward origins: read later by id, never by username lookup
                telegram_channels.remember(conn, page.channels, self.now)
            return counts
        counts = await _db(self.db, write)
        for reason in page.rejected:
            log.warning("%s/%s: %s", s.platform, s.handle, reason)
        result.fetched += len(page.records) + len(page.rejected)
        result.errors += len(page.rejected)
        result.add(counts)
        self._progress(result)

    async def _recent(self, s: store.WatchedSource,
                      keep: Callable[[store.RecentPost], bool]) -> list[store.RecentPost]:
        posts = await _db(self.db, lambda conn: store.recent_posts(conn, s.id, self.recheck_since))
        return [p for p in posts if keep(p)]

    async def _apply_recheck(self, s: store.WatchedSource, found: Recheck, result: _Result,
                             x_month: date | None = None) -> None:
        def write(conn: Conn) -> tuple[WriteCounts, int]:
            applied = store.apply_recheck(conn, s.id, found.records, found.missing,
                                          seen_at=self.now)
            if x_month is not None and found.reads:
                store.add_x_reads(conn, x_month, found.reads)
            return applied
        counts, deleted = await _db(self.db, write)
        result.updated += counts.updated
        result.deleted += deleted
        self._progress(result)

    async def _finish(self, s: store.WatchedSource, run_id: int, result: _Result) -> None:
        result.finished_at = self.stamp()
        record = store.RunRecord(
            status=result.status, fetched=result.fetched,
            counts=WriteCounts(result.inserted, result.updated, result.unchanged),
            deleted=result.deleted, errors=result.errors, error=result.error,
            rate_limit=result.rate_limit_state())

        def write(conn: Conn) -> None:
            store.finish_run(conn, run_id, record, result.finished_at or self.now)
            store.set_state(conn, s.id, state=result.status, now=self.now, error=result.error,
                            rate_limited_until=result.rate_limited_until)
        await _db(self.db, write)
        self._progress(result)

    async def _stop_all(self, platform: str, sources: list[store.WatchedSource],
                        stopped: PlatformStopped) -> list[SourceRunResult]:
        """The platform cannot be read: every remaining source records why (blind, not quiet)."""
        _report_blind(platform, stopped)
        results = [SourceRunResult(s.id, s.platform, s.handle, stopped.state,
                                   error=stopped.reason, rate_limited_until=stopped.until)
                   for s in sources]

        def write(conn: Conn) -> None:
            for s in sources:
                store.set_state(conn, s.id, state=stopped.state, now=self.now,
                                error=stopped.reason, rate_limited_until=stopped.until,
                                ran=False)
        if sources:
            await _db(self.db, write)
        for result in results:
            self._progress(result)
        return results

    def _progress(self, result: SourceRunResult) -> None:
        if self.on_progress is not None:
            self.on_progress(result)


@dataclass
class _Result(SourceRunResult):
    rate_limit: dict[str, Any] | None = None

    def add(self, counts: WriteCounts) -> None:
        self.inserted += counts.inserted
        self.updated += counts.updated
        self.unchanged += counts.unchanged

    def fail(self, status: str, reason: str, until: datetime | None) -> None:
        self.status, self.error, self.rate_limited_until = status, reason, until
        self.errors += 1

    def rate_limit_state(self) -> dict[str, Any]:
        state: dict[str, Any] = dict(self.rate_limit or {})
        if self.rate_limited_until is not None:
            state["until"] = self.rate_limited_until.isoformat()
        return state

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("rate_limit", None)
        return data
