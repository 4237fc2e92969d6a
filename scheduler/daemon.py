"""`atalaia run`: the whole chain in one asyncio event loop, or one role of it.

- scheduler: one APScheduler job per outlet (`every` with jitter, or `cron` in the
  outlet's timezone); while it holds the leader lease it puts crawl jobs on the
  crawl-job stream.
- crawler: takes crawl jobs through the consumer group "crawlers" and runs each
  as a pass of its one crawl engine (one Scrapy crawler for the process's life).
- dispatcher: delivers alerts (alerts.delivery.Dispatcher).

Plain `atalaia run` is all three. Every role rides out a Redis outage (it logs it,
/healthz says 503, and it carries on when Redis is back); nothing is acknowledged
before it is done, so a process that dies loses nothing.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import redis
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from redis.backoff import NoBackoff
from redis.retry import Retry
from scrapy.crawler import AsyncCrawlerRunner

from alerts.active_watchlists import ActiveWatchlists
from alerts.alert import Alert
from alerts.delivery import DeliveryStats, Dispatcher, DispatcherOptions
from atalaia.redis_connection import async_client
from atalaia.redis_keys import Keys
from atalaia.redis_outage import REDIS_DOWN, Outage, pause, until_redis
from atalaia.settings import Settings
from crawler import extraction_pool
from crawler.catalogue import Catalogue, Outlet
from crawler.engine import CrawlEngine
from crawler.scrapy_settings import scrapy_settings
from crawler.services import CrawlContext
from scheduler.crawl_jobs import CrawlJob, CrawlJobs, Recorder
from scheduler.leader import LeaderLease
from scheduler.metrics import Metrics
from scheduler.outlet_crawls import OutletCrawls

log = logging.getLogger(__name__)

ROLES = ("scheduler", "crawler", "dispatcher")
T = TypeVar("T")
Ending = tuple[bool, Recorder | None]
"""How a crawl job ended: done (to acknowledge), and what records its outcome then."""


@dataclass(frozen=True)
class DaemonOptions:
    roles: frozenset[str] = frozenset(ROLES)
    crawl_concurrency: int = Settings.model_fields["crawl_concurrency"].default
    reload_every: float = 5.0
    lease_ttl: float = 15.0
    claim_idle: float = 60.0
    touch_every: float = 10.0
    consumer: str = field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")


class Daemon:
    def __init__(
        self,
        settings: Settings,
        catalogue: Catalogue,
        watchlists: ActiveWatchlists,
        redis_url: str,
        metrics: Metrics,
        options: DaemonOptions,
    ) -> None:
        self.settings = settings
        self.catalogue = catalogue
        self.watchlists = watchlists
        self.redis_url = redis_url
        self.metrics = metrics
        self.options = options
        self.keys = Keys(settings.redis_prefix)
        # One retry, on a fresh connection: after Redis restarts, the pool's idle
        # connections are dead, and the first command on each would fail.
        self.client = async_client(redis_url)
        self.sync_client = redis.Redis.from_url(
            redis_url, socket_connect_timeout=2, socket_timeout=10, retry=Retry(NoBackoff(), 1)
        )
        self.jobs = CrawlJobs(self.client, self.keys, claim_idle=options.claim_idle)
        self.lease = LeaderLease(self.client, self.keys, options.consumer, options.lease_ttl)
        self.delivery_stats = DeliveryStats()
        self.dispatcher: Dispatcher | None = None
        self.redis_ok = True
        self.heartbeat = time.monotonic()
        self._outages: dict[str, Outage] = {}

    # -- the whole ------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Run the chosen roles until `stop` is set, then wind down cleanly."""
        roles: list[Awaitable[None]] = [self._heartbeat(stop), self._reload_loop(stop)]
        if "scheduler" in self.options.roles:
            roles.append(self._scheduler_role(stop))
        if "crawler" in self.options.roles:
            roles.append(self._crawler_role(stop))
        if "dispatcher" in self.options.roles:
            roles.append(self._dispatcher_role(stop))
        log.info(
            "atalaia running: roles %s, %d outlets, %d watchlists",
            ", ".join(r for r in ROLES if r in self.options.roles),
            len(self.catalogue.enabled),
            len(self.watchlists.current.config.watchlists),
        )
        try:
            await asyncio.gather(*roles)
        finally:
            await self.client.aclose()
            self.sync_client.close()
        log.info("atalaia stopped")

    async def healthy(self) -> bool | str:
        """Redis answers, the event loop is alive and no stage keeps failing (a string
        says which stage and why)."""
        if time.monotonic() - self.heartbeat > 10:
            return False
        try:
            if not await asyncio.wait_for(self.client.ping(), timeout=2):
                return False
        except (redis.RedisError, TimeoutError):
            return False
        failing = self.failing_stages(time.time())
        if failing:
            return "; ".join(f"{stage}: {why}" for stage, why in failing.items())
        return True

    def failing_stages(self, now: float) -> dict[str, str]:
        """The stages of this process that keep failing, and why (atalaia.stage_health)."""
        if "crawler" not in self.options.roles:
            return {}
        return extraction_pool.HEALTH.failing(now)

    async def _heartbeat(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.heartbeat = time.monotonic()
            await pause(stop, 1.0)

    async def _reload_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await pause(stop, self.options.reload_every)
            if stop.is_set():
                return
            if self.watchlists.reload_if_changed() and self.dispatcher is not None:
                self.dispatcher.update_channels(self.watchlists.current.config.channels)

    # -- scheduler ------------------------------------------------------------------

    async def _scheduler_role(self, stop: asyncio.Event) -> None:
        scheduler = AsyncIOScheduler(timezone=UTC)
        now = datetime.now(UTC)
        for outlet in self.catalogue.enabled:
            scheduler.add_job(
                enqueue_crawl,
                trigger=_trigger(outlet),
                args=[self, outlet.id],
                id=outlet.id,
                name=f"crawl {outlet.id}",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                next_run_time=_first_run(outlet, now),
            )
        scheduler.start()
        try:
            while not stop.is_set():
                await self._guarded("scheduler", self._lead_and_publish(scheduler))
                await pause(stop, self.options.lease_ttl / 3)
        finally:
            scheduler.shutdown(wait=False)
            await self._guarded("scheduler", self.lease.release())

    async def _lead_and_publish(self, scheduler: AsyncIOScheduler) -> None:
        was_leading = self.lease.held
        leading = await self.lease.acquire_or_renew()
        if leading and not was_leading:
            log.info("this scheduler (%s) leads: crawl jobs are ours to queue", self.lease.holder)
        elif was_leading and not leading:
            log.warning("this scheduler lost the lead to %s", await self.lease.leader())
        if leading:
            next_runs = {
                job.id: f"{job.next_run_time.timestamp():.0f}"
                for job in scheduler.get_jobs()
                if job.next_run_time is not None
            }
            if next_runs:
                await self.client.hset(self.keys.next_runs(), mapping=next_runs)

    # -- crawler --------------------------------------------------------------------

    async def _crawler_role(self, stop: asyncio.Event) -> None:
        runner = AsyncCrawlerRunner(scrapy_settings(self.settings, log_level="WARNING"))
        context = CrawlContext(self.settings, self.redis_url, self.watchlists, self.catalogue)
        engine = CrawlEngine(runner, context)
        engine.start()
        crawls = OutletCrawls(engine, self.sync_client, self.keys, self.metrics.crawl_finished)
        running: dict[str, tuple[CrawlJob, asyncio.Task[Ending]]] = {}
        last_touch = time.monotonic()
        resume = True
        await self._until_redis(stop, "crawler", self.jobs.ensure_group)
        while not stop.is_set():
            free = self.options.crawl_concurrency - len(running)
            if free > 0:
                taken = await self._guarded(
                    "crawler",
                    self.jobs.take(self.options.consumer, free, block_ms=1000, resume=resume),
                )
                resume = resume and taken is None  # its own unfinished jobs: read once
            else:
                # Every slot busy: wait for a crawl to end. (Looping on would never
                # yield to the event loop, starving the very crawls it waits for.)
                taken = []
                await asyncio.wait(
                    [task for _, task in running.values()],
                    timeout=1.0,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            for job in taken or []:
                if job.entry_id not in running:
                    task = asyncio.ensure_future(self._crawl_job(crawls, job))
                    running[job.entry_id] = (job, task)
            ended = {key: entry for key, entry in running.items() if entry[1].done()}
            finished, _ = _split_endings(ended.values())
            acknowledge = functools.partial(self.jobs.done_all, finished)
            if not finished or await self._until_redis(stop, "crawler", acknowledge):
                for entry_id in ended:
                    del running[entry_id]
            # (else stopping: they are acknowledged, with their outcomes, below)
            if time.monotonic() - last_touch > self.options.touch_every:
                jobs = [job for job, _ in running.values()]
                if jobs:  # (as above: no call, no news about Redis)
                    await self._guarded("crawler", self.jobs.touch(self.options.consumer, jobs))
                last_touch = time.monotonic()
            if not running and not taken:
                await pause(stop, 0.5)
        await engine.close()
        if running:
            await asyncio.wait([task for _, task in running.values()])
            finished, unfinished = _split_endings(running.values())
            await self._guarded("crawler", self.jobs.done_all(finished))
            await self._guarded("crawler", self.jobs.release(self.options.consumer, unfinished))
            log.info(
                "stopped %d running crawls; %d jobs released for another crawler",
                len(running), len(unfinished),
            )  # fmt: skip

    async def _crawl_job(self, crawls: OutletCrawls, job: CrawlJob) -> Ending:
        """Run one job: whether it is done (to acknowledge; False leaves it queued), and
        what records its outcome with the acknowledgement."""
        outlet = self.catalogue.by_id.get(job.outlet_id)
        if outlet is None:
            log.warning("crawl job for %r, which is not in the catalogue: dropped", job.outlet_id)
            return True, None
        try:
            summary, finished = await crawls.crawl(outlet)
        except Exception:
            log.exception("crawl %s failed", outlet.id)
            return True, None
        return finished, crawls.recorder(outlet, summary) if finished else None

    # -- dispatcher -----------------------------------------------------------------

    async def _dispatcher_role(self, stop: asyncio.Event) -> None:
        async with Dispatcher(
            self.client,
            self.keys,
            self.watchlists.current.config.channels,
            options=DispatcherOptions(claim_idle=self.options.claim_idle),
            stats=self.delivery_stats,
            on_delivered=self._delivered,
        ) as dispatcher:
            self.dispatcher = dispatcher
            await dispatcher.run(stop)

    def _delivered(self, alert: Alert, channel: str, when: float) -> None:
        article = alert.article
        self.metrics.alert_delivered(
            channel,
            article.outlet,
            # a day-only date (midnight) would read as hours of latency
            article.published_at if article.published_precision != "day" else None,
            datetime.fromtimestamp(when, UTC),
        )

    # -- Redis outages --------------------------------------------------------------

    async def _guarded(self, role: str, work: Awaitable[T]) -> T | None:
        """`work`, or None when Redis is away (logged once per outage and role)."""
        try:
            result = await work
        except REDIS_DOWN as exc:
            self._outage(role).lost(exc)
            await asyncio.sleep(1.0)
            return None
        self._outage(role).back()
        return result

    async def _until_redis(
        self, stop: asyncio.Event, role: str, call: Callable[[], Awaitable[None]]
    ) -> bool:
        """Run `call` once Redis lets it succeed (or until stopping); whether it ran."""
        return await until_redis(stop, call, self._outage(role))

    def _outage(self, role: str) -> Outage:
        return self._outages.setdefault(role, Outage(role))


async def enqueue_crawl(daemon: Daemon, outlet_id: str) -> None:
    """The scheduler's job: queue a crawl of the outlet, if this scheduler leads."""
    if not daemon.lease.held:
        return
    queued = await daemon._guarded("scheduler", daemon.jobs.enqueue(outlet_id, time.time()))
    if queued is False:
        log.debug("crawl of %s still queued or running: not queued again", outlet_id)


def _split_endings(
    ended: Iterable[tuple[CrawlJob, asyncio.Task[Ending]]],
) -> tuple[list[tuple[CrawlJob, Recorder | None]], list[CrawlJob]]:
    """Ended crawl jobs: those done, each with its outcome's recorder (to acknowledge),
    and those to leave queued."""
    done: list[tuple[CrawlJob, Recorder | None]] = []
    left: list[CrawlJob] = []
    for job, task in ended:
        finished, record = task.result()
        if finished:
            done.append((job, record))
        else:
            left.append(job)
    return done, left


def _trigger(outlet: Outlet) -> BaseTrigger:
    if outlet.cron is not None:
        return CronTrigger.from_crontab(outlet.cron, timezone=outlet.zone)
    seconds = (outlet.interval or timedelta(minutes=5)).total_seconds()
    return IntervalTrigger(seconds=seconds, jitter=min(seconds / 10, 30), timezone=UTC)


def _first_run(outlet: Outlet, now: datetime) -> datetime | None:
    """Interval outlets start soon, spread over a few seconds; cron ones wait for their time."""
    if outlet.cron is not None:
        return None
    seconds = (outlet.interval or timedelta(minutes=5)).total_seconds()
    return now + timedelta(seconds=random.uniform(0, min(seconds, 5)))
