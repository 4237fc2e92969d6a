"""Starting the web app: from the daemon (`atalaia run`) or alone (`atalaia web`)."""

from __future__ import annotations

import logging

import redis
from prometheus_client.registry import Collector
from redis.backoff import NoBackoff
from redis.retry import Retry

from alerts.active_watchlists import ActiveWatchlists
from atalaia.redis_keys import Keys
from atalaia.settings import Settings
from crawler.catalogue import Catalogue
from scheduler.web.app import create_app
from scheduler.web.context import Web
from scheduler.web.health import HealthCheck
from scheduler.web.security import require_token
from scheduler.web.server import WebServer

log = logging.getLogger(__name__)


async def start_web(
    settings: Settings,
    address: tuple[str, int],
    *,
    catalogue: Catalogue,
    watchlists: ActiveWatchlists,
    redis_url: str,
    healthy: HealthCheck,
    registry: Collector,
    language: str = "pt",
) -> WebServer:
    """Serve the web app on `address`; TokenRequired beyond loopback without a token,
    OSError when the address is taken."""
    host, port = address
    require_token(host, settings.web_token)
    client = redis.Redis.from_url(
        redis_url, socket_connect_timeout=2, socket_timeout=5, retry=Retry(NoBackoff(), 1)
    )
    web = Web(
        client=client,
        keys=Keys(settings.redis_prefix),
        settings=settings,
        catalogue=catalogue,
        watchlists=watchlists,
        healthy=healthy,
        registry=registry,
        language=language,
    )
    server = WebServer(create_app(web), host, port)
    try:
        await server.start()
    except OSError:
        client.close()
        raise
    shown = f"[{host}]" if ":" in host else host
    log.info(
        "web app on http://%s:%d/ (and /healthz, /metrics)%s",
        shown, server.bound_port, "" if settings.web_token is None else "; token required",
    )  # fmt: skip
    return server
