"""`/healthz` and `/metrics`.

- `GET /healthz`: calls `healthy()`. True: 200 `ok`. False: 503 `unhealthy`. A
  string: 503 with that string as the reason (a string always means *not*
  healthy, e.g. "redis: connection refused"). A check that raises or takes longer
  than `check_timeout` is a 503 as well.
- `GET /metrics`: prometheus-client's ASGI app over a snapshot of the registry.
  Collecting (which may talk to Redis) runs in a thread, one collection at a time
  (callers share one in flight), so a slow Redis never stalls the event loop; a
  collection that fails is a 500, one that takes longer than `check_timeout` a 503.
- Both answer `HEAD` like `GET` without a body, and 405 to other methods.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, make_asgi_app
from prometheus_client.core import Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

log = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[bool | str]]
"""True when healthy; False or a reason (str) when not."""

READ_ONLY = ("GET", "HEAD")


def not_allowed() -> Response:
    return PlainTextResponse("method not allowed\n", 405, headers={"Allow": "GET, HEAD"})


def _plain(status: int, text: str) -> Response:
    return PlainTextResponse(text, status, headers={"Cache-Control": "no-store"})


class Healthz:
    def __init__(self, healthy: HealthCheck, check_timeout: float) -> None:
        self.healthy = healthy
        self.check_timeout = check_timeout

    async def answer(self, request: Request) -> Response:
        if request.method not in READ_ONLY:
            return not_allowed()
        try:
            verdict = await asyncio.wait_for(self.healthy(), self.check_timeout)
        except TimeoutError:
            return _plain(503, "health check timed out\n")
        except Exception as exc:  # the check itself broke: that is unhealthy, and logged
            log.exception("health check failed")
            return _plain(503, f"health check failed: {type(exc).__name__}\n")
        if verdict is True:
            return _plain(200, "ok\n")
        reason = verdict if isinstance(verdict, str) and verdict else "unhealthy"
        return _plain(503, reason + "\n")


class _Snapshot(Collector):
    """Metric families collected earlier, served as they were."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


class MetricsEndpoint:
    """An ASGI app: prometheus-client's, fed a snapshot collected off the loop."""

    def __init__(self, registry: Collector, check_timeout: float) -> None:
        self.registry = registry
        self.check_timeout = check_timeout
        self._running: asyncio.Future[list[Metric]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method", "GET")
        if method not in READ_ONLY:
            await not_allowed()(scope, receive, send)
            return
        try:
            families = await self._collect()
        except TimeoutError:
            await _plain(503, "metrics timed out\n")(scope, receive, send)
            return
        except Exception:  # a broken collector: the scrape fails visibly, and is logged
            log.exception("rendering metrics failed")
            await _plain(500, "rendering metrics failed; see the log\n")(scope, receive, send)
            return
        snapshot = CollectorRegistry(auto_describe=False)
        snapshot.register(_Snapshot(families))
        await make_asgi_app(snapshot)(scope, receive, send)

    async def _collect(self) -> list[Metric]:
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(asyncio.to_thread(self._families))
        return await asyncio.wait_for(asyncio.shield(self._running), self.check_timeout)

    def _families(self) -> list[Metric]:
        return list(self.registry.collect())


def metrics_app(registry: Collector, check_timeout: float = 10.0) -> Any:
    return MetricsEndpoint(registry, check_timeout)
