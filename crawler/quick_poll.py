"""Polling an outlet's sources before its pass enters the crawl: most polls find nothing new.

Almost every poll of a monitored outlet answers 304, or with the very feed it sent
last time. Through Scrapy's engine, scheduler, spider middlewares and signals such a
poll cost more than twice a plain conditional GET (issue 12). So a pass of the
crawl engine (crawler.engine) whose outlet has no article due for another try
starts here: each configured source (feed, sitemap, section page) is requested,
one after the other, with the very request the pass would make, by the
crawl's own downloader (Scrapy's `engine.download_async`): its download slot and
AutoThrottle delay, the egress policy, robots.txt, the User-Agent and headers, the
conditional headers, timeouts, size limits, decompression, retries and redirects
all apply as in the crawl. Only the scheduler, the spider middlewares and the
bookkeeping of a pass's requests are skipped.

- Every source unchanged (a 304, or the body processed last time): the pass ends
  here, as it would have in the crawl (counted not modified, source records and
  poll state kept, crawler.spiders.outlet).
- At the first source that is not: the pass goes to the crawl, carrying what was
  fetched. A response (after its redirects and retries) is handed to the crawl as
  if it had downloaded it, a failure is raised there (`PrefetchedMiddleware`, first
  of the downloader middlewares): no source is requested twice.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.job import Job
from crawler.spiders.outlet import SOURCE, OutletSpider

PREFETCHED = "atalaia_prefetched"  # request meta: its download's outcome (a Response or error)


class QuickPoll:
    """Polls passes' sources before they enter the crawl (see above). Passes that
    start together (in one turn of the event loop) read their poll states in one
    round trip."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._reads: list[tuple[Job, asyncio.Future[None]]] = []

    async def __call__(self, job: Job) -> bool:
        """Poll `job`'s sources outside the crawl; True when the pass ended here.

        False leaves the pass for the crawl, with its poll state read and what was
        fetched in `job.prefetched`. A pass that the engine stopped meanwhile ends
        (True) without going further.
        """
        spider, engine = self.crawler.spider, self.crawler.engine
        if not isinstance(spider, OutletSpider) or engine is None or engine.spider is None:
            return False  # (not open yet: the crawl starts it)
        try:
            await self._read_poll_state(spider, job)
        except Exception:  # noqa: BLE001 (Redis away: the crawl reads it again, and says so)
            return False
        if job.finished is not None:
            return True  # stopped meanwhile
        if job.due:
            return False  # articles due: the crawl fetches them, and the sources
        unchanged: list[tuple[Request, Response]] = []
        for request in spider.source_requests(job):
            outcome: Response | Exception
            try:
                outcome = await engine.download_async(request)
            except Exception as exc:  # noqa: BLE001 (the crawl's errback reports it)
                outcome = exc
            if job.finished is not None:
                return True  # stopped meanwhile
            if isinstance(outcome, Response) and spider.unchanged(outcome, job):
                unchanged.append((request, outcome))
                continue
            for source, fetched in [*unchanged, (request, outcome)]:
                _hand_on(job, source, fetched)
            return False
        for _, response in unchanged:
            spider.note_unchanged(response, job)
        spider.finish(job, finished=True, reason="finished")
        return True

    async def _read_poll_state(self, spider: OutletSpider, job: Job) -> None:
        loop = asyncio.get_running_loop()
        read: asyncio.Future[None] = loop.create_future()
        if not self._reads:
            loop.call_soon(self._read_all, spider)
        self._reads.append((job, read))
        await read

    def _read_all(self, spider: OutletSpider) -> None:
        reads, self._reads = self._reads, []
        try:
            spider.read_poll_states([job for job, _ in reads])
        except Exception as exc:  # noqa: BLE001 (each pass gets it: none may wait forever)
            for _, read in reads:
                if not read.done():
                    read.set_exception(exc)
            return
        for _, read in reads:
            if not read.done():
                read.set_result(None)


def _hand_on(job: Job, source: Request, outcome: Response | Exception) -> None:
    """Keep a source's download for the crawl: the request that got `outcome` (after
    redirects and retries, so the crawl neither retries nor redirects it again)."""
    request = outcome.request if isinstance(outcome, Response) and outcome.request else source
    request.meta.update({PREFETCHED: outcome, "dont_retry": True, "dont_redirect": True})
    job.prefetched[str(source.meta.get(SOURCE) or source.url)] = request


class PrefetchedMiddleware:
    """Downloader middleware: a request whose download happened already (in a
    `QuickPoll`) gets its response, or raises its failure, without going out."""

    def process_request(self, request: Request) -> Any:
        outcome = request.meta.pop(PREFETCHED, None)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
