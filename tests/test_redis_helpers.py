"""The shared Redis helpers: consumer groups, replies as text, riding out an outage.

Against the real Redis, and a port nothing listens on for Redis being away.
"""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
import redis
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from atalaia.redis_connection import Keys, _free_port
from atalaia.redis_outage import Outage, patiently, until_redis
from atalaia.redis_streams import ensure_group, ensure_group_async, text, texts


def _away() -> aioredis.Redis:
    """A client of a Redis that is not there (each call fails at once: no retries)."""
    return aioredis.Redis(
        port=_free_port(), socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )


def test_ensure_group_creates_the_group_once_and_lets_other_refusals_through(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    stream = keys("stream")
    ensure_group(redis_client, stream, "readers")
    ensure_group(redis_client, stream, "readers")  # already there: fine
    asyncio.run(_ensure_async(redis_url, stream))
    groups = redis_client.xinfo_groups(stream)
    assert [text(group["name"]) for group in groups] == ["readers"]

    redis_client.set(keys("plain"), "not a stream")
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        ensure_group(redis_client, keys("plain"), "readers")


async def _ensure_async(redis_url: str, stream: str) -> None:
    client = aioredis.Redis.from_url(redis_url)
    try:
        await ensure_group_async(client, stream, "readers")
    finally:
        await client.aclose()


def test_replies_as_text() -> None:
    assert text(b"caf\xc3\xa9") == "café"
    assert text(b"\xff") == "\ufffd"  # never a crash on a stray byte
    assert text("já texto") == "já texto"
    assert texts([b"1-0", 7, "x"]) == ["1-0", "7", "x"]


def test_patiently_waits_for_redis_then_gives_up_with_its_error() -> None:
    async def go() -> float:
        away = _away()
        started = time.monotonic()
        try:
            with pytest.raises(redis.ConnectionError):
                await patiently(away.ping, patience=0.6)
        finally:
            await away.aclose()
        return time.monotonic() - started

    waited = asyncio.run(go())
    assert 0.3 <= waited < 2.0  # 50, 100, 200 ms between tries; the next would pass 0.6 s


def test_patiently_carries_on_when_redis_comes_back(redis_url: str) -> None:
    async def go() -> tuple[bool, int]:
        away, there = _away(), aioredis.Redis.from_url(redis_url)
        calls = 0

        async def ping() -> bool:
            nonlocal calls
            calls += 1
            return bool(await (away if calls < 3 else there).ping())

        try:
            return await patiently(ping, patience=10.0), calls
        finally:
            await away.aclose()
            await there.aclose()

    assert asyncio.run(go()) == (True, 3)


def test_an_outage_is_said_once_when_it_starts_and_once_when_it_ends(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    errors: list[int] = []
    outage = Outage("dispatcher", on_error=lambda: errors.append(1))

    async def go() -> int:
        away, there = _away(), aioredis.Redis.from_url(redis_url)
        calls = 0

        async def ping() -> None:
            nonlocal calls
            calls += 1
            await (away if calls <= 3 else there).ping()

        try:
            await until_redis(asyncio.Event(), ping, outage, every=0.01)
        finally:
            await away.aclose()
            await there.aclose()
        return calls

    with caplog.at_level(logging.INFO, logger="atalaia.redis_outage"):
        assert asyncio.run(go()) == 4
    lines = [record.getMessage() for record in caplog.records]
    assert [line for line in lines if "Redis unavailable" in line] == [
        line for line in lines if line.startswith("dispatcher: Redis unavailable")
    ]
    assert sum("Redis unavailable" in line for line in lines) == 1
    assert sum("dispatcher: Redis is back after" in line for line in lines) == 1
    assert len(errors) == 3 and not outage.down


def test_until_redis_gives_up_when_asked_to_stop() -> None:
    async def go() -> float:
        away = _away()
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.3, stop.set)
        started = time.monotonic()
        try:
            await until_redis(stop, away.ping, Outage("crawler"), every=5.0)
        finally:
            await away.aclose()
        return time.monotonic() - started

    assert asyncio.run(go()) < 2.0


def test_a_json_object_field_reads_as_a_dict_or_empty() -> None:
    from atalaia.redis_streams import json_object

    assert json_object(b'{"errors": 2}') == {"errors": 2}
    assert json_object('{"é": "ç"}'.encode()) == {"é": "ç"}
    for broken in (None, b"", b"not json", b"[1, 2]", b'"a string"'):
        assert json_object(broken) == {}
