"""A spider that runs outlet passes (crawler.job.Job) as they come, and knows when each ends.

Its `start()` takes passes from a queue (None ends it) and yields each one's first
requests; while it waits for the next one the spider is not idle, so it stays open
for as long as the crawl engine (crawler.engine) lives. Every request of a pass
carries it in its meta and goes through `_step` or `_step_failed`, which call the
callback or errback it names and count, for the pass, what the callback hands to
Scrapy: each request (until its own callback or errback has run, or the scheduler
drops it) and each item (until it has left the item pipelines). A pass with nothing
outstanding is over: `finish` is called once, with the pass.

Spider middlewares that silently drop requests would leave their pass waiting
forever: none of the ones enabled does (URLLENGTH_LIMIT is off in crawler.settings).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

import redis
import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.job import META_KEY, Job, job_of
from crawler.redis_outage import redis_failure_message
from crawler.request_outlet import outlet_of
from crawler.slots import SLOT

CALLBACK = "atalaia_callback"  # request meta: the name of the spider method to call
ERRBACK = "atalaia_errback"  # request meta: the name of the spider method for a failure

logger = logging.getLogger(__name__)


class JobSpider(scrapy.Spider):
    """The machinery of passes; subclasses say what a pass requests and does at its end."""

    jobs: asyncio.Queue[Job | None]
    active: set[Job]
    closing: bool

    def start_jobs(self, crawler: Crawler, jobs: asyncio.Queue[Job | None]) -> None:
        """Take passes from `jobs` (for `from_crawler`)."""
        self.jobs = jobs
        self.active = set()
        self.closing = False
        self._items: dict[int, Job] = {}
        crawler.signals.connect(self._item_ended, signal=signals.item_scraped)
        crawler.signals.connect(self._item_ended, signal=signals.item_dropped)
        crawler.signals.connect(self._item_ended, signal=signals.item_error)
        crawler.signals.connect(self._request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(self._idle, signal=signals.spider_idle)
        crawler.signals.connect(self._closed, signal=signals.spider_closed)

    # What subclasses give -------------------------------------------------------

    def first_requests(self, job: Job) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    def finish(self, job: Job, *, finished: bool, reason: str) -> None:
        """End `job` (`finished`: it ran to its end; else it was stopped)."""
        job.end(finished=finished, reason=reason)

    # Requests of a pass ---------------------------------------------------------

    def request(
        self, job: Job, url: str, callback: str, errback: str, **kwargs: Any
    ) -> scrapy.Request:
        """A request of `job` whose response goes to the method named `callback` (called
        with the response and the job), or its failure to `errback` (failure, job)."""
        meta = {META_KEY: job, CALLBACK: callback, ERRBACK: errback, **kwargs.pop("meta", {})}
        request = scrapy.Request(
            url, callback=self._step, errback=self._step_failed, meta=meta, **kwargs
        )
        request.meta.setdefault(SLOT, outlet_of(request, job).id)  # (crawler.slots)
        return request

    def job_of_item(self, item: Any) -> Job | None:
        """The pass an item in the pipelines belongs to."""
        return self._items.get(_item_key(item))

    async def start(self) -> AsyncIterator[scrapy.Request]:
        while True:
            job = await self.jobs.get()
            if job is None:  # the engine closes: let the spider close once idle
                self.closing = True
                return
            self.active.add(job)
            try:
                requests = list(self.first_requests(job))
            except redis.RedisError as exc:
                requests = []
                job.note_error(redis_failure_message(job.outlet.id, exc))
            except Exception as exc:
                requests = []
                logger.exception("%s: could not start its pass", job.outlet.id)
                job.note_error(f"could not start its pass: {type(exc).__name__}: {exc}", log=False)
            for request in requests:
                job.started_one()
                yield request
            self._ended_one(job)  # the hold it started with

    async def _step(self, response: Response) -> AsyncIterator[Any]:
        job = job_of(response.request)
        assert job is not None
        try:
            output = getattr(self, response.meta[CALLBACK])(response, job)
            async for thing in _each(output):
                self._handed(job, thing)
                yield thing
        except redis.RedisError as exc:
            job.note_error(redis_failure_message(response.url, exc))
        except Exception:
            job.note_unexpected()  # (Scrapy logs it, with its traceback)
            raise
        finally:
            self._ended_one(job)

    def _step_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        job = job_of(request)
        assert job is not None and request is not None
        try:
            getattr(self, request.meta[ERRBACK])(failure, job)
        except redis.RedisError as exc:
            job.note_error(redis_failure_message(request.url, exc))
        except Exception:
            job.note_unexpected()
            raise
        finally:
            self._ended_one(job)

    def _handed(self, job: Job, thing: Any) -> None:
        job.started_one()
        if not isinstance(thing, scrapy.Request):
            self._items[_item_key(thing)] = job

    def _item_ended(self, item: Any, response: Response | Failure | None = None, **_: Any) -> None:
        job = self._items.pop(_item_key(item), None)
        if job is not None:
            self._ended_one(job)

    def _request_dropped(self, request: scrapy.Request, **_: Any) -> None:
        job = job_of(request)
        if job is not None:
            self._ended_one(job)

    def _ended_one(self, job: Job) -> None:
        job.outstanding -= 1
        if job.outstanding <= 0 and job in self.active:
            self.active.discard(job)
            self.finish(job, finished=True, reason="finished")

    # The spider's life ----------------------------------------------------------

    def _idle(self) -> None:
        if not self.closing:
            raise DontCloseSpider

    def _closed(self, reason: str) -> None:
        """Passes still running when the spider closes are stopped: `finish` them so."""
        for job in list(self.active):
            self.active.discard(job)
            self.finish(job, finished=False, reason=reason)


async def _each(output: Any) -> AsyncIterator[Any]:
    """What a callback returned, one by one (it may return None, an iterable or an
    async iterable)."""
    if output is None:
        return
    if isinstance(output, AsyncIterable):
        async for thing in output:
            yield thing
    elif isinstance(output, Iterator | Iterable):
        for thing in output:
            yield thing
    else:
        yield output


def _item_key(item: Any) -> int:
    """Items are known by their article, which a story keeps (crawler.pipelines)."""
    return id(getattr(item, "article", item))
