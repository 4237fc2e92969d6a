"""One crawl pass over chosen outlets, on one crawl engine, in this process."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scrapy.crawler import AsyncCrawlerProcess
from twisted.internet import task

from alerts.active_watchlists import ActiveWatchlists
from atalaia.logfilter import log_to_stderr
from atalaia.redis_keys import Keys
from atalaia.settings import Settings
from crawler.catalogue import Catalogue, Outlet
from crawler.engine import CrawlEngine
from crawler.job import Job
from crawler.outlet_health import STORIES_DAY_TTL
from crawler.scrapy_settings import scrapy_settings
from crawler.services import CrawlContext
from crawler.summary import CrawlSummary

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

    Every outlet is a pass of one crawl engine (crawler.engine); one that fails is
    counted in its own summary and does not hold up the others. Blocks until every
    outlet is done; runs the Twisted reactor, so it can be called once per process.
    Unless `verbose`, the log has one line per failure and no tracebacks
    (atalaia.logfilter).
    """
    crawl_settings = scrapy_settings(settings, log_level=log_level)
    context = CrawlContext(settings, redis_url, watchlists, catalogue)
    crawl_settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = AsyncCrawlerProcess(crawl_settings)
    log_to_stderr(log_level, verbose=verbose)
    started = time.monotonic()
    engine = CrawlEngine(process, context)
    engine.start()
    jobs = [engine.submit(outlet) for outlet in outlets]
    engine.finish_after()
    ticker = None
    if progress is not None:
        ticker = task.LoopingCall(_report, progress, jobs)
        ticker.start(0.25, now=True)
    process.start(stop_after_crawl=True, install_signal_handlers=True)
    if ticker is not None and ticker.running:
        ticker.stop()
    summary = CrawlSummary([job.summary() for job in jobs], time.monotonic() - started)
    if progress is not None:
        _report(progress, jobs)
    return summary


def record_outcome(
    pipe: Any,
    keys: Keys,
    summary: CrawlSummary,
    now: float,
    timezones: Mapping[str, str],
) -> None:
    """Queue on `pipe` (a sync or asyncio Redis pipeline; the caller executes it) each
    outlet's last pass, and its day's count of new stories (the day in the outlet's
    timezone, from `timezones`), which `atalaia status` shows."""
    for outlet in summary.outlets:
        key = keys.outlet(outlet.outlet)
        fields: dict[str, str | float] = {
            "last_crawl": now, "last_summary": json.dumps(outlet.to_dict())
        }  # fmt: skip
        if outlet.ok:
            fields["last_success"] = now
        else:
            fields["last_error"] = (outlet.error_messages or ["error"])[0]
        pipe.hset(key, mapping=fields)
        if outlet.new_stories:
            zone = ZoneInfo(timezones.get(outlet.outlet, "UTC"))
            day = datetime.fromtimestamp(now, zone).date()
            counter = keys.outlet_stories(outlet.outlet, day)
            pipe.incrby(counter, outlet.new_stories)
            pipe.expire(counter, STORIES_DAY_TTL)


def _report(progress: Progress, jobs: Sequence[Job]) -> None:
    totals = {"new_stories": 0, "articles_fetched": 0, "errors": 0}
    for job in jobs:
        for name in totals:
            totals[name] += int(job.stats.get(f"atalaia/{name}", 0))
    done = sum(1 for job in jobs if job.finished is not None)
    progress(done, len(jobs), totals)
