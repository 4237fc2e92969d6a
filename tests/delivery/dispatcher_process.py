"""A dispatcher in its own process, for the crash tests and the benchmark.

    python -m tests.delivery.dispatcher_process REDIS_URL PREFIX WEBHOOK_URL SECRET [CLAIM_IDLE]

Runs until SIGTERM (clean stop) or SIGKILL (a crash, as the tests want).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from alerts.delivery import Dispatcher, DispatcherOptions
from alerts.delivery.webhook import WebhookTimeouts
from alerts.watchlists import WebhookChannel
from atalaia.redis_connection import async_client
from atalaia.redis_keys import Keys


async def serve(redis_url: str, prefix: str, url: str, secret: str, claim_idle: float) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    client = async_client(redis_url)
    channel = WebhookChannel(type="webhook", url=url, secret=secret)
    options = DispatcherOptions(
        claim_idle=claim_idle,
        poll_interval=0.05,
        webhook_timeouts=WebhookTimeouts(connect=2, total=5),
    )
    async with Dispatcher(client, Keys(prefix), {"equipe": channel}, options=options) as d:
        print("ready", flush=True)
        await d.run(stop)
    await client.aclose()


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.WARNING)
    claim_idle = float(argv[5]) if len(argv) > 5 else 1.0
    asyncio.run(serve(argv[1], argv[2], argv[3], argv[4], claim_idle))


if __name__ == "__main__":
    main(sys.argv)
