"""`/healthz` and `/metrics` over plain HTTP/1.1, on the daemon's event loop.

A deliberately tiny server (asyncio streams, no framework): one request per
connection, then the connection is closed.

- `GET /healthz`: calls `healthy()`. True: 200 `ok`. False: 503 `unhealthy`. A
  string: 503 with that string as the reason (a string always means *not*
  healthy, e.g. "redis: connection refused"). A check that raises or takes longer
  than `check_timeout` is a 503 as well.
- `GET /metrics`: `metrics()` (synchronous; it may talk to Redis) is run in a
  thread, one render at a time, and answered as Prometheus text.
- `HEAD` is answered like `GET` without a body; other methods get 405, other
  paths 404, a request that is not HTTP 400. A client that sends nothing, or
  sends slowly, is dropped after `read_timeout`; one that does not read its
  answer, after `write_timeout`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from atalaia.errors import AtalaiaError
from scheduler.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE

log = logging.getLogger(__name__)

DEFAULT_ADDRESS = "127.0.0.1:9410"
MAX_REQUEST_HEAD = 8192

HealthCheck = Callable[[], Awaitable[bool | str]]
"""True when healthy; False or a reason (str) when not."""

_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class InvalidAddress(AtalaiaError, ValueError):
    """A listening address that is not HOST:PORT."""


def parse_address(text: str) -> tuple[str, int]:
    """`"127.0.0.1:9410"` → `("127.0.0.1", 9410)`; IPv6 as `"[::1]:9410"`."""
    host, colon, port_text = text.strip().rpartition(":")
    if not colon or not host or not port_text:
        raise InvalidAddress(
            f"invalid address {text!r}: expected HOST:PORT, e.g. {DEFAULT_ADDRESS} "
            "(0.0.0.0:9410 listens on every interface)"
        )
    if host.startswith("["):
        if not host.endswith("]") or len(host) < 3:
            raise InvalidAddress(f"invalid address {text!r}: an IPv6 host is written [::1]:9410")
        host = host[1:-1]
    elif ":" in host:
        raise InvalidAddress(f"invalid address {text!r}: write an IPv6 host in brackets, [::1]")
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise InvalidAddress(f"invalid address {text!r}: the port must be a number 0-65535")
    return host, int(port_text)


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    allow: str | None = None


class _Renderer:
    """Runs `render` in a thread, at most one at a time: callers share a render in flight."""

    def __init__(self, render: Callable[[], bytes]) -> None:
        self._render = render
        self._running: asyncio.Future[bytes] | None = None

    async def __call__(self, timeout: float) -> bytes:
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(asyncio.to_thread(self._render))
        return await asyncio.wait_for(asyncio.shield(self._running), timeout)


class _HealthServer:
    def __init__(
        self,
        healthy: HealthCheck,
        metrics: Callable[[], bytes],
        *,
        read_timeout: float,
        write_timeout: float,
        check_timeout: float,
    ) -> None:
        self.healthy = healthy
        self.render = _Renderer(metrics)
        self.read_timeout = read_timeout
        self.write_timeout = write_timeout
        self.check_timeout = check_timeout

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            answer, head_only = await self._answer(reader)
            if answer is not None:
                await asyncio.wait_for(self._send(writer, answer, head_only), self.write_timeout)
        except (ConnectionError, TimeoutError):
            pass  # the client went away or would not read: nothing left to tell it
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), self.write_timeout)

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[_Answer | None, bool]:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.read_timeout)
        except TimeoutError:
            return _Answer(408, b"request timeout\n"), False
        except asyncio.IncompleteReadError as exc:
            if not exc.partial.strip():
                return None, False  # connected and closed without a word
            head = exc.partial  # a bare "GET /healthz HTTP/1.0\r\n" then EOF
        except asyncio.LimitOverrunError:
            return _Answer(431, b"request head too large\n"), False
        parts = head.split(b"\r\n", 1)[0].split(b" ")
        if len(parts) != 3 or not parts[2].startswith(b"HTTP/"):
            return _Answer(400, b"bad request\n"), False
        method, target = parts[0], parts[1]
        path = target.split(b"?", 1)[0]
        head_only = method == b"HEAD"
        if path not in (b"/healthz", b"/metrics"):
            return _Answer(404, b"not found: try /healthz or /metrics\n"), head_only
        if method not in (b"GET", b"HEAD"):
            return _Answer(405, b"method not allowed\n", allow="GET, HEAD"), False
        if path == b"/healthz":
            return await self._health(), head_only
        return await self._metrics(), head_only

    async def _health(self) -> _Answer:
        try:
            verdict = await asyncio.wait_for(self.healthy(), self.check_timeout)
        except TimeoutError:
            return _Answer(503, b"health check timed out\n")
        except Exception as exc:  # the check itself broke: that is unhealthy, and logged
            log.exception("health check failed")
            return _Answer(503, f"health check failed: {type(exc).__name__}\n".encode())
        if verdict is True:
            return _Answer(200, b"ok\n")
        reason = verdict if isinstance(verdict, str) and verdict else "unhealthy"
        return _Answer(503, reason.encode("utf-8", "replace") + b"\n")

    async def _metrics(self) -> _Answer:
        try:
            body = await self.render(self.check_timeout)
        except TimeoutError:
            return _Answer(503, b"metrics timed out\n")
        except Exception:  # a broken collector: the scrape fails visibly, and is logged
            log.exception("rendering metrics failed")
            return _Answer(500, b"rendering metrics failed; see the log\n")
        return _Answer(200, body, content_type=METRICS_CONTENT_TYPE)

    async def _send(self, writer: asyncio.StreamWriter, answer: _Answer, head_only: bool) -> None:
        lines = [
            f"HTTP/1.1 {answer.status} {_REASONS[answer.status]}",
            f"Content-Type: {answer.content_type}",
            f"Content-Length: {len(answer.body)}",
            "Cache-Control: no-store",
            "Connection: close",
        ]
        if answer.allow:
            lines.append(f"Allow: {answer.allow}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        if not head_only:
            writer.write(answer.body)
        await writer.drain()


async def serve_health(
    host: str,
    port: int,
    *,
    healthy: HealthCheck,
    metrics: Callable[[], bytes],
    read_timeout: float = 5.0,
    write_timeout: float = 10.0,
    check_timeout: float = 10.0,
) -> asyncio.Server:
    """Start serving `/healthz` and `/metrics` on `host:port` (port 0: any free port).

    The server is started and returned; close it with `server.close()` and
    `await server.wait_closed()`. Binding errors (port in use) raise OSError.
    """
    handler = _HealthServer(
        healthy, metrics,
        read_timeout=read_timeout, write_timeout=write_timeout, check_timeout=check_timeout,
    )  # fmt: skip
    return await asyncio.start_server(handler.handle, host, port, limit=MAX_REQUEST_HEAD)
