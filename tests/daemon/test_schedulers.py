"""Two schedulers: one leads; when it is SIGKILLed the other takes over within a lease
period, crawl jobs keep coming, and no story is alerted twice."""

from __future__ import annotations

import time
from pathlib import Path

from atalaia.redis_keys import Keys

from .daemon_process import wait_until
from .stage import Stage

LEASE_TTL = 3.0
RENEW_EVERY = LEASE_TTL / 3  # schedulers renew (or try to take) the lease this often


def test_one_scheduler_leads_and_a_standby_takes_over_when_it_dies(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    with Stage(tmp_path, redis_url, keys, env={"ATALAIA_LEASE_TTL": f"{LEASE_TTL:g}s"}) as stage:
        schedulers = [
            stage.start("scheduler-1", "scheduler"),
            stage.start("scheduler-2", "scheduler"),
        ]
        stage.start("crawler", "crawler")
        stage.start("dispatcher", "dispatcher")
        for daemon in stage.daemons:
            daemon.wait_healthy()
        leader_key = keys.leader()

        def leader_name() -> str | None:
            value = stage.client.get(leader_key)
            return value.decode() if isinstance(value, bytes) else None

        wait_until(leader_name, timeout=10, what="a scheduler to lead")
        by_consumer = {s.consumer: s for s in schedulers}
        assert leader_name() in by_consumer
        leader = by_consumer[str(leader_name())]
        standby = next(s for s in schedulers if s is not leader)

        stage.wait_crawled(*stage.room.expected())
        first = stage.publish()
        stage.wait_crawled(first)
        stage.wait_delivered()
        # The lead is stable: the same holder over more than a lease period.
        deadline = time.monotonic() + LEASE_TTL * 1.2
        while time.monotonic() < deadline:
            assert leader_name() == leader.consumer
            time.sleep(0.2)
        assert f"this scheduler ({leader.consumer}) leads" in leader.log()
        assert "leads: crawl jobs are ours" not in standby.log()

        leader.kill()
        killed = time.monotonic()
        wait_until(
            lambda: leader_name() == standby.consumer,
            timeout=LEASE_TTL + RENEW_EVERY + 5,
            interval=0.05,
            what="the standby to take the lead",
        )
        took_over = time.monotonic() - killed
        # The dead leader's lease runs out at most LEASE_TTL after its last renewal;
        # the standby tries every RENEW_EVERY.
        assert took_over < LEASE_TTL + RENEW_EVERY + 1.0, took_over
        standby.wait_for_log(f"this scheduler ({standby.consumer}) leads", timeout=5)

        # Crawl jobs keep being queued: new articles keep arriving, alerted once.
        fresh = [stage.publish(outlet) for outlet in stage.outlet_ids]
        stage.wait_crawled(*fresh, timeout=20)
        stage.wait_delivered()
        later = stage.publish()
        stage.wait_crawled(later, timeout=20)
        stage.wait_delivered()
        assert max(stage.story_counts().values()) == 1
        assert stage.repeated_alerts() == {}
        assert not stage.receiver.rejected
