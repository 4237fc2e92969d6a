"""Deliver what is queued now, within a bound: what `atalaia crawl` does before it exits."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from alerts.delivery.dispatcher import Dispatcher
from alerts.delivery.stats import DeliverySummary
from alerts.watchlists import ChannelConfig
from atalaia.redis_connection import async_client
from atalaia.redis_keys import Keys


def drain_queued(
    redis_url: str,
    keys: Keys,
    channels: Mapping[str, ChannelConfig],
    timeout: float,
) -> DeliverySummary:
    """Deliver queued alerts for up to `timeout` seconds; the rest stay queued."""
    return asyncio.run(_drain(redis_url, keys, channels, timeout))


async def _drain(
    redis_url: str,
    keys: Keys,
    channels: Mapping[str, ChannelConfig],
    timeout: float,
) -> DeliverySummary:
    client = async_client(redis_url)
    try:
        async with Dispatcher(client, keys, channels) as dispatcher:
            return await dispatcher.drain(timeout)
    finally:
        await client.aclose()
