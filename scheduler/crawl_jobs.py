"""Crawl jobs: the scheduler's requests to crawl an outlet, shared by crawler processes.

A job is an entry of the stream `crawl-jobs` read through the consumer group
"crawlers". An outlet has at most one job queued or running at a time (a flag
set when it is enqueued, cleared when it is done), so runs of one outlet never
overlap. A job is acknowledged only once its crawl has finished; the job of a
crawler that died stays pending and another crawler claims it once it has been
idle for `claim_idle` seconds (a live crawler keeps its jobs fresh with `touch`).
A crawler that stops cleanly `release`s its unfinished jobs: claimable at once.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

from atalaia.redis_keys import Keys
from atalaia.redis_streams import ensure_group_async, text

CRAWLERS = "crawlers"
Recorder = Callable[[Any], None]
"""Queues a crawl's outcome on a Redis pipeline (crawler.runner.record_outcome)."""
RELEASED_IDLE = 86400.0  # a released job looks this long abandoned (seconds)

_ENQUEUE = """
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'EX', ARGV[3]) then
  redis.call('XADD', KEYS[2], '*', 'outlet', ARGV[1], 'enqueued_at', ARGV[2])
  return 1
end
return 0
"""


@dataclass(frozen=True)
class CrawlJob:
    entry_id: str
    outlet_id: str


class CrawlJobs:
    def __init__(
        self, client: aioredis.Redis, keys: Keys, *, claim_idle: float = 60.0, max_age: float = 3600
    ) -> None:
        self.client = client
        self.keys = keys
        self.stream = keys.crawl_jobs()
        self.claim_idle = claim_idle
        self.max_age = int(max_age)
        self._enqueue = client.register_script(_ENQUEUE)
        self._looked_for_abandoned = -math.inf  # monotonic time of the last look

    def _flag(self, outlet_id: str) -> str:
        return self.keys.crawl_job(outlet_id)

    async def enqueue(self, outlet_id: str, now: float) -> bool:
        """Queue a crawl of `outlet_id` unless one is already queued or running."""
        created = await self._enqueue(
            keys=[self._flag(outlet_id), self.stream], args=[outlet_id, f"{now:.3f}", self.max_age]
        )
        return bool(created)

    async def ensure_group(self) -> None:
        await ensure_group_async(self.client, self.stream, CRAWLERS)

    async def take(
        self, consumer: str, count: int, block_ms: int | None, *, resume: bool = True
    ) -> list[CrawlJob]:
        """Jobs for this consumer: its own unfinished ones (with `resume`: a caller
        that is running them already passes False, or it gets them again), jobs
        abandoned by a dead crawler, then new ones (waiting up to `block_ms`; None:
        not at all).

        A job is abandoned once idle for `claim_idle`, so looking for them more often
        than a few times in that span only costs a round trip per job taken."""
        if count <= 0:
            return []
        jobs = await self._read(consumer, "0", count, None) if resume else []
        now = time.monotonic()
        if len(jobs) < count and now - self._looked_for_abandoned >= self._look_every:
            wanted = count - len(jobs)
            abandoned = await self._claim_abandoned(consumer, wanted)
            # (all it asked for: there may be more, so it looks again next time)
            self._looked_for_abandoned = now if len(abandoned) < wanted else -math.inf
            jobs += abandoned
        if len(jobs) < count:
            jobs += await self._read(consumer, ">", count - len(jobs), block_ms)
        return jobs

    @property
    def _look_every(self) -> float:
        return min(self.claim_idle / 4, 5.0)

    async def touch(self, consumer: str, jobs: list[CrawlJob]) -> None:
        """Reset the idle time of jobs still running, so no one claims them."""
        if jobs:
            await self.client.xclaim(
                self.stream, CRAWLERS, consumer, 0, [j.entry_id for j in jobs], justid=True
            )

    async def release(self, consumer: str, jobs: list[CrawlJob]) -> None:
        """Give back jobs this consumer will not finish (it is stopping): they stay
        pending, but look long abandoned, so the next crawler to look claims them at
        once rather than after `claim_idle`."""
        if jobs:
            idle_ms = int(max(self.claim_idle, RELEASED_IDLE) * 1000)
            await self.client.xclaim(
                self.stream, CRAWLERS, consumer, 0, [j.entry_id for j in jobs],
                idle=idle_ms, justid=True,
            )  # fmt: skip

    async def done(self, job: CrawlJob, record: Recorder | None = None) -> None:
        """Acknowledge a finished job; `record` queues more writes (the pass's outcome)
        on the same transaction."""
        await self.done_all([(job, record)])

    async def done_all(self, finished: Sequence[tuple[CrawlJob, Recorder | None]]) -> None:
        """Acknowledge finished jobs in one transaction, each with what `record`s its
        outcome."""
        if not finished:
            return
        async with self.client.pipeline(transaction=True) as pipe:
            ids = [job.entry_id for job, _ in finished]
            pipe.xack(self.stream, CRAWLERS, *ids)
            pipe.xdel(self.stream, *ids)
            pipe.delete(*(self._flag(job.outlet_id) for job, _ in finished))
            for _, record in finished:
                if record is not None:
                    record(pipe)
            await pipe.execute()

    async def _read(
        self, consumer: str, start: str, count: int, block_ms: int | None
    ) -> list[CrawlJob]:
        reply: Any = await self.client.xreadgroup(
            CRAWLERS, consumer, {self.stream: start}, count=count, block=block_ms
        )
        jobs = []
        for _, entries in reply or []:
            for entry_id, fields in entries:
                if fields:
                    jobs.append(_job(entry_id, fields))
        return jobs

    async def _claim_abandoned(self, consumer: str, count: int) -> list[CrawlJob]:
        reply: Any = await self.client.xautoclaim(
            self.stream, CRAWLERS, consumer, int(self.claim_idle * 1000), "0-0", count=count
        )
        entries = reply[1] if reply else []
        return [_job(entry_id, fields) for entry_id, fields in entries if fields]


def _job(entry_id: bytes | str, fields: dict[bytes, bytes]) -> CrawlJob:
    return CrawlJob(text(entry_id), text(fields[b"outlet"]))
