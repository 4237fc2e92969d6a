"""`/healthz` and `/metrics` on the web app, served by uvicorn over real sockets on loopback."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
import redis
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector

from atalaia.redis_keys import Keys
from crawler.summary import OutletSummary
from scheduler.metrics import Metrics
from scheduler.web.address import InvalidAddress, parse_address
from scheduler.web.app import create_app
from tests.web.catching import served, web_for, write_files

Scenario = Callable[[str], Awaitable[None]]


def run_server(
    scenario: Scenario,
    *,
    healthy: Callable[[], Awaitable[bool | str]] | None = None,
    registry: Collector | None = None,
    read_timeout: float = 5.0,
    check_timeout: float = 10.0,
) -> None:
    """Serve the web app on a free loopback port and run `scenario(base_url)` against it."""

    async def always() -> bool:
        return True

    with tempfile.TemporaryDirectory() as folder:
        watchlists, outlets = write_files(Path(folder))
        web = web_for(redis.Redis(), Keys("atalaia-test-health:"), watchlists, outlets)
        web.healthy = healthy or always
        web.registry = registry or Metrics().registry
        web.check_timeout = check_timeout
        with served(create_app(web), read_timeout=read_timeout) as base:
            asyncio.run(asyncio.wait_for(scenario(base), 20))


class _Slow(Collector):
    def collect(self) -> list[Metric]:
        time.sleep(1.0)
        return [GaugeMetricFamily("atalaia_redis_up", "up", value=1)]


class _Broken(Collector):
    def collect(self) -> list[Metric]:
        raise ValueError("collector bug")


def registry_of(collector: Collector) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


async def get(base: str, path: str, method: str = "GET") -> httpx.Response:
    async with httpx.AsyncClient(timeout=5) as client:
        return await client.request(method, base + path)


def test_healthz_follows_the_check() -> None:
    state: dict[str, bool | str] = {"verdict": True}

    async def healthy() -> bool | str:
        return state["verdict"]

    async def scenario(base: str) -> None:
        answer = await get(base, "/healthz")
        assert (answer.status_code, answer.text) == (200, "ok\n")
        state["verdict"] = False
        answer = await get(base, "/healthz")
        assert (answer.status_code, answer.text) == (503, "unhealthy\n")
        state["verdict"] = "redis: connection refused"
        answer = await get(base, "/healthz?verbose=1")
        assert (answer.status_code, answer.text) == (503, "redis: connection refused\n")
        head = await get(base, "/healthz", "HEAD")
        assert head.status_code == 503 and head.content == b""

    run_server(scenario, healthy=healthy)


def test_a_check_that_fails_or_hangs_is_unhealthy() -> None:
    async def broken() -> bool:
        raise RuntimeError("boom")

    async def stuck() -> bool:
        await asyncio.sleep(60)
        return True

    async def scenario(base: str) -> None:
        answer = await get(base, "/healthz")
        assert answer.status_code == 503 and "RuntimeError" in answer.text

    run_server(scenario, healthy=broken)

    async def scenario_stuck(base: str) -> None:
        started = time.monotonic()
        answer = await get(base, "/healthz")
        assert answer.status_code == 503 and "timed out" in answer.text
        assert time.monotonic() - started < 3

    run_server(scenario_stuck, healthy=stuck, check_timeout=0.5)


def test_metrics_endpoint() -> None:
    metrics = Metrics()
    metrics.crawl_finished(OutletSummary(outlet="r7", new_stories=3))

    async def scenario(base: str) -> None:
        answer = await get(base, "/metrics")
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
        families = {f.name: f for f in text_string_to_metric_families(answer.text)}
        assert families["atalaia_stories"].samples[0].value == 3

    run_server(scenario, registry=metrics.registry)


def test_metrics_render_runs_off_the_loop() -> None:
    """A slow render (Redis taking its time) does not stop /healthz from answering."""

    async def scenario(base: str) -> None:
        scrape = asyncio.ensure_future(get(base, "/metrics"))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        assert (await get(base, "/healthz")).status_code == 200
        assert time.monotonic() - started < 0.5
        assert "atalaia_redis_up 1.0" in (await scrape).text

    run_server(scenario, registry=registry_of(_Slow()))


def test_broken_metrics_is_a_500() -> None:
    async def scenario(base: str) -> None:
        assert (await get(base, "/metrics")).status_code == 500
        assert (await get(base, "/healthz")).status_code == 200

    run_server(scenario, registry=registry_of(_Broken()))


def test_unknown_paths_and_methods() -> None:
    async def scenario(base: str) -> None:
        assert (await get(base, "/healthz/x")).status_code == 404
        answer = await get(base, "/healthz", "POST")
        assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD"
        assert (await get(base, "/metrics", "DELETE")).status_code == 405

    run_server(scenario)


async def raw(base: str, data: bytes, *, close: bool = True) -> bytes:
    """Send `data` on a bare connection and read whatever comes back until EOF."""
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(data)
    if close:
        writer.write_eof()
    try:
        return await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()


def test_garbage_silent_and_slow_clients_do_not_hang_the_server() -> None:
    async def scenario(base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        # one client connects and says nothing; another sends half a request and stalls
        silent = await asyncio.open_connection(host, int(port))
        stalled = await asyncio.open_connection(host, int(port))
        stalled[1].write(b"GET /hea")
        # meanwhile everyone else is served
        assert (await get(base, "/healthz")).status_code == 200
        assert (await raw(base, b"\x00\xff garbage \r\n\r\n")).startswith(b"HTTP/1.1 400 ")
        # HTTP/1.0: the server answers, then closes (a half-closed client may get nothing)
        answer = await raw(base, b"GET /healthz HTTP/1.0\r\n\r\n", close=False)
        assert answer.startswith(b"HTTP/1.1 200 ")
        assert (await raw(base, b"")) == b""
        too_long = b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\n\r\n"
        assert (await raw(base, too_long)).startswith(b"HTTP/1.1 400 ")  # h11's limit: 16 KiB
        # the server drops both idle clients after its read timeout
        for reader, writer in (silent, stalled):
            answer = await asyncio.wait_for(reader.read(), 3)
            assert answer.startswith(b"HTTP/1.1 408 ")
            writer.close()
        assert (await get(base, "/healthz")).status_code == 200

    run_server(scenario, read_timeout=0.5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:9410", ("127.0.0.1", 9410)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),
        ("localhost:9410", ("localhost", 9410)),
        ("[::1]:9410", ("::1", 9410)),
    ],
)
def test_parse_address(text: str, expected: tuple[str, int]) -> None:
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9410", "expected HOST:PORT"),
        (":9410", "expected HOST:PORT"),
        ("127.0.0.1:", "expected HOST:PORT"),
        ("127.0.0.1:http", "port must be a number"),
        ("127.0.0.1:70000", "port must be a number"),
        ("::1:9410", "in brackets"),
        ("[::1:9410", "IPv6"),
    ],
)
def test_parse_address_refuses_bad_input(text: str, message: str) -> None:
    with pytest.raises(InvalidAddress, match=message) as caught:
        parse_address(text)
    assert repr(text) in str(caught.value)
