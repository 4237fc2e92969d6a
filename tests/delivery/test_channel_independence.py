"""One channel's hanging receiver never holds up another channel of the same alert, in
the daemon (`run`) or when `atalaia crawl` delivers what it found (`drain`)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import redis

from alerts.delivery.webhook import WebhookTimeouts
from atalaia.redis_keys import Keys

from .helpers import FAST, async_client, dispatcher, drain, enqueue, make_alert, webhook
from .receiver import Answer, Receiver, Request


def test_a_hanging_receiver_does_not_delay_another_channels_retry(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    def hang(request: Request, seen: int) -> Answer:
        return Answer(200, delay=20.0)

    def fail_first(request: Request, seen: int) -> Answer:
        return Answer(503) if seen == 0 else Answer(200)

    enqueue(redis_client, keys, [make_alert(1, channels=("lento", "rapido"))])
    options = replace(FAST, webhook_timeouts=WebhookTimeouts(connect=1.0, total=8.0))
    with Receiver(responder=hang) as slow, Receiver(responder=fail_first) as fast:
        channels = {
            "lento": webhook(slow.url, retry=["1s"]),
            "rapido": webhook(fast.url, retry=["1s"]),
        }

        async def go() -> None:
            client = async_client(redis_url)
            stop = asyncio.Event()
            try:
                async with dispatcher(client, keys, channels, time.time, options) as d:
                    running = asyncio.create_task(d.run(stop))
                    await asyncio.to_thread(fast.wait_for, lambda r: len(r.requests) >= 2, 6.0)
                    stop.set()
                    await running
            finally:
                await client.aclose()

        asyncio.run(go())
        first, second = fast.requests[:2]
        assert second.received_at - first.received_at < 3.0, "the retry waited for the hang"


def test_a_hanging_receiver_does_not_delay_another_channels_retry_in_a_drain(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    def hang(request: Request, seen: int) -> Answer:
        return Answer(200, delay=20.0)

    def fail_first(request: Request, seen: int) -> Answer:
        return Answer(503) if seen == 0 else Answer(200)

    enqueue(redis_client, keys, [make_alert(1, channels=("lento", "rapido"))])
    options = replace(FAST, webhook_timeouts=WebhookTimeouts(connect=1.0, total=8.0))
    with Receiver(responder=hang) as slow, Receiver(responder=fail_first) as fast:
        channels = {
            "lento": webhook(slow.url, retry=["1s"]),
            "rapido": webhook(fast.url, retry=["1s"]),
        }
        summary, _ = drain(
            redis_url, keys, channels, time.time, timeout=6.0, options=options,
            wait_for_retries=True,
        )  # fmt: skip
        assert len(fast.requests) == 2, "the retry waited for the hanging channel"
        first, second = fast.requests
        assert second.received_at - first.received_at < 3.0
        assert summary.per_channel == {"rapido": 1}
