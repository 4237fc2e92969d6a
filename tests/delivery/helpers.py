"""Alerts, channels, a frozen clock and a dispatcher factory for the delivery tests."""

from __future__ import annotations

import asyncio
import base64
import os
import random
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import redis
import redis.asyncio as aioredis

from alerts.alert import Alert, Hit
from alerts.delivery import DeliveryStats, DeliverySummary, Dispatcher, DispatcherOptions
from alerts.delivery.smtp import Mailer
from alerts.delivery.webhook import WebhookTimeouts
from alerts.queue import AlertQueue
from alerts.watchlists import ChannelConfig, EmailChannel, WebhookChannel
from atalaia.article import Article
from atalaia.redis_keys import Keys
from atalaia.story import Copy

BASE = datetime(2025, 2, 27, 22, 2, tzinfo=UTC)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


class Clock:
    """Wall-clock seconds that only move when a test says so."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_alert(
    number: int,
    channels: Iterable[str] = ("equipe",),
    *,
    title: str | None = None,
    watchlist: tuple[str, str] = ("coreia-russia", "Coreia do Norte e Rússia"),
    created_at: datetime | None = None,
) -> Alert:
    snippet = "Kim Jong-un recebeu em Pyongyang uma delegação da Rússia nesta quinta-feira."
    article = Article(
        url=f"https://g1.example/mundo/noticia-{number}.ghtml",
        outlet="g1",
        title=title or f"Coreia do Norte e Rússia assinam acordo nº {number}",
        lead="Acordo prevê cooperação militar e econômica.",
        published_at=datetime(2025, 2, 27, 19, 2, tzinfo=ZoneInfo("America/Sao_Paulo")),
        authors=("Redação",),
        language="pt-BR",
    )
    start = snippet.index("Rússia")
    return Alert(
        id=Alert.id_for(watchlist[0], f"story-{number}"),
        watchlist_id=watchlist[0],
        watchlist_name=watchlist[1],
        story_id=f"story-{number}",
        article=article,
        matches=(Hit("Rússia", "body", snippet, start, start + len("Rússia")),),
        created_at=created_at or BASE + timedelta(seconds=number),
        channels=tuple(channels),
        also_in=(Copy("folha", f"https://folha.example/{number}"),),
    )


def enqueue(client: redis.Redis, keys: Keys, alerts: Iterable[Alert]) -> list[Alert]:
    queue = AlertQueue(client, keys)
    made = [alert for alert in alerts if queue.create(alert)]
    queue.ensure_group()
    return made


def webhook(url: str, secret: str = "", **fields: object) -> WebhookChannel:
    return WebhookChannel.model_validate(
        {"type": "webhook", "url": url, "secret": secret, **fields}
    )


def email(smtp_url: str, **fields: object) -> EmailChannel:
    data = {"type": "email", "to": ["analistas@example.org"], "from": "atalaia@example.org"}
    return EmailChannel.model_validate({**data, "smtp_url": smtp_url, **fields})


FAST = DispatcherOptions(
    consumer="test-dispatcher",
    claim_idle=1.0,
    retry_lease=5.0,
    poll_interval=0.05,
    webhook_timeouts=WebhookTimeouts(connect=1.0, total=1.0),
    smtp_timeout=5.0,
    redis_patience=2.0,
)


def dispatcher(
    client: aioredis.Redis,
    keys: Keys,
    channels: Mapping[str, ChannelConfig],
    clock: Callable[[], float],
    options: DispatcherOptions = FAST,
) -> Dispatcher:
    return Dispatcher(
        client, keys, channels, options=options, clock=clock, rng=random.Random(7),
        mailer=Mailer(timeout=options.smtp_timeout),
    )  # fmt: skip


def async_client(url: str) -> aioredis.Redis:
    return aioredis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def drain(
    redis_url: str,
    keys: Keys,
    channels: Mapping[str, ChannelConfig],
    clock: Callable[[], float],
    *,
    timeout: float = 5.0,
    options: DispatcherOptions = FAST,
    wait_for_retries: bool = False,
) -> tuple[DeliverySummary, DeliveryStats]:
    """One `Dispatcher.drain` in a fresh event loop."""

    async def go() -> tuple[DeliverySummary, DeliveryStats]:
        client = async_client(redis_url)
        try:
            async with dispatcher(client, keys, channels, clock, options) as d:
                return await d.drain(timeout, wait_for_retries=wait_for_retries), d.stats
        finally:
            await client.aclose()

    return asyncio.run(go())


def queue_is_empty(client: redis.Redis, keys: Keys) -> bool:
    """Every stream entry acknowledged and deleted."""
    stream = keys.alerts()
    pending: Any = client.xpending(stream, "dispatchers")
    return int(client.xlen(stream)) == 0 and int(pending["pending"]) == 0
