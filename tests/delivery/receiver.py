"""A webhook receiver on 127.0.0.1 for tests and the benchmark.

A small HTTP/1.1 server (keep-alive, Content-Length bodies) on its own event loop
in a thread. Every request is recorded; when a secret is given, each one is
checked with the `standardwebhooks` package, the specification's own library,
and a request that fails the check is answered 401 and counted as rejected.
A `responder` decides the answer, so a test can script 500-then-200, a hang,
429 with Retry-After or 410.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float
    verified: bool

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0


Responder = Callable[[Request, int], Answer]  # the request, and how many had its webhook-id


def always_ok(request: Request, count: int) -> Answer:
    return Answer(204)


class Receiver:
    def __init__(self, secret: str | None = None, responder: Responder = always_ok) -> None:
        self.webhook = Webhook(secret) if secret else None
        self.responder = responder
        self.requests: list[Request] = []
        self.rejected: list[Request] = []
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._seen: Counter[str] = Counter()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def __enter__(self) -> Receiver:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, port: int = 0) -> None:
        self._thread = threading.Thread(target=self._serve, args=(port,), daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("receiver did not start")

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and self._server is not None:
            loop.call_soon_threadsafe(self._server.close)
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def ids(self) -> list[str]:
        with self._lock:
            return [r.webhook_id for r in self.requests]

    def accepted(self) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.verified]

    def wait_for(self, predicate: Callable[[Receiver], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return True
            time.sleep(0.01)
        return predicate(self)

    def _serve(self, port: int) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        self._server = loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", port, backlog=512)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                answer = self._answer(method, path, headers, body)
                if answer.delay:
                    await asyncio.sleep(answer.delay)
                extra = "".join(f"{k}: {v}\r\n" for k, v in answer.headers.items())
                writer.write(
                    f"HTTP/1.1 {answer.status} X\r\ncontent-length: {len(answer.body)}\r\n"
                    f"{extra}\r\n".encode("latin-1")
                    + answer.body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    def _answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        verified = True
        if self.webhook is not None:
            try:
                self.webhook.verify(body, headers)
            except WebhookVerificationError:
                verified = False
        request = Request(method, path, headers, body, time.time(), verified)
        with self._lock:
            if not verified:
                self.rejected.append(request)
                return Answer(401, body=b"bad signature")
            count = self._seen[request.webhook_id]
            self._seen[request.webhook_id] += 1
            self.requests.append(request)
        return self.responder(request, count)
