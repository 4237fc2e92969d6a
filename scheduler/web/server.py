"""uvicorn, serving an ASGI app as one task of the caller's event loop.

The daemon runs on Scrapy's asyncio reactor, whose loop is the asyncio loop: the
web server is a task in it, with uvicorn's own signal handling off (the daemon
handles SIGTERM and SIGINT) and its socket bound here first, so a port in use is
an error the caller sees, not a `sys.exit` inside a task. `stop()` closes the
listening socket, lets requests in flight finish (at most `grace` seconds) and
returns once the server is down.

uvicorn's HTTP/1.1 protocol (h11) is kept, with one addition: a client that opens
a connection and sends no complete request within `read_timeout` gets a 408 and
is dropped, so idle connections cannot pile up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

READ_TIMEOUT = 5.0
_TIMEOUT_ANSWER = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 16\r\nconnection: close\r\n\r\nrequest timeout\n"
)


class _ReadTimeoutH11(H11Protocol):
    """h11, dropping a connection whose first request does not arrive in time."""

    read_timeout = READ_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._first_request = self.loop.call_later(self.read_timeout, self._too_slow)

    def _too_slow(self) -> None:
        if self.cycle is None and not self.transport.is_closing():
            self.transport.write(_TIMEOUT_ANSWER)
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._first_request.cancel()
        super().connection_lost(exc)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn.Server without its signal handlers: the host process owns signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebServer:
    """`await start()` binds and serves; `await stop()` shuts down cleanly."""

    def __init__(
        self,
        app: Any,
        host: str,
        port: int,
        *,
        read_timeout: float = READ_TIMEOUT,
        grace: int = 3,
    ) -> None:
        protocol = type("_Protocol", (_ReadTimeoutH11,), {"read_timeout": read_timeout})
        self.config = uvicorn.Config(
            app,
            http=protocol,
            lifespan="off",
            log_config=None,
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=grace,
            timeout_keep_alive=5,
        )
        self.host = host
        self.port = port
        self.server = _EmbeddedServer(self.config)
        self._socket: socket.socket | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def bound_port(self) -> int:
        assert self._socket is not None, "not started"
        return int(self._socket.getsockname()[1])

    async def start(self) -> None:
        """Bind (OSError when the address is taken) and start serving."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        infos = await asyncio.get_running_loop().getaddrinfo(
            self.host, self.port, family=0 if self.host == "localhost" else family,
            type=socket.SOCK_STREAM,
        )  # fmt: skip
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
            sock.listen(128)
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        self._socket = sock
        self._task = asyncio.ensure_future(self.server.serve(sockets=[sock]))
        while not self.server.started and not self._task.done():
            await asyncio.sleep(0.01)
        if self._task.done():
            self._task.result()  # it failed to start: raise why

    async def stop(self) -> None:
        if self._task is None:
            return
        self.server.should_exit = True
        try:
            await self._task
        finally:
            self._task = None
            if self._socket is not None:
                self._socket.close()
