"""A dispatcher killed mid-batch, and Redis restarted mid-dispatch: nothing is lost."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import redis

from alerts.delivery import Dispatcher
from alerts.delivery.signing import webhook_id
from atalaia.redis_connection import EmbeddedRedis, _free_port, connect
from atalaia.redis_keys import Keys

from .helpers import FAST, async_client, enqueue, make_alert, new_secret, queue_is_empty, webhook
from .receiver import Answer, Receiver, Request

ROOT = Path(__file__).resolve().parents[2]


def start_dispatcher(redis_url: str, keys: Keys, url: str, secret: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.delivery.dispatcher_process",
         redis_url, keys.prefix, url, secret, "1.0"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def slow(request: Request, seen: int) -> Answer:
    return Answer(200, delay=0.02)


def test_a_dispatcher_killed_mid_batch_loses_nothing(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    secret = new_secret()
    alerts = enqueue(redis_client, keys, [make_alert(n) for n in range(300)])
    with Receiver(secret, slow) as receiver:
        first = start_dispatcher(redis_url, keys, receiver.url, secret)
        try:
            assert receiver.wait_for(lambda r: len(r.requests) >= 40, timeout=20)
            first.send_signal(signal.SIGKILL)  # in the middle of its batch
            first.wait(10)
        finally:
            first.kill()
        delivered_before = len(set(receiver.ids()))
        assert delivered_before < len(alerts), "the first dispatcher finished before the kill"

        second = start_dispatcher(redis_url, keys, receiver.url, secret)
        try:
            expected = {webhook_id(a.id, "equipe") for a in alerts}
            assert receiver.wait_for(lambda r: set(r.ids()) >= expected, timeout=30)
            assert receiver.wait_for(lambda r: queue_is_empty(redis_client, keys), timeout=10)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(20)
        assert second.returncode == 0
        assert not receiver.rejected
        counts = Counter(receiver.ids())
        assert len(counts) == len(alerts)  # distinct webhook-ids == alerts
        # Repeats only for what was in flight when the first one died.
        assert sum(counts.values()) - len(counts) <= 200


def test_redis_restarted_during_dispatch(tmp_path: Path, keys: Keys) -> None:
    server = EmbeddedRedis(tmp_path / "redis-data")
    port = _free_port()
    url = server.start(port=port)
    client = connect(url)
    secret = new_secret()
    try:
        with Receiver(secret, slow) as receiver:
            channels = {"equipe": webhook(receiver.url, secret)}
            alerts = enqueue(client, keys, [make_alert(n) for n in range(100)])

            async def scenario() -> None:
                stop = asyncio.Event()
                aclient = async_client(url)
                async with Dispatcher(aclient, keys, channels, options=FAST) as d:
                    running = asyncio.create_task(d.run(stop))
                    await asyncio.to_thread(receiver.wait_for, lambda r: len(r.requests) >= 20)
                    await asyncio.to_thread(server.stop)  # Redis goes away mid-dispatch
                    await asyncio.sleep(0.5)
                    await asyncio.to_thread(server.start, port=port)
                    later = [make_alert(n) for n in range(100, 150)]
                    await asyncio.to_thread(enqueue, connect(url), keys, later)
                    alerts.extend(later)
                    expected = {webhook_id(a.id, "equipe") for a in alerts}
                    assert await asyncio.to_thread(
                        receiver.wait_for, lambda r: set(r.ids()) >= expected, 30
                    )
                    stop.set()
                    await running
                    assert d.stats.redis_errors > 0
                await aclient.aclose()

            asyncio.run(scenario())
            client = connect(url)
            assert receiver.wait_for(lambda r: queue_is_empty(client, keys), timeout=5)
            assert len(set(receiver.ids())) == 150
            assert not receiver.rejected
    finally:
        server.stop()
