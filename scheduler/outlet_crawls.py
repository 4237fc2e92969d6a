"""Crawling one outlet inside the daemon's event loop: a pass of its one crawl engine.

A pass's outcome (for `atalaia status`) is written with the acknowledgement of its
job, in one transaction (`recorder`, given to scheduler.crawl_jobs.CrawlJobs.done);
a pass that did not finish, whose job stays queued, records it at once.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable

import redis

from atalaia.redis_keys import Keys
from crawler.catalogue import Outlet
from crawler.engine import CrawlEngine
from crawler.runner import record_outcome
from crawler.summary import CrawlSummary, OutletSummary
from scheduler.crawl_jobs import Recorder

log = logging.getLogger(__name__)


class OutletCrawls:
    """Runs outlet crawls on one crawl engine, records and reports each one."""

    def __init__(
        self,
        engine: CrawlEngine,
        client: redis.Redis,
        keys: Keys,
        on_finished: Callable[[OutletSummary], None] | None = None,
    ) -> None:
        self.engine = engine
        self.client = client
        self.keys = keys
        self.on_finished = on_finished

    async def crawl(self, outlet: Outlet) -> tuple[OutletSummary, bool]:
        """Crawl `outlet` once; returns its summary and whether the crawl ran to its end
        (False when it was stopped, e.g. by a shutdown). The outcome of a finished
        pass is the caller's to write (`recorder`)."""
        job = await self.engine.crawl(outlet)
        summary = job.summary()
        finished = bool(job.finished)
        if not finished:
            try:
                pipe = self.client.pipeline()
                self.recorder(outlet, summary)(pipe)
                pipe.execute()
            except redis.RedisError as exc:
                log.warning("%s: could not record the crawl's outcome: %s", outlet.id, exc)
        log.info(
            "crawl %s: %d feeds, %d not modified, %d new stories, %d duplicates, "
            "%d non-articles, %d errors in %.1fs%s",
            outlet.id, summary.feeds_fetched + summary.sections_fetched, summary.not_modified,
            summary.new_stories, summary.duplicates, summary.non_articles, summary.errors,
            summary.seconds, "" if finished else f" (stopped: {job.stop_reason})",
            extra={"outlet": outlet.id, "crawl": _fields(summary)},
        )  # fmt: skip
        # (each failure was logged once, as it happened, by the spider)
        if self.on_finished is not None:
            self.on_finished(summary)
        return summary, finished

    def recorder(self, outlet: Outlet, summary: OutletSummary) -> Recorder:
        """What queues the pass's outcome on a pipeline (crawler.runner.record_outcome)."""
        return functools.partial(
            record_outcome,
            keys=self.keys,
            summary=CrawlSummary([summary], summary.seconds),
            now=time.time(),
            timezones={outlet.id: outlet.timezone},
        )


def _fields(summary: OutletSummary) -> dict[str, int | float]:
    return {
        "seconds": summary.seconds,
        "feeds_fetched": summary.feeds_fetched,
        "not_modified": summary.not_modified,
        "new_stories": summary.new_stories,
        "duplicates": summary.duplicates,
        "non_articles": summary.non_articles,
        "errors": summary.errors,
    }
