"""Two crawler processes, one scheduler, one dispatcher: each crawl job done once,
and the job of a crawler SIGKILLed mid-crawl redone by the other."""

from __future__ import annotations

import time
from pathlib import Path

from atalaia.redis_keys import Keys
from tests.newsroom import Fault

from .daemon_process import wait_until
from .stage import Stage

CLAIM_IDLE = 4.0


def test_two_crawlers_share_the_jobs_and_redo_a_killed_ones(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    env = {
        "ATALAIA_CLAIM_IDLE": f"{CLAIM_IDLE:g}s",
        # article claims of the killed crawler lapse soon, so the redo can fetch them
        "ATALAIA_CLAIM_LEASE": "5s",
    }
    with Stage(tmp_path, redis_url, keys, env=env) as stage:
        crawlers = [stage.start("crawler-1", "crawler"), stage.start("crawler-2", "crawler")]
        stage.start("scheduler", "scheduler")
        stage.start("dispatcher", "dispatcher")
        for daemon in stage.daemons:
            daemon.wait_healthy()

        # Each job done once: every article page fetched once, every story handed on once.
        stage.wait_crawled(*stage.room.expected())
        fresh = [stage.publish(outlet) for outlet in stage.outlet_ids for _ in range(2)]
        stage.wait_crawled(*fresh)
        stage.wait_delivered()
        time.sleep(3)  # a few more polls, shared by both crawlers
        fetched = stage.article_fetches()
        expected = {a.canonical_url for a in stage.room.expected()}
        assert set(fetched) == expected
        assert {url: n for url, n in fetched.items() if n > 1} == {}, "an article fetched twice"
        assert max(stage.story_counts().values()) == 1
        for crawler in crawlers:
            assert "INFO scheduler.outlet_crawls: crawl " in crawler.log(), (
                f"{crawler.name} never crawled"
            )

        # A crawler dies (SIGKILL) while it crawls the slow outlet.
        slow = stage.outlet_ids[1]
        stage.room.set_fault(slow, Fault.slow(2.0))
        taken_before = stage.job_ids()
        by_consumer = {c.consumer: c for c in crawlers}
        job = stage.wait_running(slow, not_in=taken_before)
        late = stage.publish(slow)  # while that crawl waits for robots.txt
        victim = by_consumer[str(job["consumer"])]
        survivor = next(c for c in crawlers if c is not victim)
        crawls_before = survivor.log().count(f"crawl {slow}:")
        victim.kill()
        killed = time.monotonic()
        stage.room.set_fault(slow, None)
        assert not stage.crawled(late), "the crawl finished before the kill: the test proves less"
        assert [j["consumer"] for j in stage.pending_jobs() if j["id"] == job["id"]] == [
            victim.consumer
        ], "the killed crawler's job should still be pending"

        # The survivor claims the job once it has been idle CLAIM_IDLE seconds, and does it.
        stage.wait_crawled(late, timeout=CLAIM_IDLE + 20)
        redone = time.monotonic() - killed
        wait_until(
            lambda: all(j["id"] != job["id"] for j in stage.pending_jobs()),
            timeout=10,
            what="the redone job to be acknowledged",
        )
        assert survivor.log().count(f"crawl {slow}:") > crawls_before
        # not before the job had been idle CLAIM_IDLE seconds (it had been idle
        # `idle_ms` when the crawler died), and not long after
        idle_at_kill = int(str(job["idle_ms"])) / 1000
        assert CLAIM_IDLE - idle_at_kill - 0.5 < redone < CLAIM_IDLE + 15, redone
        stage.wait_delivered()
        assert max(stage.story_counts().values()) == 1
        assert stage.repeated_alerts() == {}
        assert survivor.alive


def test_a_crawler_with_one_slot_keeps_crawling(stage: Stage) -> None:
    """Every slot busy, the crawler waits for a crawl to end without starving it."""
    daemon = stage.start("one-slot", args=["--crawl-concurrency", "1"])
    daemon.wait_healthy()
    stage.wait_crawled(*stage.room.expected(), timeout=20)
    fresh = [stage.publish(outlet) for outlet in stage.outlet_ids]
    stage.wait_crawled(*fresh, timeout=20)
    stage.wait_delivered()
    assert max(stage.story_counts().values()) == 1
