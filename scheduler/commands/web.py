"""`atalaia web`: the web app alone, without crawling or delivering."""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

from atalaia.errors import ExitCode
from atalaia.settings import Settings
from scheduler.commands.run import add_web_options

if TYPE_CHECKING:
    from scheduler.commands import Subparsers

log = logging.getLogger(__name__)

RELOAD_EVERY = 5.0


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "web", parents=[common], help="serve the web app alone (no crawling, no delivery)",
        description="Serve the web app (latest alerts, watchlists with their charts and "
        "feeds, stories, outlets), /healthz and /metrics, reading what `atalaia run` "
        "processes keep in Redis, until SIGTERM or Ctrl-C. It listens on 127.0.0.1 by "
        "default; any other address needs ATALAIA_WEB_TOKEN. The watchlists file is "
        "reloaded when it changes.",
    )  # fmt: skip
    add_web_options(parser)
    parser.add_argument(
        "--log-format", choices=["text", "json"], default="text", help="log lines as text or JSON"
    )
    parser.set_defaults(handler=web)


def web(args: argparse.Namespace, settings: Settings) -> ExitCode:
    import asyncio

    from scheduler.logs import configure_logging
    from scheduler.web.address import parse_address
    from scheduler.web.security import require_token

    configure_logging(args.log_format)
    address = parse_address(args.web_address)
    require_token(address[0], settings.web_token)
    asyncio.run(_serve(args, settings, address))
    return ExitCode.OK


async def _serve(args: argparse.Namespace, settings: Settings, address: tuple[str, int]) -> None:
    import asyncio
    import signal

    import redis

    from alerts.active_watchlists import ActiveWatchlists
    from atalaia.redis_connection import open_redis, redact
    from atalaia.redis_keys import Keys
    from atalaia.redis_outage import pause
    from crawler.catalogue import load_catalogue
    from scheduler.metrics import Metrics
    from scheduler.web.launch import start_web

    catalogue = load_catalogue(settings.outlets_path)
    watchlists = ActiveWatchlists(settings.watchlists_path)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    with open_redis(settings.redis_url, settings.data_dir) as service:
        log.info("Redis at %s", redact(service.url))
        client = redis.Redis.from_url(service.url, socket_connect_timeout=2, socket_timeout=5)

        async def healthy() -> bool | str:
            try:
                return bool(await asyncio.to_thread(client.ping))
            except redis.RedisError as exc:
                return f"redis: {exc}"

        metrics = Metrics()
        metrics.watch(
            None, client, Keys(settings.redis_prefix),
            outlets=[outlet.id for outlet in catalogue.enabled],
        )  # fmt: skip
        server = await start_web(
            settings, address, catalogue=catalogue, watchlists=watchlists,
            redis_url=service.url, healthy=healthy, registry=metrics.registry,
            language=args.lang,
        )  # fmt: skip
        try:
            while not stop.is_set():
                await pause(stop, RELOAD_EVERY)
                watchlists.reload_if_changed()
        finally:
            await server.stop()
            client.close()
        log.info("web app stopped")
