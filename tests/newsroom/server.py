"""The HTTP side: one ThreadingHTTPServer per outlet, with latency and timing faults.

`stop()` must return promptly even when handlers hang or clients keep connections
open, so every wait is on the newsroom's stop event, and open connections are shut
down on stop.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .model import Access, FaultKind
from .outlet import FakeOutlet, Response


class OutletServer(ThreadingHTTPServer):
    """Serves one outlet on 127.0.0.1 (or another loopback address) and a free port."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(
        self,
        outlet: FakeOutlet | None,
        *,
        host: str,
        latency: float,
        stopping: threading.Event,
        record: Callable[[Access], None],
        poll_interval: float = 0.05,
    ) -> None:
        super().__init__((host, 0), _Handler)
        self.poll_interval = poll_interval
        self.outlet = outlet
        self.latency = latency
        self.stopping = stopping
        self.record = record
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": self.poll_interval}, daemon=True,
            name=f"newsroom-{self.port}",
        )  # fmt: skip
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, cut open connections, close the socket."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=2)
        with self._connections_lock:
            open_connections = list(self._connections)
        for connection in open_connections:
            # OSError: already closed by the client or the handler, nothing left to cut
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self.server_close()

    def track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "newsroom/1.0"
    sys_version = ""
    server: OutletServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, open_=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, open_=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the access log is `Newsroom.access_log`."""

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        outlet = self.server.outlet
        assert outlet is not None
        headers = dict(self.headers.items())
        stopping = self.server.stopping
        if self.server.latency > 0 and stopping.wait(self.server.latency):
            self.close_connection = True
            return
        fault = outlet.fault
        if fault is not None and fault.kind is FaultKind.SLOW and stopping.wait(fault.seconds):
            self.close_connection = True
            return
        if fault is not None and fault.kind is FaultKind.HANG:
            self.server.record(Access(outlet.id, self.command, self.path, 0, headers))
            stopping.wait(fault.seconds)
            self.close_connection = True
            return
        response = outlet.respond(self.command, self.path, headers)
        self.server.record(Access(outlet.id, self.command, self.path, response.status, headers))
        self._send(response, send_body=send_body)

    def _send(self, response: Response, *, send_body: bool) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status != 304:
            self.send_header("Content-Length", str(response.length))
        self.send_header("Cache-Control", "max-age=60")
        self.end_headers()
        if not send_body or response.status == 304:
            return
        try:
            if response.stream is None:
                self.wfile.write(response.body)
                return
            for chunk in response.stream:
                if self.server.stopping.is_set():
                    break
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped reading: that is its right
        if self.server.stopping.is_set():
            self.close_connection = True
