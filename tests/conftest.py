"""Shared fixtures: a real Redis server and a fresh key prefix per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from atalaia.errors import RedisUnavailable
from atalaia.redis_connection import EmbeddedRedis, connect
from atalaia.redis_keys import Keys

pytest_plugins = ["tests.newsroom.fixtures"]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """ATALAIA_REDIS_URL when it is set and answers; otherwise a throwaway server."""
    configured = os.environ.get("ATALAIA_REDIS_URL")
    if configured:
        try:
            connect(configured).close()
        except RedisUnavailable:
            pass
        else:
            yield configured
            return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def keys() -> Keys:
    return Keys(f"atalaia-test-{uuid.uuid4().hex[:10]}:")


@pytest.fixture
def redis_client(redis_url: str, keys: Keys) -> Iterator[redis.Redis]:
    client = connect(redis_url)
    try:
        yield client
    finally:
        stale = list(client.scan_iter(match=keys.prefix + "*", count=1000))
        if stale:
            client.delete(*stale)
        client.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"
