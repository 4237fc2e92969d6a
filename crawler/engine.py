"""The crawl engine: one Scrapy crawler per process, for every outlet pass it is given.

A pass (crawler.job.Job) is queued to the one long-running spider (crawler.spiders.
outlet), which starts it as soon as it comes; passes of many outlets run at once,
each in its own download slot (crawler.slots). robots.txt, DNS, the egress policy's
cache, connection pools and Redis connections are the crawler's, so every pass
after the first reuses them. The engine keeps nothing of a pass once it has ended.

    engine = CrawlEngine(AsyncCrawlerRunner(scrapy_settings), context)
    engine.start()
    job = await engine.crawl(outlet)   # its summary: job.summary()
    await engine.close()               # passes still running are stopped

`atalaia crawl` queues its passes and then `finish_after()`: the crawler closes
once they have all ended.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy.crawler import AsyncCrawlerRunner, Crawler

from crawler.catalogue import Outlet
from crawler.job import Job
from crawler.quick_poll import QuickPoll
from crawler.services import CrawlContext, attach
from crawler.spiders.outlet import OutletSpider

log = logging.getLogger(__name__)


class EngineStopped(RuntimeError):
    """The engine's crawler is not running: no pass can be started."""


class CrawlEngine:
    def __init__(self, runner: AsyncCrawlerRunner, context: CrawlContext) -> None:
        self.runner = runner
        self.crawler: Crawler = attach(runner.create_crawler(OutletSpider), context)
        self.queue: asyncio.Queue[Job | None] = asyncio.Queue()
        self.running: dict[Job, asyncio.Future[Job] | None] = {}  # queued or started
        self.quick_poll = QuickPoll(self.crawler)
        self._polling: set[asyncio.Task[bool]] = set()
        self._task: asyncio.Task[None] | None = None
        self._stopped = False

    def start(self) -> None:
        """Start the crawler (in the event loop, once it runs)."""
        self._task = self.runner.crawl(self.crawler, jobs=self.queue)
        self._task.add_done_callback(self._crawler_ended)

    def submit(self, outlet: Outlet) -> Job:
        """Queue a pass of `outlet`, without waiting for it."""
        job = self._new_job(outlet)
        self.queue.put_nowait(job)
        return job

    async def crawl(self, outlet: Outlet) -> Job:
        """Run a pass of `outlet` to its end (or until the engine stops).

        Its sources are polled first outside the crawl (crawler.quick_poll): a pass
        that finds them all unchanged ends there, the others continue in the crawl."""
        job = self._new_job(outlet)
        ended: asyncio.Future[Job] = asyncio.get_running_loop().create_future()
        self.running[job] = ended
        polling = asyncio.ensure_future(self.quick_poll(job))  # (`close` cancels it)
        self._polling.add(polling)
        polling.add_done_callback(self._polling.discard)
        try:
            ended_here = await polling
        except asyncio.CancelledError:
            if _cancelling():
                raise  # (this call is cancelled, not only the poll)
            ended_here = False
        except Exception as exc:  # noqa: BLE001 (the crawl reads the sources, and says why)
            if not self._stopped:  # (a poll cancelled by `close` may end so)
                log.error("%s: could not poll its sources (%r); the crawl will", outlet.id, exc)
            ended_here = False
        if not ended_here and job.finished is None and not self._stopped:
            self.queue.put_nowait(job)
        return await ended

    def finish_after(self) -> None:
        """Close once the passes queued so far have ended; queue no more."""
        self.queue.put_nowait(None)

    async def close(self) -> None:
        """Stop the crawler: passes still running end unfinished (their claims
        released, crawler.spiders.outlet), queued ones end without starting."""
        if self._task is None:
            return
        self._stopped = True  # (queue no more passes)
        for polling in self._polling:  # Scrapy waits for the downloads in progress
            polling.cancel()
        if not self._task.done():
            await self.crawler.stop_async()
            await asyncio.wait([self._task])
        self._end_all("shutdown")

    def _new_job(self, outlet: Outlet) -> Job:
        if self._stopped or self._task is None:
            raise EngineStopped("the crawl engine is not running")
        job = Job(outlet, on_finished=self._ended)
        self.running[job] = None
        return job

    def _ended(self, job: Job) -> None:
        ended = self.running.pop(job, None)
        if ended is not None and not ended.done():
            ended.set_result(job)

    def _crawler_ended(self, task: asyncio.Task[None]) -> None:
        self._stopped = True
        if not task.cancelled() and task.exception() is not None:
            log.error("the crawl engine's crawler failed: %s", task.exception())
        self._end_all("shutdown")

    def _end_all(self, reason: str) -> None:
        self._stopped = True
        for job in list(self.running):
            job.end(finished=False, reason=reason)


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
