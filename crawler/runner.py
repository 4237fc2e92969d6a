"""One crawl pass over chosen outlets, each in its own Scrapy crawler, in this process."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import redis
from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from twisted.internet import task

from alerts.active_watchlists import ActiveWatchlists
from atalaia.logfilter import log_to_stderr
from atalaia.redis_connection import Keys
from atalaia.settings import Settings
from crawler.catalogue import Catalogue, Outlet
from crawler.outlet_health import STORIES_DAY_TTL, stories_today_key
from crawler.scrapy_settings import scrapy_settings
from crawler.services import CrawlContext, attach
from crawler.spiders.outlet import OutletSpider
from crawler.summary import CrawlSummary, OutletSummary

Progress = Callable[[int, int, dict[str, int]], None]
"""Called as progress(outlets_done, outlets_total, totals) while a pass runs."""


def run_crawl(
    settings: Settings,
    outlets: Sequence[Outlet],
    redis_url: str,
    *,
    progress: Progress | None = None,
    log_level: str = "WARNING",
    watchlists: ActiveWatchlists | None = None,
    catalogue: Catalogue | None = None,
    verbose: bool = False,
) -> CrawlSummary:
    """Crawl `outlets` once, concurrently, and return what each one did.

    An outlet that fails is counted in its own summary and does not hold up the
    others. Blocks until every outlet is done; runs the Twisted reactor, so it
    can be called once per process. Unless `verbose`, the log has one line per
    failure and no tracebacks (atalaia.logfilter).
    """
    crawl_settings = scrapy_settings(settings, log_level=log_level)
    context = CrawlContext(settings, redis_url, watchlists, catalogue)
    crawl_settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(crawl_settings)
    log_to_stderr(log_level, verbose=verbose)
    started = time.monotonic()
    crawlers: dict[str, Crawler] = {}
    timings: dict[str, list[float]] = {}
    for outlet in outlets:
        crawler = attach(process.create_crawler(OutletSpider), context)
        crawlers[outlet.id] = crawler
        timings[outlet.id] = [time.monotonic(), 0.0]
        crawler.signals.connect(
            _closed_timer(timings[outlet.id]), signal=signals.spider_closed, weak=False
        )
        process.crawl(crawler, outlet=outlet)
    ticker = None
    if progress is not None:
        ticker = task.LoopingCall(_report, progress, crawlers, timings)
        ticker.start(0.25, now=True)
    process.start(stop_after_crawl=True, install_signal_handlers=True)
    if ticker is not None and ticker.running:
        ticker.stop()
    summaries = []
    for outlet in outlets:
        crawler = crawlers[outlet.id]
        start, end = timings[outlet.id]
        stats = crawler.stats.get_stats() if crawler.stats else {}
        summaries.append(
            OutletSummary.from_stats(outlet.id, stats, (end or time.monotonic()) - start)
        )
    summary = CrawlSummary(summaries, time.monotonic() - started)
    if progress is not None:
        _report(progress, crawlers, timings)
    return summary


def record_outcome(
    client: redis.Redis,
    keys: Keys,
    summary: CrawlSummary,
    now: float,
    timezones: Mapping[str, str],
) -> None:
    """Keep each outlet's last pass, and its day's count of new stories (the day in
    the outlet's timezone, from `timezones`), in Redis for `atalaia status`."""
    pipe = client.pipeline()
    for outlet in summary.outlets:
        key = keys("outlet", outlet.outlet)
        pipe.hset(key, "last_crawl", now)
        pipe.hset(key, "last_summary", json.dumps(asdict(outlet)))
        if outlet.ok:
            pipe.hset(key, "last_success", now)
        else:
            pipe.hset(key, "last_error", (outlet.error_messages or ["error"])[0])
        if outlet.new_stories:
            zone = ZoneInfo(timezones.get(outlet.outlet, "UTC"))
            day = datetime.fromtimestamp(now, zone).date()
            counter = stories_today_key(keys, outlet.outlet, day)
            pipe.incrby(counter, outlet.new_stories)
            pipe.expire(counter, STORIES_DAY_TTL)
    pipe.execute()


def _closed_timer(timing: list[float]) -> Callable[..., None]:
    def closed(**_: Any) -> None:
        timing[1] = time.monotonic()

    return closed


def _report(
    progress: Progress, crawlers: dict[str, Crawler], timings: dict[str, list[float]]
) -> None:
    totals = {"new_stories": 0, "articles_fetched": 0, "errors": 0}
    for crawler in crawlers.values():
        stats = crawler.stats.get_stats() if crawler.stats else {}
        for name in totals:
            totals[name] += int(stats.get(f"atalaia/{name}", 0))
    done = sum(1 for start_end in timings.values() if start_end[1])
    progress(done, len(crawlers), totals)
