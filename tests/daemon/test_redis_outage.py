"""Redis stopped for 10 s and started again: the daemon says so in its log and on
/healthz, rides it out, and loses no alert."""

from __future__ import annotations

import time
from pathlib import Path

from atalaia.redis_connection import EmbeddedRedis
from atalaia.redis_keys import Keys
from tests.newsroom import Fault

from .daemon_process import free_port, wait_until
from .stage import Stage

OUTAGE = 10.0


def test_the_daemon_rides_out_a_redis_outage_and_loses_no_alert(tmp_path: Path, keys: Keys) -> None:
    server = EmbeddedRedis(tmp_path / "redis-data")  # its data persists across the restart
    port = free_port()
    url = server.start(port=port)
    try:
        with Stage(tmp_path, url, keys) as stage:
            daemon = stage.start("all")
            daemon.wait_healthy()
            stage.wait_crawled(*stage.room.expected())
            stage.wait_delivered()
            before = stage.publish()
            stage.wait_crawled(before)
            stage.wait_delivered()

            # Redis goes away while a crawl of the slow outlet is under way.
            slow = stage.outlet_ids[1]
            stage.room.set_fault(slow, Fault.slow(1.5))
            taken_before = stage.job_ids()
            stage.wait_running(slow, not_in=taken_before)
            around = stage.publish(slow)  # while that crawl waits for robots.txt
            time.sleep(1.0)  # into the crawl: robots.txt and the feed are on their way
            server.stop()
            stopped = time.monotonic()
            wait_until(lambda: daemon.healthz() == 503, timeout=8, what="/healthz to say 503")
            during = stage.publish()  # published while Redis is away
            daemon.wait_for_log("Redis unavailable", timeout=8)
            while time.monotonic() < stopped + OUTAGE:
                assert daemon.healthz() == 503
                assert daemon.alive, daemon.log()[-4000:]
                time.sleep(0.5)
            stage.room.set_fault(slow, None)
            after = stage.publish(slow)  # just before it comes back

            assert server.start(port=port) == url
            wait_until(lambda: daemon.healthz() == 200, timeout=15, what="/healthz to say 200")
            stage.wait_crawled(around, during, after, timeout=30)
            stage.wait_delivered()
            assert "Redis is back" in daemon.log()
            assert max(stage.story_counts().values()) == 1
            assert not stage.receiver.rejected
            assert "Traceback" not in daemon.log()
            code, _ = daemon.terminate()
            assert code == 0
    finally:
        server.stop()
