"""Crawl jobs on the Redis stream: taken, acknowledged with their outcomes, reclaimed."""

from __future__ import annotations

import asyncio
import json
import time

import redis

from atalaia.redis_connection import async_client
from atalaia.redis_keys import Keys
from crawler.runner import record_outcome
from crawler.summary import CrawlSummary, OutletSummary
from scheduler.crawl_jobs import CrawlJobs, Recorder


def _recorder(keys: Keys, outlet: str, new_stories: int) -> Recorder:
    summary = CrawlSummary([OutletSummary(outlet, new_stories=new_stories)], 1.0)

    def record(pipe: object) -> None:
        record_outcome(pipe, keys, summary, time.time(), {outlet: "America/Sao_Paulo"})

    return record


def test_jobs_ended_together_are_acknowledged_with_their_outcomes(
    redis_url: str, redis_client: redis.Redis, keys: Keys
) -> None:
    async def run() -> None:
        jobs = CrawlJobs(async_client(redis_url), keys, claim_idle=0.2)
        await jobs.ensure_group()
        for outlet in ("a", "b", "c"):
            assert await jobs.enqueue(outlet, time.time())
        assert not await jobs.enqueue("a", time.time())  # one job per outlet at a time
        taken = await jobs.take("me", 3, None)
        assert sorted(job.outlet_id for job in taken) == ["a", "b", "c"]
        ended = [job for job in taken if job.outlet_id != "c"]
        await jobs.done_all([(job, _recorder(keys, job.outlet_id, 2)) for job in ended])
        assert await jobs.enqueue("a", time.time())  # its flag is gone: queued again
        await asyncio.sleep(0.3)
        # "c" was never acknowledged: once idle for claim_idle, another crawler takes it
        reclaimed = await jobs.take("other", 5, None, resume=False)
        assert "c" in [job.outlet_id for job in reclaimed]

    asyncio.run(run())
    for outlet in ("a", "b"):
        record = redis_client.hgetall(keys.outlet(outlet))
        assert json.loads(record[b"last_summary"])["new_stories"] == 2
        assert b"last_success" in record
    assert not redis_client.exists(keys.outlet("c"))  # not finished: no outcome yet
