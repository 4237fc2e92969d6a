"""Assembling the daemon: files, Redis, metrics and the web app, then the roles."""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import TYPE_CHECKING

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from alerts.active_watchlists import ActiveWatchlists
from atalaia.errors import RedisUnavailable
from atalaia.redis_connection import EmbeddedRedis, open_redis, redact
from atalaia.redis_keys import Keys
from atalaia.redis_outage import pause
from atalaia.settings import Settings
from crawler.catalogue import load_catalogue
from scheduler.daemon import ROLES, Daemon, DaemonOptions
from scheduler.metrics import Metrics

if TYPE_CHECKING:
    from scheduler.web.server import WebServer

log = logging.getLogger(__name__)


async def serve(
    settings: Settings,
    args: argparse.Namespace,
    address: tuple[str, int] | None,
    stop: asyncio.Event,
) -> None:
    catalogue = load_catalogue(settings.outlets_path)
    watchlists = ActiveWatchlists(settings.watchlists_path, outlet_ids=catalogue.by_id)
    roles = frozenset(args.role or ROLES)
    with open_redis(settings.redis_url, settings.data_dir) as service:
        log.info("Redis at %s", redact(service.url))
        metrics = Metrics()
        daemon = Daemon(
            settings,
            catalogue,
            watchlists,
            service.url,
            metrics,
            DaemonOptions(
                roles=roles,
                crawl_concurrency=settings.crawl_concurrency,
                lease_ttl=settings.lease_ttl,
                claim_idle=settings.claim_idle,
                # a running job is touched well within claim_idle, so no one claims it
                touch_every=min(10.0, settings.claim_idle / 3),
            ),
        )
        scrape_client = redis.Redis.from_url(
            service.url, socket_connect_timeout=2, socket_timeout=5, retry=Retry(NoBackoff(), 1)
        )
        metrics.watch(
            daemon.delivery_stats if "dispatcher" in roles else None,
            scrape_client,
            Keys(settings.redis_prefix),
            outlets=[outlet.id for outlet in catalogue.enabled],
        )
        server: WebServer | None = None
        watchdog = (
            asyncio.ensure_future(_keep_embedded_redis(service.embedded, stop))
            if service.embedded is not None
            else None
        )
        try:
            if address is not None:
                from scheduler.web.launch import start_web  # with --no-web, never imported

                server = await start_web(
                    settings, address, catalogue=catalogue, watchlists=watchlists,
                    redis_url=service.url, healthy=daemon.healthy, registry=metrics.registry,
                    language=args.lang,
                )  # fmt: skip
            await daemon.run(stop)
        finally:
            if watchdog is not None:
                await watchdog
            scrape_client.close()
            if server is not None:
                await server.stop()


async def _keep_embedded_redis(embedded: EmbeddedRedis, stop: asyncio.Event) -> None:
    """Start the embedded Redis again whenever it dies (every role rides out the outage)."""
    while not stop.is_set():
        try:
            await asyncio.to_thread(embedded.restart_if_dead)
        except RedisUnavailable as exc:
            log.error("could not start the embedded Redis again (%s); trying again", exc)
        await pause(stop, 1.0)
